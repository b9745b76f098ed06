"""What every public record shares: an editorial status and one way to ask for the public ones."""

import re

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone

from .choices import EditorialStatus

SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # what the `slug` path converter matches


def published_through(relation: str) -> models.Q:
    """The public visibility rule applied to a related record, e.g. `study` of a link.

    A filter on the joined row rather than `study__in=Study.objects.published()`: SQLite
    builds that subquery's whole list of ids (100,000 at scale) before it can use it.
    """
    return models.Q(**{f"{relation}__status": EditorialStatus.PUBLISHED})


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """The only place the public visibility rule is written (with `published_through`)."""
        return self.filter(status=EditorialStatus.PUBLISHED)

    def in_review(self):
        """What curators sent to an editor: the review queue."""
        return self.filter(status=EditorialStatus.IN_REVIEW)

    def with_versions(self):
        """Each record's published versions, newest first, as `version_list` (the API
        lists them on every record): one query a page, without the snapshots."""
        from .version import Version

        return self.prefetch_related(
            models.Prefetch(
                "versions",
                queryset=Version.objects.defer("snapshot").order_by("-number"),
                to_attr="version_list",
            )
        )


class SlugManager(models.Manager.from_queryset(PublishableQuerySet)):
    """Natural keys by slug, so fixtures stay readable and loads are idempotent."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Publishable(models.Model):
    status = models.CharField(
        max_length=12,
        choices=EditorialStatus.choices,
        default=EditorialStatus.DRAFT,
        db_index=True,  # every public query filters on it through .published()
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Defaults rather than auto_now: fixtures load in raw mode, which skips auto_now.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # the public version (resources/versions.py): 0 until first published
    version = models.PositiveIntegerField(
        default=0, editable=False, help_text="The published version: 1, 2, 3, ..."
    )
    version_changed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the published version last changed."
    )
    sources = models.ManyToManyField(
        "resources.SourceDocument",
        blank=True,
        related_name="%(class)s_records",
        help_text="The documents the facts of this record come from.",
    )
    curator_note = models.TextField(
        "internal note",
        blank=True,
        help_text="For the curators only, never shown to the public or in the API: "
        "decisions such as why a field stays empty.",
    )
    # proposed changes waiting for an editor (resources.revisions); they go with the record
    revisions = GenericRelation("resources.Revision")

    objects = SlugManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.slug,)

    @property
    def is_published(self) -> bool:
        return self.status == EditorialStatus.PUBLISHED

    def set_status(self, status: EditorialStatus) -> None:
        """Move through the editorial workflow, stamping the first publication."""
        self.status = status
        if status == EditorialStatus.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
