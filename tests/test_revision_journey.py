"""The whole path of a change to published evidence: a curator proposes, an editor
publishes, through the admin and then through the API, and the public sees each change
only once it is published."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from resources.models import ApiToken, Revision
from tests.factories import StudyFactory
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def with_token(user) -> APIClient:
    _, key = ApiToken.issue(user, "script", read_only=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_curator_proposes_and_an_editor_publishes_in_the_admin_then_through_the_api(
    curator, editor
):
    study = StudyFactory(slug="collectives", title="Collectives, as published")
    public, api = Client(), APIClient()
    admin_curator, admin_editor = signed_in(curator), signed_in(editor)

    # the curator edits the published study in the admin: it waits as a revision
    url = reverse("admin:resources_study_change", args=[study.pk])
    admin_curator.post(url, form_data(admin_curator.get(url), title="Collectives, revised"))
    assert b"Collectives, as published" in public.get("/studies/collectives/").content

    # the editor finds it in the review queue, reads the diff and publishes it with a note
    queue = admin_editor.get(reverse("admin:review_queue")).content.decode()
    revision = Revision.objects.get()
    review = reverse("admin:resources_revision_change", args=[revision.pk])
    assert review in queue
    assert "Collectives, revised" in admin_editor.get(review).content.decode()
    admin_editor.post(review, {"note": "Title as printed.", "_publish": "1"})
    assert b"Collectives, revised" in public.get("/studies/collectives/").content

    # the curator's script changes it again: 202, and the API keeps the published version
    proposed = with_token(curator).patch(
        "/api/v1/studies/collectives/", {"title": "Collectives, third wording"}, format="json"
    )
    assert proposed.status_code == 202
    assert api.get("/api/v1/studies/collectives/").json()["title"] == "Collectives, revised"

    # the editor's script publishes it; the API and the page now show it
    published = with_token(editor).post(
        proposed["Location"] + "publish/", {"note": "Third wording.", "major": False}, format="json"
    )
    assert published.json()["status"] == "published"
    assert api.get("/api/v1/studies/collectives/").json()["title"] == "Collectives, third wording"
    assert b"Collectives, third wording" in public.get("/studies/collectives/").content
    assert [entry.history_change_reason for entry in study.history.all()[:2]] == [
        f"Revision {revision.pk + 1} by curator, published: Third wording.",
        f"Revision {revision.pk} by curator, published: Title as printed.",
    ]
