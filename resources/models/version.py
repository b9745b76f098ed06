"""Published versions: each publication of a record, numbered, with its note and snapshot."""

from django.conf import settings
from django.db import models
from django.utils import timezone

# One foreign key per kind of record (exactly one is set): a backup names each by its
# natural key, the slug, so versions restore onto the right record in any database.
KINDS = ("study", "intervention", "recommendation", "topic")


def _exactly_one_kind() -> models.Q:
    either = models.Q()
    for chosen in KINDS:
        either |= models.Q(**{f"{kind}__isnull": kind != chosen for kind in KINDS})
    return either


class VersionQuerySet(models.QuerySet):
    def of(self, obj):
        return self.filter(**{obj._meta.model_name: obj})

    def major(self):
        return self.filter(major=True)


class Version(models.Model):
    """One published version of a study, intervention, recommendation or topic.

    Written only by `resources.versions.record_version`. The snapshot is the record's
    public representation as published, so the version's own address can show it as it
    was; `changes` lists the judgements that moved since the version before.
    """

    study = models.ForeignKey(
        "resources.Study", null=True, blank=True, on_delete=models.CASCADE, related_name="versions"
    )
    intervention = models.ForeignKey(
        "resources.Intervention",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="versions",
    )
    recommendation = models.ForeignKey(
        "resources.Recommendation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="versions",
    )
    topic = models.ForeignKey(
        "resources.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(help_text="1 for the first publication, then 2, 3, ...")
    published_at = models.DateTimeField(default=timezone.now)
    major = models.BooleanField(
        default=False,
        help_text="Major: it changes a rating, a certainty, a strength or a "
        "recommendation's statement. Minor: wording, typos, metadata.",
    )
    note = models.TextField(blank=True, help_text="What changed, for readers.")
    changes = models.JSONField(
        default=list,
        blank=True,
        help_text="The judgements that moved since the version before, in words.",
    )
    snapshot = models.JSONField(help_text="The record as it was published.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-number"]
        constraints = [
            *(
                models.UniqueConstraint(
                    fields=[kind, "number"],
                    condition=models.Q(**{f"{kind}__isnull": False}),
                    name=f"version_{kind}_number_unique",
                    violation_error_message="This record already has a version with this number.",
                )
                for kind in KINDS
            ),
            models.CheckConstraint(
                condition=_exactly_one_kind(),
                name="version_of_one_record",
                violation_error_message="A version belongs to exactly one record.",
            ),
        ]
        indexes = [
            # the changes feed and the API's changes endpoint: newest first, since a date
            models.Index(fields=["-published_at"], name="version_published_idx"),
        ]

    def __str__(self):
        return f"{self.record} v{self.number}"

    @property
    def record(self):
        return next(getattr(self, kind) for kind in KINDS if getattr(self, f"{kind}_id"))
