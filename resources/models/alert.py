"""E-mail alerts: a saved list or search, an address, and how often to write."""

from django.db import models
from django.utils import timezone


class AlertPeriod(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class AlertKind(models.TextChoices):
    """The lists a reader can follow, as `resources.feeds.watched` defines them."""

    STUDIES = "studies", "Studies"
    RECOMMENDATIONS = "recommendations", "Recommendations"
    SEARCH = "search", "Search"
    TOPIC = "topic", "Topic"


class Subscription(models.Model):
    """A confirmed alert. Only the address, the query and the period are kept (with when
    the last digest's period ended); it is created only once the address confirms, and
    unsubscribing deletes it."""

    email = models.EmailField()
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    query = models.CharField(
        max_length=1000, blank=True, help_text="The list's query string, e.g. topic=mentorship."
    )
    period = models.CharField(max_length=10, choices=AlertPeriod.choices)
    covered_until = models.DateTimeField(
        default=timezone.now, help_text="Changes up to here have been sent (or predate it)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email", "kind", "query"],
                name="subscription_unique",
                violation_error_message="This address already follows this list.",
            )
        ]

    def __str__(self):
        return f"{self.email}: {self.kind} {self.query}".strip()

    @property
    def query_dict(self):
        from django.http import QueryDict

        return QueryDict(self.query)


class Digest(models.Model):
    """One e-mail to one address for one period, covering all its alerts of that period,
    claimed before it is sent.

    The unique (email, period, period_end) means a period's digest exists once however
    many schedulers claim it, and at most one digest an address and period is unsent at a
    time, so a retried digest and the next period's never cover the same changes.
    `lease_until` lets one worker at a time send it, and `sent_at` keeps it from being
    sent again. An unsent digest is retried with backoff (`next_attempt_at`) until it goes.
    Unsubscribing from the address's last alert deletes its digests.
    """

    email = models.EmailField()
    period = models.CharField(max_length=10, choices=AlertPeriod.choices)
    period_end = models.DateTimeField(
        help_text="Each of the address's alerts of this period is covered up to here."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email", "period", "period_end"],
                name="digest_once_per_address_and_period",
                violation_error_message="This address's digest for this period already exists.",
            ),
            models.UniqueConstraint(
                fields=["email", "period"],
                condition=models.Q(sent_at=None),
                name="digest_one_unsent_per_address",
                violation_error_message="This address already has a digest waiting to be sent.",
            ),
        ]
        indexes = [
            # the sweep of digests still to send
            models.Index(fields=["sent_at", "next_attempt_at"], name="digest_unsent_idx"),
        ]

    def __str__(self):
        return f"{self.email}: {self.period} to {self.period_end:%Y-%m-%d}"
