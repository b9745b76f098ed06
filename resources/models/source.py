from django.db import models
from django.utils import timezone

from .choices import SourceKind


class SourceDocumentManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SourceDocument(models.Model):
    """Where facts came from: a seed document, an imported file or a curator's own entry."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    file_name = models.CharField(
        max_length=300, blank=True, help_text="Path of the file, e.g. seeds/000_….txt."
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SourceDocumentManager()

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)
