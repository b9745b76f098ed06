"""Password guessing: five wrong passwords lock a username out from one address (django-axes)."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from resources.models import ApiToken
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

PASSWORD = "a long enough passphrase"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def staff(db):
    return UserFactory(username="ayesha", is_staff=True, groups=["curators"])


def sign_in(client, username, password, **headers):
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def fail_five_times(client, username="ayesha", **headers):
    statuses = [sign_in(client, username, "wrong", **headers).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the form and its error; the fifth locks


def test_four_wrong_passwords_still_let_the_right_one_in(client, staff):
    for _ in range(4):
        sign_in(client, "ayesha", "not the password")
    response = sign_in(client, "ayesha", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_five_wrong_passwords_lock_out_even_the_right_one_with_429(client, staff):
    fail_five_times(client)
    response = sign_in(client, "ayesha", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert b"Signing in is paused" in response.content
    assert b"30 minutes" in response.content


def test_the_lock_ends_after_half_an_hour(client, staff, clock):
    fail_five_times(client)
    clock.shift(timedelta(minutes=29))
    assert sign_in(client, "ayesha", PASSWORD).status_code == 429
    clock.shift(timedelta(minutes=31))
    assert sign_in(client, "ayesha", PASSWORD).status_code == 302


def test_another_username_from_the_same_address_is_not_locked(client, staff):
    UserFactory(username="bram", is_staff=True)
    fail_five_times(client)
    assert sign_in(client, "bram", PASSWORD).status_code == 302


def test_the_same_username_from_another_address_is_not_locked(client, staff):
    fail_five_times(client, REMOTE_ADDR="203.0.113.7")
    assert sign_in(client, "ayesha", PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_lock(client, staff):
    fail_five_times(client)
    response = sign_in(client, "ayesha", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_changing_the_forwarded_for_header_on_each_guess_still_counts_every_guess(client, staff):
    for n in range(5):
        sign_in(client, "ayesha", "not the password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert sign_in(client, "ayesha", PASSWORD).status_code == 429


def test_a_locked_out_users_api_token_still_works(client, staff):
    _, key = ApiToken.issue(staff, "import script", read_only=False)
    fail_five_times(client)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.post("/api/v1/topics/", {"name": "Mentorship", "slug": "m"}, format="json")
    assert response.status_code == 201
