"""E-mail alerts: anyone may follow a list or search and get a digest of what changed.

- **Sign-up, double opt-in.** Nothing is stored at sign-up: the confirmation e-mail
  carries the address, the list and the period in a signed link that expires
  (`TimestampSigner`); following it creates the `Subscription`. Sign-ups are limited per
  client address and per e-mail address (`signup_refused`).
- **Digests.** `schedule_digests` (run by `manage.py send_alerts`, e.g. hourly from cron)
  claims one `Digest` per subscription and period (a unique constraint on the
  subscription and the period's start, so two schedulers or workers make it once) and
  enqueues `send_digest`, a background task. The task leases the digest before sending,
  so two workers never send it both, and marks it sent; a failed send is retried with
  backoff, and the sweep in `schedule_digests` re-enqueues any unsent digest whose time
  has come, so none is lost.
- **Unsubscribing** (a signed link in every e-mail, and `List-Unsubscribe` with
  one-click `List-Unsubscribe-Post`) deletes the subscription and its digests.

What matches is what the list's feed holds (`resources.feeds.watched`): records of the
list whose version changed during the period, new ones and changed ones with their notes.
"""

import hashlib
import logging
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from resources.feeds import BadFeedQuery, watched, with_latest_versions
from resources.models import AlertPeriod, Digest, Subscription

logger = logging.getLogger(__name__)

CONFIRM_SALT = "resources.alerts.confirm"
UNSUBSCRIBE_SALT = "resources.alerts.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=3)
# Sign-ups: at most this many an hour from one client address, and a day to one e-mail
SIGNUPS_PER_CLIENT_PER_HOUR = 10
SIGNUPS_PER_EMAIL_PER_DAY = 3
# A digest's sending is leased this long to one worker; retries wait these in turn, then
# the last one again until the e-mail goes.
LEASE = timedelta(minutes=10)
BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
]
DIGEST_LENGTH = 50


# --- Sign-up and confirmation ------------------------------------------------------------


def _count(key: str, window: timedelta) -> int:
    """How many times `key` was counted within `window` (this one included)."""
    cache.add(key, 0, timeout=int(window.total_seconds()))
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(window.total_seconds()))
        return 1


