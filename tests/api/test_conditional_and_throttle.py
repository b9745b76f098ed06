"""Good citizenship: conditional requests answered with 304, and rate limits with 429."""

from datetime import UTC, datetime

import pytest
from django.utils.http import http_date

from resources import changes
from resources.api.throttling import AnonRateThrottle, TokenRateThrottle
from tests.factories import InterventionFactory, StudyFactory

pytestmark = pytest.mark.django_db


def test_a_read_carries_an_etag_and_last_modified(api):
    changes.record(StudyFactory(slug="s"))
    response = api.get("/api/v1/studies/s/")
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]


def test_a_matching_etag_is_answered_with_304(api):
    StudyFactory(slug="s")
    etag = api.get("/api/v1/studies/s/")["ETag"]
    response = api.get("/api/v1/studies/s/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_the_etag_changes_when_the_record_does(api):
    study = StudyFactory(slug="s")
    etag = api.get("/api/v1/studies/s/")["ETag"]
    study.title = "A better title"
    study.save()
    assert api.get("/api/v1/studies/s/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_etag_differs_between_formats(api):
    StudyFactory(slug="s")
    assert api.get("/api/v1/studies/s/")["ETag"] != api.get("/api/v1/studies/s/?format=ris")["ETag"]


def test_if_modified_since_the_last_change_is_answered_with_304(api):
    changes.record(StudyFactory())
    last_modified = api.get("/api/v1/studies/")["Last-Modified"]
    assert api.get("/api/v1/studies/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert api.get("/api/v1/studies/", HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200


def test_last_modified_is_when_the_library_last_changed(api, monkeypatch):
    study = StudyFactory(slug="s")
    monkeypatch.setattr(changes.timezone, "now", lambda: datetime(2025, 3, 1, 9, 30, tzinfo=UTC))
    changes.record(study)
    # a change to any record, not only the one asked for
    monkeypatch.setattr(changes.timezone, "now", lambda: datetime(2026, 5, 2, 14, 0, 5, tzinfo=UTC))
    changes.record(InterventionFactory())
    response = api.get("/api/v1/studies/s/")
    assert response["Last-Modified"] == "Sat, 02 May 2026 14:00:05 GMT"


def test_an_answer_from_an_empty_library_has_no_last_modified(api):
    response = api.get("/api/v1/studies/")
    assert response.status_code == 200
    assert not response.has_header("Last-Modified")


@pytest.fixture
def two_a_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute", raising=False)
    monkeypatch.setattr(TokenRateThrottle, "rate", "2/minute", raising=False)


def test_anonymous_clients_over_the_limit_get_429_with_retry_after(api, two_a_minute):
    assert [api.get("/api/v1/topics/").status_code for _ in range(3)] == [200, 200, 429]
    response = api.get("/api/v1/topics/")
    assert int(response["Retry-After"]) > 0
    assert response.json()["errors"]["detail"]


def test_a_forged_x_forwarded_for_does_not_reset_the_limit(api, two_a_minute):
    api.get("/api/v1/topics/")
    api.get("/api/v1/topics/")
    forged = api.get("/api/v1/topics/", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forged.status_code == 429


def test_another_address_has_its_own_allowance(api, two_a_minute):
    api.get("/api/v1/topics/")
    api.get("/api/v1/topics/")
    assert api.get("/api/v1/topics/", REMOTE_ADDR="198.51.100.7").status_code == 200


def test_token_clients_are_limited_too(read_only_api, two_a_minute):
    statuses = [read_only_api.get("/api/v1/topics/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
