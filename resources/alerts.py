"""E-mail alerts: anyone may follow a list or search and get a digest of what changed.

- **Sign-up, double opt-in.** Nothing is stored at sign-up: the confirmation e-mail
  carries the address, the list and the period in a signed link that expires
  (`TimestampSigner`); following it creates the `Subscription`. Sign-ups are limited per
  client address and per e-mail address (`signup_refused`).
- **Digests, one e-mail per address and period.** `schedule_digests` (run by
  `manage.py send_alerts`, e.g. hourly from cron) claims one `Digest` per address and
  period just ended, covering all that address's alerts of that period, each a section
  (a unique constraint on the address, the period and its end, so two schedulers make it
  once, and another that keeps one digest an address unsent at a time, so a retried
  digest and the next period's never overlap). It enqueues `send_digest`, a background
  task, which leases the digest before sending, so two workers never send it both, and
  marks it sent; a failed send is retried with backoff, and the sweep in
  `schedule_digests` re-enqueues any unsent digest whose time has come, so none is lost.
- **Unsubscribing.** Each section has a signed link that deletes that alert; the
  `List-Unsubscribe` header (one-click, `List-Unsubscribe-Post`) and the e-mail's foot
  carry a signed link that deletes every alert of the address, since the e-mail is theirs
  together. The address's last alert gone, its digests go too.

What matches is what the list's feed holds (`resources.feeds.watched`): records of the
list whose version changed during the period, new ones and changed ones with their notes.
"""

import hashlib
import logging
from dataclasses import dataclass
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

from resources.feeds import BadFeedQuery, Watched, watched, with_latest_versions
from resources.models import AlertPeriod, Digest, Subscription

logger = logging.getLogger(__name__)

CONFIRM_SALT = "resources.alerts.confirm"
UNSUBSCRIBE_SALT = "resources.alerts.unsubscribe"
UNSUBSCRIBE_ALL_SALT = "resources.alerts.unsubscribe-all"
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
    """Delete the subscription a link names (with the address's digests if it was its
    last); False if already gone.

    Raises signing.BadSignature for a forged link."""
    data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    with transaction.atomic():
        deleted, _ = Subscription.objects.filter(pk=data["id"], email=data["email"]).delete()
        if not Subscription.objects.filter(email=data["email"]).exists():
            Digest.objects.filter(email=data["email"]).delete()
    return bool(deleted)


def unsubscribe_all_token(email: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_ALL_SALT).sign_object({"email": email})


