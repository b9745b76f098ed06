"""Recommendations: advice to educators and institutions, tied to the evidence behind it."""

from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .base import Publishable, PublishableQuerySet, SlugManager, published_through
from .choices import Audience, Certainty, EvidenceRelation, RecommendationStrength


class RecommendationQuerySet(PublishableQuerySet):
    def for_list(self):
        """What a card needs: the published interventions it concerns, by name, link and
        rating only (their long texts and rating reasons, decoded from JSON, were a tenth
        of a page's time)."""
        from .intervention import Intervention

        return self.prefetch_related(
            models.Prefetch(
                "interventions",
                queryset=Intervention.objects.published().only("slug", "name", "rating"),
                to_attr="published_interventions",
            )
        )

    def with_published_topics(self):
        from .topic import Topic

        return self.prefetch_related(
            models.Prefetch(
                "topics", queryset=Topic.objects.published(), to_attr="published_topics"
            )
        )

    def for_api_list(self):
        """A page of the API list: what it concerns and how many published studies back it.

        A recommendation rests on hundreds of studies at scale; its own URL lists them.
        The count is a subquery, run for the page's rows only.
        """
        published_evidence = (
            RecommendationEvidence.objects.filter(published_through("study"))
            .filter(recommendation=models.OuterRef("pk"))
            .order_by()
            .values("recommendation")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return (
            self.for_list()
            .with_published_topics()
            .annotate(evidence_count=Coalesce(models.Subquery(published_evidence), 0))
        )

    def for_detail(self):
        """The studies behind it (published only, each once) and what it concerns."""
        evidence = (
            RecommendationEvidence.objects.filter(published_through("study"))
            .select_related("study")
            .order_by("relation", "-study__year", "study__title")
        )
        return (
            self.for_list()
            .with_published_topics()
            .prefetch_related(
                models.Prefetch("evidence", queryset=evidence, to_attr="published_evidence")
            )
        )


class RecommendationManager(SlugManager.from_queryset(RecommendationQuerySet)):
    pass


class Recommendation(Publishable):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    statement = models.TextField(help_text="The advice, in one or two sentences.")
    rationale = models.TextField()
    audience = models.CharField(max_length=15, choices=Audience.choices, db_index=True)
    strength = models.CharField(
        max_length=12, choices=RecommendationStrength.choices, db_index=True
    )
    certainty = models.CharField(
        "certainty of evidence", max_length=10, choices=Certainty.choices, db_index=True
    )
    interventions = models.ManyToManyField(
        "resources.Intervention", blank=True, related_name="recommendations"
    )
    topics = models.ManyToManyField("resources.Topic", blank=True, related_name="recommendations")
    studies = models.ManyToManyField(
        "resources.Study",
        through="RecommendationEvidence",
        blank=True,
        related_name="recommendations",
    )

    objects = RecommendationManager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["title"]
        permissions = [("publish_recommendation", "Can publish and unpublish recommendation")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:recommendation-detail", kwargs={"slug": self.slug})


class RecommendationEvidenceManager(models.Manager):
    def get_by_natural_key(self, recommendation_slug, study_slug, relation):
        return self.get(
            recommendation__slug=recommendation_slug, study__slug=study_slug, relation=relation
        )


class RecommendationEvidence(models.Model):
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="evidence"
    )
    study = models.ForeignKey(
        "resources.Study", on_delete=models.CASCADE, related_name="recommendation_evidence"
    )
    relation = models.CharField(
        max_length=12, choices=EvidenceRelation.choices, default=EvidenceRelation.SUPPORTS
    )
    note = models.TextField(blank=True, help_text="How this study bears on the recommendation.")

    objects = RecommendationEvidenceManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "relation", "study"]
        verbose_name_plural = "evidence"
        constraints = [
            # one study may support one part of a recommendation and contradict another
            models.UniqueConstraint(
                fields=["recommendation", "study", "relation"],
                name="recommendation_evidence_unique",
                violation_error_message="This study is already evidence of this kind for "
                "the recommendation.",
            )
        ]

    def __str__(self):
        return f"{self.study} {self.get_relation_display().lower()} {self.recommendation}"

    def natural_key(self):
        return (self.recommendation.slug, self.study.slug, self.relation)

    natural_key.dependencies = ["resources.recommendation", "resources.study"]
