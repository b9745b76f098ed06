"""Recommendations: advice to educators and institutions, tied to the evidence behind it."""

import re

from django.core.exceptions import ValidationError
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
        """Its published topics by name and link (the API lists their slugs)."""
        from .topic import Topic

        topics = Topic.objects.published().only("slug", "name")
        return self.prefetch_related(
            models.Prefetch("topics", queryset=topics, to_attr="published_topics")
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
        """The studies behind it (published only, each once) and what it concerns, with
        what `Recommendation.detail_evidence_profile` reads: each study's appraisal status
        and each practice's stored answers."""
        from .intervention import Intervention

        evidence = (
            RecommendationEvidence.objects.filter(published_through("study"))
            .select_related("study")
            # what the page and the API name a study by, not the whole record
            .only(
                "recommendation",
                "relation",
                "note",
                "study__slug",
                "study__title",
                "study__year",
                "study__design",
                "study__appraisal_status",
            )
            .order_by("relation", "-study__year", "study__title")
        )
        interventions = Intervention.objects.published().only(
            "slug", "name", "rating", "evidence_profile", "profile_confidence", "profile_links"
        )
        return self.with_published_topics().prefetch_related(
            models.Prefetch(
                "interventions", queryset=interventions, to_attr="published_interventions"
            ),
            models.Prefetch("evidence", queryset=evidence, to_attr="published_evidence"),
        )


class RecommendationManager(SlugManager.from_queryset(RecommendationQuerySet)):
    pass


class Recommendation(Publishable):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    statement = models.TextField(help_text="The advice, in one or two sentences.")
    benefits_and_harms = models.TextField(
        blank=True, help_text="Benefits and harms as the studies report them; empty if none do."
    )
    values_and_preferences = models.TextField(
        blank=True, help_text="What the studies report of people's values and preferences."
    )
    practical_considerations = models.TextField(
        "resources and practical considerations",
        blank=True,
        help_text="Resources and practical issues the studies report.",
    )
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

    # What a form is about to save with the record, as `evidence_profile`'s arguments
    # (the admin's evidence rows and interventions): `clean()` checks the certainty against
    # them rather than against what is stored. None: check what is stored.
    submitted_evidence: dict | None = None

    class Meta:
        ordering = ["title"]
        permissions = [("publish_recommendation", "Can publish and unpublish recommendation")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:recommendation-detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        errors = {}
        if self.strength == RecommendationStrength.CONDITIONAL and directive(self.statement):
            errors["statement"] = (
                "A conditional recommendation is worded “We suggest …” or “Consider …”, "
                "not “should”."
            )
        if self.certainty and (self.pk or self.submitted_evidence is not None):
            evidence = self.evidence_profile(**(self.submitted_evidence or {}))
            from resources.certainty import exceeds

            if exceeds(self.certainty, evidence.ceiling):
                errors["certainty"] = (
                    f"Its certainty cannot exceed that of its evidence: {evidence.reason}"
                )
        if errors:
            raise ValidationError(errors)

    def evidence_profile(self, studies=None, interventions=None):
        """What it rests on, and the highest certainty it may claim
        (`resources.certainty.recommendation_evidence`): its stored evidence and
        interventions, or the `studies` and `interventions` (pks) given instead."""
        from resources.certainty import recommendation_evidence

        from .choices import AppraisalStatus
        from .intervention import Intervention
        from .study import Finding, Study

        appraised = Study.objects.published().filter(appraisal_status=AppraisalStatus.APPRAISED)
        if studies is None:
            studies = appraised.filter(recommendation_evidence__recommendation=self)
        else:
            studies = appraised.filter(pk__in=studies)
        if interventions is None:
            interventions = Intervention.objects.published().filter(recommendations=self)
        else:
            interventions = Intervention.objects.published().filter(pk__in=interventions)
        findings = Finding.objects.filter(study__in=studies).select_related("study")
        slugs = set(studies.values_list("slug", flat=True))
        return recommendation_evidence(
            interventions.only("slug", "name", "evidence_profile"), slugs, findings
        )

    def detail_evidence_profile(self):
        """`evidence_profile()` of a record from `for_detail()`, read from what that loaded
        (its published studies and the practices it concerns, with their stored answers):
        only its studies' findings, and which rows they count toward, are queried."""
        from resources.certainty import recommendation_evidence

        from .choices import AppraisalStatus
        from .study import Finding

        appraised = {
            link.study.pk: link.study.slug
            for link in self.published_evidence
            if link.study.appraisal_status == AppraisalStatus.APPRAISED
        }
        findings = (
            Finding.objects.filter(study__in=list(appraised))
            .select_related("study")
            .only("study__slug", "study__title", "position", "statement", "confidence")
        )
        return recommendation_evidence(
            self.published_interventions, set(appraised.values()), findings
        )


DIRECTIVE = re.compile(r"\b(should|must)\b", re.IGNORECASE)


def directive(text: str) -> bool:
    """Whether advice is worded as a directive ("should", "must")."""
    return bool(DIRECTIVE.search(text))


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