def unsubscribe_all(token: str) -> int:
    """Delete every subscription of the address a link names, and its digests; returns
    how many subscriptions went.

    Raises signing.BadSignature for a forged link."""
    email = signing.Signer(salt=UNSUBSCRIBE_ALL_SALT).unsign_object(token)["email"]
    with transaction.atomic():
        Digest.objects.filter(email=email).delete()
        deleted, _ = Subscription.objects.filter(email=email).delete()
    return deleted


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
    """Claim each address's digest for the period just ended (unless one is still unsent),
    and enqueue the sends due (new digests, and unsent ones whose retry time has come).
    Returns how many."""
    now = now or timezone.now()
    for period in AlertPeriod.values:
        boundary = period_boundary(now, period)
        waiting = Digest.objects.filter(period=period, sent_at=None).values("email")
        emails = (
            Subscription.objects.filter(period=period, covered_until__lt=boundary)
            .exclude(email__in=waiting)
            .values_list("email", flat=True)
            .order_by()
            .distinct()
        )
        for email in emails:
            try:
                with transaction.atomic():
                    Digest.objects.get_or_create(
                        email=email,
                        period=period,
                        period_end=boundary,
                        defaults={"next_attempt_at": now},
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


@dataclass
class Section:
    """One alert's part of a digest: what is new and what changed in its list since its
    last digest, and the link that stops it alone."""

    subscription: Subscription
    found: Watched | None
    records: list
    end: datetime

    @property
    def start(self) -> datetime:
        return self.subscription.covered_until

    @property
    def title(self) -> str:
        return self.found.title if self.found else "a list no longer published"

    @property
    def list_url(self) -> str:
        return absolute(self.found.link) if self.found else ""

    @property
    def new(self) -> list:
        return [(r, absolute(r.get_absolute_url())) for r in self.records if r.version <= 1]

    @property
    def changed(self) -> list:
        return [(r, absolute(r.get_absolute_url())) for r in self.records if r.version > 1]

    @property
    def unsubscribe_url(self) -> str:
        token = unsubscribe_token(self.subscription)
        return absolute(reverse("resources:alert-unsubscribe", args=[token]))


def sections(digest: Digest) -> list[Section]:
    """A section for each of the address's alerts of the digest's period not yet covered
    up to its end, in the order they were confirmed."""
    subscriptions = Subscription.objects.filter(
        email=digest.email, period=digest.period, covered_until__lt=digest.period_end
    ).order_by("pk")
    found = []
    for subscription in subscriptions:
        records, watched_list = matches(subscription, subscription.covered_until, digest.period_end)
        found.append(Section(subscription, watched_list, records, digest.period_end))
    return found


def distinct_records(parts: list[Section]) -> set:
    """The records a digest names, each once however many of its lists hold it."""
    return {(record._meta.label, record.pk) for part in parts for record in part.records}


def digest_message(digest: Digest, parts: list[Section]) -> EmailMessage:
    """The one e-mail of an address's digest: a section per alert with something new,
    then the alerts with nothing new, each with its own unsubscribe link; the foot and
    `List-Unsubscribe` stop them all."""
    unsubscribe_url = absolute(
        reverse("resources:alert-unsubscribe-all", args=[unsubscribe_all_token(digest.email)])
    )
    with_news = [part for part in parts if part.records]
    quiet = [part for part in parts if not part.records]
    count = len(distinct_records(parts))
    where = with_news[0].title if len(with_news) == 1 else f"{len(with_news)} of your alerts"
    body = render_to_string(
        "alerts/digest_email.txt",
        {
            "period": AlertPeriod(digest.period).label.lower(),
            "sections": with_news,
            "quiet": quiet,
            "end": digest.period_end,
            "unsubscribe_url": unsubscribe_url,
        },
    )
    return EmailMessage(
        subject=f"Evidence library: {count} new or changed in {where}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def backoff(attempts: int) -> timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


@task()
def send_digest(digest_id: int) -> str:
    """Send one digest, once: leased to this worker first, marked sent after, and the
    alerts it covered moved on to its end."""
    now = timezone.now()
    leased = (
        Digest.objects.filter(pk=digest_id, sent_at=None)
        .filter(Q(lease_until=None) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE)
    )
    if not leased:
        return "already sent, or being sent by another worker"
    digest = Digest.objects.filter(pk=digest_id).first()
    if digest is None:
        return "unsubscribed"
    parts = sections(digest)
    count = len(distinct_records(parts))
    try:
        if count:
            digest_message(digest, parts).send()
    except (SMTPException, OSError) as error:
        digest.attempts += 1
        digest.next_attempt_at = now + backoff(digest.attempts)
        Digest.objects.filter(pk=digest_id).update(  # gone if unsubscribed meanwhile
            attempts=digest.attempts,
            next_attempt_at=digest.next_attempt_at,
            lease_until=None,
            last_error=str(error)[:300],
        )
        logger.warning("Digest %s not sent (attempt %s): %s", digest_id, digest.attempts, error)
        send_digest.using(run_after=digest.next_attempt_at).enqueue(digest_id)
        return "failed; retrying"
    with transaction.atomic():
        Digest.objects.filter(pk=digest_id).update(sent_at=timezone.now(), lease_until=None)
        Subscription.objects.filter(
            pk__in=[part.subscription.pk for part in parts],
            covered_until__lt=digest.period_end,
        ).update(covered_until=digest.period_end)
    return f"sent {count}" if count else "nothing new"