def signup_refused(client: str, email: str) -> str:
    """Why a sign-up is refused for now, or "" when it may go ahead (and is counted)."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    if _count(f"alerts:signup:client:{client}", timedelta(hours=1)) > SIGNUPS_PER_CLIENT_PER_HOUR:
        return "Too many sign-ups from your connection; try again in an hour."
    if _count(f"alerts:signup:email:{digest}", timedelta(days=1)) > SIGNUPS_PER_EMAIL_PER_DAY:
        return "This address has been sent several confirmations today; try again tomorrow."
    return ""


def confirmation_token(email: str, kind: str, query: str, period: str) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object(
        {"email": email, "kind": kind, "query": query, "period": period}
    )


def confirm(token: str) -> Subscription:
    """The subscription a confirmation link asks for, created (or its period updated).

    Raises signing.BadSignature (or its SignatureExpired) for a forged or stale link."""
    data = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(token, max_age=CONFIRM_MAX_AGE)
    subscription, created = Subscription.objects.get_or_create(
        email=data["email"],
        kind=data["kind"],
        query=data["query"],
        defaults={"period": data["period"]},
    )
    if not created and subscription.period != data["period"]:
        subscription.period = data["period"]
        subscription.save(update_fields=["period"])
    return subscription


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(
        {"id": subscription.pk, "email": subscription.email}
    )


def unsubscribe(token: str) -> bool:
    """Delete the subscription a link names, with its digests; False if already gone.

    Raises signing.BadSignature for a forged link."""
    data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    deleted, _ = Subscription.objects.filter(pk=data["id"], email=data["email"]).delete()
    return bool(deleted)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_confirmation(email: str, kind: str, query: str, period: str, title: str) -> None:
    token = confirmation_token(email, kind, query, period)
    body = render_to_string(
        "alerts/confirm_email.txt",
        {
            "title": title,
            "period": AlertPeriod(period).label.lower(),
            "confirm_url": absolute(reverse("resources:alert-confirm", args=[token])),
            "days": CONFIRM_MAX_AGE.days,
        },
    )
    EmailMessage(
        subject=f"Confirm your e-mail alert: {title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
    ).send()


# --- Digests -----------------------------------------------------------------------------


def period_boundary(now: datetime, period: str) -> datetime:
    """The start of the current day (daily) or week, Monday (weekly), in UTC."""
    day = now.astimezone(timezone.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == AlertPeriod.WEEKLY:
        day -= timedelta(days=day.weekday())
    return day


def schedule_digests(now: datetime | None = None) -> int:
    """Claim each subscription's digest for the period just ended, and enqueue the sends
    due (new digests, and unsent ones whose retry time has come). Returns how many."""
    now = now or timezone.now()
    for subscription in Subscription.objects.all():
        boundary = period_boundary(now, subscription.period)
        if subscription.covered_until >= boundary:
            continue
        try:
            with transaction.atomic():
                Digest.objects.get_or_create(
                    subscription=subscription,
                    period_start=subscription.covered_until,
                    defaults={"period_end": boundary, "next_attempt_at": now},
                )
        except IntegrityError:  # another scheduler claimed it in between
            continue
    unsent = Digest.objects.filter(sent_at=None, next_attempt_at__lte=now).filter(
        Q(lease_until=None) | Q(lease_until__lt=now)
    )
    due = list(unsent.values_list("pk", flat=True))
    for pk in due:
        transaction.on_commit(lambda pk=pk: send_digest.enqueue(pk))
    return len(due)


def matches(subscription: Subscription, start: datetime, end: datetime) -> tuple[list, object]:
    """Records of the subscription's list whose version changed in [start, end), and the
    list (`resources.feeds.Watched`)."""
    try:
        found = watched(subscription.kind, subscription.query_dict)
    except (BadFeedQuery, Http404):  # e.g. a topic since unpublished
        return [], None
    records = []
    for queryset in found.querysets:
        changed = queryset.filter(version_changed_at__gte=start, version_changed_at__lt=end)
        records += changed.order_by("-version_changed_at")[:DIGEST_LENGTH]
    records.sort(key=lambda record: record.version_changed_at, reverse=True)
    return with_latest_versions(records[:DIGEST_LENGTH]), found


def digest_message(digest: Digest, records: list, found) -> EmailMessage:
    subscription = digest.subscription
    unsubscribe_url = absolute(
        reverse("resources:alert-unsubscribe", args=[unsubscribe_token(subscription)])
    )
    new = [record for record in records if record.version <= 1]
    changed = [record for record in records if record.version > 1]
    body = render_to_string(
        "alerts/digest_email.txt",
        {
            "title": found.title,
            "list_url": absolute(found.link),
            "new": [(record, absolute(record.get_absolute_url())) for record in new],
            "changed": [(record, absolute(record.get_absolute_url())) for record in changed],
            "start": digest.period_start,
            "end": digest.period_end,
            "unsubscribe_url": unsubscribe_url,
        },
    )
    return EmailMessage(
        subject=f"Evidence library: {len(records)} new or changed in {found.title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def backoff(attempts: int) -> timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


@task()
def send_digest(digest_id: int) -> str:
    """Send one digest, once: leased to this worker first, marked sent after."""
    now = timezone.now()
    leased = (
        Digest.objects.filter(pk=digest_id, sent_at=None)
        .filter(Q(lease_until=None) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE)
    )
    if not leased:
        return "already sent, or being sent by another worker"
    digest = Digest.objects.select_related("subscription").get(pk=digest_id)
    records, found = matches(digest.subscription, digest.period_start, digest.period_end)
    try:
        if records:
            digest_message(digest, records, found).send()
    except (SMTPException, OSError) as error:
        digest.attempts += 1
        digest.next_attempt_at = now + backoff(digest.attempts)
        digest.lease_until = None
        digest.last_error = str(error)[:300]
        digest.save(update_fields=["attempts", "next_attempt_at", "lease_until", "last_error"])
        logger.warning("Digest %s not sent (attempt %s): %s", digest_id, digest.attempts, error)
        send_digest.using(run_after=digest.next_attempt_at).enqueue(digest_id)
        return "failed; retrying"
    with transaction.atomic():
        Digest.objects.filter(pk=digest_id).update(sent_at=timezone.now(), lease_until=None)
        Subscription.objects.filter(pk=digest.subscription_id).update(
            covered_until=digest.period_end
        )
    return f"sent {len(records)}" if records else "nothing new"
