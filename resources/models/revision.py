"""Revisions: a curator's proposed change to a published record, waiting for an editor.

The public site and the API keep serving the published record until an editor publishes
the revision; the rules live in `resources.revisions`.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class RevisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Revision.Status.PENDING)

    def for_record(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Revision(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an editor"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    class Via(models.TextChoices):
        ADMIN = "admin", "the admin"
        API = "api", "the API"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="revisions",
    )
    created_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=5, choices=Via.choices, default=Via.ADMIN)
    data = models.JSONField(
        encoder=DjangoJSONEncoder,
        help_text="The record as the curator would have saved it, with its inlines.",
    )
    base = models.JSONField(
        encoder=DjangoJSONEncoder,
        help_text="The published record when the revision was proposed.",
    )

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_revisions",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="The editor's note on publishing or rejecting.")
    is_major = models.BooleanField(
        default=False, help_text="Whether the editor judged the change major (else minor)."
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # the review queue: pending revisions, oldest first
            models.Index(fields=["status", "created_at"], name="revision_queue_idx"),
            # a record's revisions, on its change form and on publishing
            models.Index(fields=["content_type", "object_id"], name="revision_record_idx"),
        ]

    def __str__(self):
        return f"Revision {self.pk} of “{self.record}”"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def model(self):
        return self.content_type.model_class()
