"""Who may do what through the API: anyone reads; only a curator's writable token writes."""

import pytest
from rest_framework.test import APIClient

from resources.models import ApiToken
from resources.models.api_token import hash_key
from tests.factories import StudyFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_TOPIC = {"name": "Mentorship", "slug": "mentorship"}


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_an_anonymous_write_is_refused_with_401(api):
    response = api.post("/api/v1/topics/", NEW_TOPIC, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_read_only_token_reads_but_cannot_write(read_only_api):
    StudyFactory(slug="s")
    assert read_only_api.get("/api/v1/studies/s/").status_code == 200
    response = read_only_api.post("/api/v1/topics/", NEW_TOPIC, format="json")
    assert response.status_code == 403
    assert response.json()["errors"]["detail"] == ["This token is read-only."]
    assert (
        read_only_api.patch("/api/v1/studies/s/", {"title": "x"}, format="json").status_code == 403
    )


def test_a_writable_token_needs_the_admins_model_permissions():
    _, key = ApiToken.issue(UserFactory(), "no permissions", read_only=False)
    response = token_client(key).post("/api/v1/topics/", NEW_TOPIC, format="json")
    assert response.status_code == 403


def test_a_curators_writable_token_may_write(curator_api):
    assert curator_api.post("/api/v1/topics/", NEW_TOPIC, format="json").status_code == 201


def test_a_revoked_token_is_refused(curator):
    token, key = ApiToken.issue(curator, "old script", read_only=False)
    token.revoke()
    assert token_client(key).get("/api/v1/topics/").status_code == 401


def test_an_unknown_token_is_refused(db):
    assert token_client("not-a-real-key").get("/api/v1/topics/").status_code == 401


def test_a_token_is_stored_hashed(curator):
    token, key = ApiToken.issue(curator, "script")
    token.refresh_from_db()
    assert key not in (token.key_hash, token.key_prefix, str(token))
    assert token.key_hash == hash_key(key)
    assert token.key_prefix == key[:8]


def test_the_browsable_api_shows_no_write_form_to_anonymous_visitors(api):
    response = api.get("/api/v1/topics/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b'method="POST"' not in response.content
    assert b"Raw data" not in response.content


def test_other_sites_may_read_with_cors(api):
    response = api.get("/api/v1/topics/", HTTP_ORIGIN="https://lms.example.edu")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_admin_issues_a_token_and_shows_its_key_once(admin_client, curator):
    response = admin_client.post(
        "/admin/resources/apitoken/add/",
        {"user": curator.pk, "name": "LMS sync", "read_only": "on"},
        follow=True,
    )
    token = ApiToken.objects.get(name="LMS sync")
    shown = [str(m) for m in response.context["messages"] if "copy it now" in str(m)]
    assert len(shown) == 1
    key = shown[0].split(" is ")[1].split(" ")[0]
    assert token.matches(key)
    assert token.read_only


def test_the_admin_revokes_tokens(admin_client, curator):
    token, key = ApiToken.issue(curator, "script")
    admin_client.post(
        "/admin/resources/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.is_revoked
    assert token_client(key).get("/api/v1/topics/").status_code == 401


def test_the_token_admin_pages_render_without_the_key(admin_client, curator):
    token, key = ApiToken.issue(curator, "script")
    changelist = admin_client.get("/admin/resources/apitoken/")
    change = admin_client.get(f"/admin/resources/apitoken/{token.pk}/change/")
    assert changelist.status_code == change.status_code == 200
    assert key not in changelist.content.decode() + change.content.decode()
    assert token.key_prefix in change.content.decode()
