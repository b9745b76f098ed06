from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .base import Publishable, PublishableQuerySet, SlugManager, published_through


class TopicQuerySet(PublishableQuerySet):
    def recount_studies(self) -> int:
        """Store each topic's count of published studies, which its page shows; every
        write path that changes a study's status or topics calls this through
        `resources.tallies.recount_studies`."""
        filed = (
            self.model.studies.through.objects.filter(
                published_through("study"), topic=models.OuterRef("pk")
            )
            .values("topic")
            .annotate(studies=models.Count("*"))
            .values("studies")
        )
        return self.update(published_studies=Coalesce(models.Subquery(filed), 0))


class TopicManager(SlugManager.from_queryset(TopicQuerySet)):
    pass


class Topic(Publishable):
    """A theme that cuts across studies, interventions and recommendations."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    published_studies = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Published studies filed under it; recounted on every change to a "
        "study's status or topics, never typed in.",
    )

    objects = TopicManager()
    history = HistoricalRecords(excluded_fields=["updated_at", "published_studies"])

    class Meta:
        ordering = ["name"]
        permissions = [("publish_topic", "Can publish and unpublish topic")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:topic-detail", kwargs={"slug": self.slug})
