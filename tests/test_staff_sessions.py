"""Staff sessions end after 30 minutes idle and 12 hours in all, however busy."""

from datetime import timedelta

import pytest
from django.utils import timezone

from library.sessions import SIGNED_IN_AT

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


def is_signed_in(response) -> bool:
    return response.status_code == 200


def test_a_session_idle_for_31_minutes_is_sent_to_the_login_page(clock, curator_client):
    clock.shift(timedelta(minutes=31))
    response = curator_client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_each_request_restarts_the_30_minutes(clock, curator_client):
    for _ in range(3):
        clock.shift(timedelta(minutes=25))
        assert is_signed_in(curator_client.get(ADMIN))


def test_visiting_the_public_site_also_keeps_a_curator_signed_in(clock, curator_client):
    clock.shift(timedelta(minutes=25))
    curator_client.get("/about/")
    clock.shift(timedelta(minutes=25))
    assert is_signed_in(curator_client.get(ADMIN))


def test_a_public_visitor_gets_no_session(visitor, db):
    response = visitor.get("/about/")
    assert "sessionid" not in response.cookies


def test_twelve_hours_of_activity_end_the_session_at_twelve_hours(clock, curator_client):
    for _ in range(12 * 3):  # a request every 20 minutes, the last at 12 hours exactly
        clock.shift(timedelta(minutes=20))
        assert is_signed_in(curator_client.get(ADMIN))
    clock.shift(timedelta(minutes=1))
    response = curator_client.get(ADMIN)
    assert response.status_code == 302
    assert "_auth_user_id" not in curator_client.session


def test_signing_in_stamps_the_session(clock, curator_client):
    assert curator_client.session[SIGNED_IN_AT] == timezone.now().timestamp()


def test_a_session_from_before_the_stamp_existed_gets_one_and_lives_on(clock, curator_client):
    session = curator_client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert is_signed_in(curator_client.get(ADMIN))
    assert SIGNED_IN_AT in curator_client.session
