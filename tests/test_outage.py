"""With the database unreachable, readers get a 503 they can retry; the app then recovers."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from resources.api.views import PublicViewSet
from resources.models import PublishableQuerySet

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down():
    refused = OperationalError("connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused):
        yield


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_pages_answer_503_in_the_sites_style_with_retry_after(client, database_down):
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "briefly unavailable" in response.content.decode()


def test_api_answers_503_in_json(client, database_down):
    response = client.get("/api/v1/studies/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["errors"]["detail"]


def test_liveness_stays_up_while_readiness_reports_the_outage(client, database_down):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503


def test_app_recovers_without_restart_when_the_database_returns(client):
    refused = OperationalError("connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused):
        assert client.get("/").status_code == 503
    assert client.get("/").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/no-such-collection/")
    assert response.status_code == 404
    assert response.json()["errors"]["detail"] == ["Not found."]


def test_an_unexpected_error_shows_the_sites_page_with_its_request_id_and_no_traceback(client):
    with mock.patch.object(PublishableQuerySet, "published", side_effect=RuntimeError("boom")):
        response = client.get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert f"Reference for the team: {response['X-Request-ID']}" in body
    assert "boom" not in body
    assert "Traceback" not in body


def test_an_unexpected_api_error_stays_json(client):
    with mock.patch.object(PublicViewSet, "get_queryset", side_effect=RuntimeError("boom")):
        response = client.get("/api/v1/topics/")
    assert response.status_code == 500
    assert response.json()["request_id"] == response["X-Request-ID"]
