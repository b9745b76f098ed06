"""E-mail alerts, the whole path: sign-up, confirm, match, digest, unsubscribe, retry."""

import re
from datetime import UTC, datetime, timedelta
from smtplib import SMTPException

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.test import Client

from resources import alerts, versions
from resources.models import Digest, EditorialStatus, Subscription
from tests.factories import StudyFactory, TopicFactory

# The worker closes its database connections between tasks, as a long-running process
# should; on PostgreSQL that would end a test's wrapping transaction, so these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


def link(message, path: str) -> str:
    return re.search(rf"https?://[^/\s]+({path}[^\s]+)", message.body).group(1)


def sign_up(
    client,
    mailoutbox,
    query="kind=studies&topic=mentorship",
    email="jo@example.org",
    period="daily",
):
    response = client.post(f"/alerts/?{query}", {"email": email, "period": period})
    assert response.status_code == 200, response.content.decode()[:500]
    return mailoutbox[-1]


@pytest.fixture
def topic():
    return TopicFactory(slug="mentorship", name="Mentorship")


@pytest.fixture
def subscribed(visitor, mailoutbox, topic, clock):
    clock.move_to(START)
    confirmation = sign_up(visitor, mailoutbox)
    visitor.get(link(confirmation, "/alerts/confirm/"))
    return Subscription.objects.get()


def follow(query, email="jo@example.org", period="daily"):
    """Another confirmed alert, as its confirmation link makes it (past the sign-up limits)."""
    kind, _, rest = query.partition("&")
    alerts.confirm(alerts.confirmation_token(email, kind.removeprefix("kind="), rest, period))


def publish_study(title, *, topic=None):
    study = StudyFactory(title=title)
    if topic:
        study.topics.add(topic)
    versions.record_version(study)
    return study


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def send_due(clock, when, django_capture_on_commit_callbacks):
    clock.move_to(when)
    with django_capture_on_commit_callbacks(execute=True):
        alerts.schedule_digests()
    run_worker()


def test_signing_up_stores_nothing_until_the_signed_link_is_followed(visitor, mailoutbox, topic):
    page = visitor.get("/alerts/?kind=studies&topic=mentorship")
    assert page.status_code == 200
    assert "studies (topic mentorship)" in page.content.decode()

    confirmation = sign_up(visitor, mailoutbox)
    assert confirmation.to == ["jo@example.org"]
    assert Subscription.objects.count() == 0

    confirmed = visitor.get(link(confirmation, "/alerts/confirm/"))
    assert confirmed.status_code == 200
    assert "Your alert is on" in confirmed.content.decode()
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.kind, subscription.query, subscription.period) == (
        "jo@example.org",
        "studies",
        "topic=mentorship",
        "daily",
    )


def test_a_confirmation_link_expires_and_cannot_be_forged(visitor, mailoutbox, topic, clock):
    path = link(sign_up(visitor, mailoutbox), "/alerts/confirm/")
    assert visitor.get(path.replace("/confirm/", "/confirm/x")).status_code == 400
    clock.shift(alerts.CONFIRM_MAX_AGE + timedelta(minutes=1))
    response = visitor.get(path)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert Subscription.objects.count() == 0


def test_a_list_that_does_not_exist_cannot_be_followed(visitor):
    assert visitor.get("/alerts/?kind=everything").status_code == 400
    assert visitor.get("/alerts/?kind=studies&year_min=abc").status_code == 400


def test_sign_ups_are_limited_per_email_and_per_client(visitor, mailoutbox, topic):
    for _ in range(alerts.SIGNUPS_PER_EMAIL_PER_DAY):
        sign_up(visitor, mailoutbox)
    refused = visitor.post(
        "/alerts/?kind=studies&topic=mentorship", {"email": "jo@example.org", "period": "daily"}
    )
    assert refused.status_code == 429
    assert len(mailoutbox) == alerts.SIGNUPS_PER_EMAIL_PER_DAY
    tried = alerts.SIGNUPS_PER_EMAIL_PER_DAY + 1  # the refused one counts too
    for number in range(alerts.SIGNUPS_PER_CLIENT_PER_HOUR - tried):
        sign_up(visitor, mailoutbox, email=f"other{number}@example.org")
    refused = visitor.post(
        "/alerts/?kind=studies", {"email": "new@example.org", "period": "weekly"}
    )
    assert refused.status_code == 429


