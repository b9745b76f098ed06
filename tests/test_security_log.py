"""Security events are logged as JSON lines on "library.security", never with a secret."""

import json
import logging

import pytest
from rest_framework.test import APIClient

from library.log_format import JsonFormatter
from resources.models import ApiToken, Topic
from tests.factories import TopicFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

PASSWORD = "a long enough passphrase"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def security_log(caplog):
    """The "library.security" lines as the console would print them (dicts, one per line)."""
    caplog.set_level(logging.INFO)
    formatter = JsonFormatter()

    def lines():
        return [
            json.loads(formatter.format(record))
            for record in caplog.records
            if record.name == "library.security"
        ]

    return lines


def all_log_text(caplog) -> str:
    """Every captured line from every logger, formatted with all its fields."""
    return "\n".join(JsonFormatter().format(record) for record in caplog.records)


def test_a_failed_sign_in_is_logged_with_the_username_and_address(client, curator, security_log):
    client.post(LOGIN, {"username": "curator", "password": "hunter2-secret"})
    (line,) = security_log()
    assert line["action"] == "login_failed"
    assert line["username"] == "curator"
    assert line["address"] == "127.0.0.1"
    assert line["level"] == "WARNING"
    assert line["time"] and line["request_id"] != "-"


def test_a_failed_sign_in_never_logs_the_password(client, curator, caplog, security_log):
    client.post(LOGIN, {"username": "curator", "password": "hunter2-secret"})
    assert security_log()
    assert "hunter2-secret" not in all_log_text(caplog)


def test_a_lockout_is_logged(client, curator, security_log):
    for _ in range(5):
        client.post(LOGIN, {"username": "curator", "password": "hunter2-secret"})
    locked = [line for line in security_log() if line["action"] == "locked_out"]
    assert len(locked) == 1
    assert locked[0]["username"] == "curator"
    assert locked[0]["address"] == "127.0.0.1"


def test_a_successful_sign_in_is_logged_without_the_password(client, curator, caplog, security_log):
    client.post(LOGIN, {"username": "curator", "password": PASSWORD})
    (line,) = security_log()
    assert line["action"] == "login"
    assert line["user"] == "curator"
    assert line["address"] == "127.0.0.1"
    assert PASSWORD not in all_log_text(caplog)


def test_a_refused_api_write_is_logged_without_the_token(curator, caplog, security_log):
    _, key = ApiToken.issue(curator, "LMS sync", read_only=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.post("/api/v1/topics/", {"name": "x", "slug": "x"}, format="json").status_code == 403
    (line,) = security_log()
    assert line["action"] == "access_denied"
    assert line["status"] == 403
    assert (line["method"], line["path"]) == ("POST", "/api/v1/topics/")
    assert line["user"] == "curator"
    assert key not in all_log_text(caplog)
    assert key[:8] not in all_log_text(caplog)


def test_an_unknown_api_token_is_logged_without_the_token(caplog, security_log):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token guessed-token-value-123")
    assert api.get("/api/v1/topics/").status_code == 401
    (line,) = security_log()
    assert (line["action"], line["status"], line["user"]) == ("access_denied", 401, None)
    assert "guessed-token-value-123" not in all_log_text(caplog)


def test_an_admin_page_refused_to_staff_is_logged(client, security_log):
    client.force_login(UserFactory(username="intern", is_staff=True))
    assert client.get("/admin/resources/study/").status_code == 403
    (line,) = [line for line in security_log() if line["action"] == "access_denied"]
    assert (line["user"], line["path"]) == ("intern", "/admin/resources/study/")


def test_reading_the_public_site_logs_nothing(client, security_log):
    TopicFactory(slug="mentorship")
    client.get("/topics/mentorship/")
    APIClient().get("/api/v1/topics/")
    assert security_log() == []


def test_an_admin_change_is_logged_with_who_what_and_how(editor_client, security_log):
    topic = TopicFactory(name="Mentorship", slug="mentorship", status="draft")
    response = editor_client.post(
        f"/admin/resources/topic/{topic.pk}/change/",
        {"name": "Mentorship and sponsorship", "slug": "mentorship", "status": "draft"},
    )
    assert response.status_code == 302, response.content
    (line,) = [line for line in security_log() if line["action"].startswith("admin_")]
    assert line["action"] == "admin_changed"
    assert line["user"] == "editor"
    assert line["object_type"] == "Evidence | topic"
    assert line["object_id"] == str(topic.pk)
    assert line["object"] == "Mentorship and sponsorship"
    assert "Name" in line["change_message"]
    assert Topic.objects.get(pk=topic.pk).name == "Mentorship and sponsorship"
