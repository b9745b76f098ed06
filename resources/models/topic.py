from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .base import Publishable


class Topic(Publishable):
    """A theme that cuts across studies, interventions and recommendations."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        permissions = [("publish_topic", "Can publish and unpublish topic")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:topic-detail", kwargs={"slug": self.slug})