def test_the_daily_digest_lists_what_matched_and_what_changed_once(
    subscribed, topic, clock, mailoutbox, django_capture_on_commit_callbacks
):
    clock.move_to(START + timedelta(hours=1))
    publish_study("Peer mentoring for trainees", topic=topic)
    publish_study("Unrelated curriculum study")
    changed = publish_study("Older mentoring study", topic=topic)
    clock.move_to(START + timedelta(hours=2))
    changed.title = "Older mentoring study, re-appraised"
    changed.save()
    versions.record_version(changed, note="Re-appraised from the full text.")
    mailoutbox.clear()

    send_due(clock, START + timedelta(days=1, hours=1), django_capture_on_commit_callbacks)

    [digest] = mailoutbox
    assert digest.to == ["jo@example.org"]
    assert "Peer mentoring for trainees" in digest.body
    assert "Unrelated curriculum study" not in digest.body
    assert "Older mentoring study, re-appraised (2023): version 2" in digest.body
    assert "Re-appraised from the full text." in digest.body
    unsubscribe_all = link(digest, "/alerts/unsubscribe-all/")
    assert digest.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe_all}>")
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link(digest, "/alerts/unsubscribe/") != unsubscribe_all

    # a second scheduler, a second worker: the same period is never sent again
    send_due(clock, START + timedelta(days=1, hours=2), django_capture_on_commit_callbacks)
    alerts.send_digest.call(Digest.objects.get().pk)
    assert len(mailoutbox) == 1
    assert Digest.objects.count() == 1

    # the next day, nothing new: no e-mail at all
    send_due(clock, START + timedelta(days=2, hours=1), django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1


def test_a_failed_send_is_retried_with_backoff_and_sent_once(
    subscribed, topic, clock, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    clock.move_to(START + timedelta(hours=1))
    publish_study("Peer mentoring for trainees", topic=topic)
    mailoutbox.clear()

    def refuse(self, messages):
        raise SMTPException("421 try again later")

    with monkeypatch.context() as patched:
        patched.setattr(EmailBackend, "send_messages", refuse)
        send_due(clock, START + timedelta(days=1), django_capture_on_commit_callbacks)
    digest = Digest.objects.get()
    assert (digest.sent_at, digest.attempts) == (None, 1)
    assert digest.next_attempt_at == START + timedelta(days=1) + alerts.BACKOFF[0]
    assert "421" in digest.last_error
    assert mailoutbox == []

    run_worker()  # the retry waits for its time
    assert mailoutbox == []
    clock.shift(alerts.BACKOFF[0])
    run_worker()
    assert len(mailoutbox) == 1
    assert "Peer mentoring for trainees" in mailoutbox[0].body
    assert Digest.objects.get().sent_at is not None


def test_unsubscribing_deletes_the_address_and_says_so(
    subscribed, topic, clock, mailoutbox, django_capture_on_commit_callbacks
):
    clock.move_to(START + timedelta(hours=1))
    publish_study("Peer mentoring for trainees", topic=topic)
    mailoutbox.clear()
    send_due(clock, START + timedelta(days=1), django_capture_on_commit_callbacks)
    path = link(mailoutbox[0], "/alerts/unsubscribe/")

    client = Client(enforce_csrf_checks=True)  # a mail client's one-click POST has no token
    assert "Unsubscribe and delete" in client.get(path).content.decode()
    assert Subscription.objects.exists(), "looking at the page unsubscribes nobody"
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "have been deleted" in response.content.decode()
    assert not Subscription.objects.exists()
    assert not Digest.objects.exists()
    assert client.post(path).status_code == 200  # twice is harmless
    assert client.post(path.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 400


def test_lists_offer_e_mail_alerts_beside_the_feed(visitor, topic):
    StudyFactory(status=EditorialStatus.PUBLISHED).topics.add(topic)
    page = visitor.get("/studies/?topic=mentorship").content.decode()
    assert 'href="/alerts/?kind=studies&amp;topic=mentorship"' in page
    assert (
        'href="/alerts/?kind=topic&amp;topic=mentorship"'
        in visitor.get("/topics/mentorship/").content.decode()
    )


def test_one_address_gets_one_digest_a_period_with_a_section_per_alert(
    subscribed, visitor, topic, clock, mailoutbox, django_capture_on_commit_callbacks
):
    follow("kind=studies")
    follow("kind=studies&year_min=2030")  # nothing will match
    follow("kind=studies&topic=mentorship", email="sam@example.org")
    follow("kind=studies&topic=mentorship", period="weekly", email="jo@example.net")
    clock.move_to(START + timedelta(hours=1))
    publish_study("Peer mentoring for trainees", topic=topic)
    publish_study("Feedback conversations in clinic")
    mailoutbox.clear()

    send_due(clock, START + timedelta(days=1, hours=1), django_capture_on_commit_callbacks)

    [jo] = [message for message in mailoutbox if message.to == ["jo@example.org"]]
    [sam] = [message for message in mailoutbox if message.to == ["sam@example.org"]]
    assert len(mailoutbox) == 2, "a weekly alert waits for its week"
    assert jo.subject == "Evidence library: 2 new or changed in 2 of your alerts"
    mentorship, studies, quiet = re.split(r"\n== |Nothing new this time in:", jo.body)[1:]
    assert mentorship.startswith("Studies (topic mentorship) ==")
    assert "Peer mentoring for trainees" in mentorship
    assert "Feedback conversations" not in mentorship
    assert studies.startswith("Studies ==")
    assert "Peer mentoring for trainees" in studies
    assert "Feedback conversations in clinic" in studies
    assert "2030" in quiet
    # a link to stop each alert alone, and one (the header's) to stop them all
    stop_each = re.findall(r"Stop this alert: https?://[^/\s]+(/alerts/unsubscribe/\S+)", jo.body)
    assert len(set(stop_each)) == 3
    assert "Peer mentoring for trainees" in sam.body
    assert Digest.objects.filter(sent_at__isnull=False).count() == 2

    Client().post(stop_each[1])  # all studies, daily
    assert set(
        Subscription.objects.filter(email="jo@example.org").values_list("query", "period")
    ) == {
        ("topic=mentorship", "daily"),
        ("year_min=2030", "daily"),
    }
    assert Digest.objects.filter(email="jo@example.org").exists(), "other alerts go on"

    clock.move_to(START + timedelta(days=1, hours=3))
    publish_study("Feedback and mentoring", topic=topic)
    mailoutbox.clear()
    send_due(clock, START + timedelta(days=2, hours=1), django_capture_on_commit_callbacks)
    [jo] = [message for message in mailoutbox if message.to == ["jo@example.org"]]
    assert jo.subject == "Evidence library: 1 new or changed in studies (topic mentorship)"
    assert "Peer mentoring for trainees" not in jo.body, (
        "each digest says what is new since the last"
    )
    assert "Feedback and mentoring" in jo.body
    assert "\n== Studies ==" not in jo.body


def test_the_list_unsubscribe_header_stops_every_alert_of_the_address(
    subscribed, visitor, topic, clock, mailoutbox, django_capture_on_commit_callbacks
):
    follow("kind=recommendations", period="weekly")
    follow("kind=studies", email="sam@example.org")
    clock.move_to(START + timedelta(hours=1))
    publish_study("Peer mentoring for trainees", topic=topic)
    mailoutbox.clear()
    send_due(clock, START + timedelta(days=1), django_capture_on_commit_callbacks)
    [jo] = [message for message in mailoutbox if message.to == ["jo@example.org"]]
    path = re.search(r"<https?://[^/]+(/[^>]+)>", jo.extra_headers["List-Unsubscribe"]).group(1)

    client = Client(enforce_csrf_checks=True)  # a mail client's one-click POST has no token
    assert "Unsubscribe from all" in client.get(path).content.decode()
    assert Subscription.objects.filter(email="jo@example.org").count() == 2
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Your alerts are stopped" in response.content.decode()
    assert not Subscription.objects.filter(email="jo@example.org").exists()
    assert not Digest.objects.filter(email="jo@example.org").exists()
    assert Subscription.objects.filter(email="sam@example.org").exists()
    assert client.post(path).status_code == 200  # twice is harmless
    forged = path.replace("/unsubscribe-all/", "/unsubscribe-all/x")
    assert client.post(forged).status_code == 400
    # a link to stop one alert cannot stop them all, nor the other way round
    one = link(jo, "/alerts/unsubscribe/").split("/")[-2]
    assert client.post(f"/alerts/unsubscribe-all/{one}/").status_code == 400


def test_a_digest_retried_past_its_period_and_the_next_one_never_overlap(
    subscribed, topic, clock, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    clock.move_to(START + timedelta(hours=1))
    publish_study("Peer mentoring for trainees", topic=topic)
    mailoutbox.clear()

    def refuse(self, messages):
        raise SMTPException("421 try again later")

    with monkeypatch.context() as patched:
        patched.setattr(EmailBackend, "send_messages", refuse)
        send_due(clock, START + timedelta(days=1), django_capture_on_commit_callbacks)
        clock.move_to(START + timedelta(days=1, hours=3))
        publish_study("Mentoring circles", topic=topic)
        # the next day's scheduler finds the first digest still unsent: it claims no other
        send_due(clock, START + timedelta(days=2, hours=1), django_capture_on_commit_callbacks)
    assert Digest.objects.count() == 1
    assert Digest.objects.get().sent_at is None

    send_due(clock, START + timedelta(days=2, hours=4), django_capture_on_commit_callbacks)
    [first] = mailoutbox
    assert "Peer mentoring for trainees" in first.body
    assert "Mentoring circles" not in first.body
    send_due(clock, START + timedelta(days=2, hours=5), django_capture_on_commit_callbacks)
    [_, second] = mailoutbox
    assert "Mentoring circles" in second.body
    assert "Peer mentoring for trainees" not in second.body
    assert Digest.objects.filter(sent_at=None).count() == 0
