"""Interventions: practices an educator can adopt, and the studies that speak to them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, When
from django.db.models.query import ModelIterable
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .base import Publishable, PublishableQuerySet, SlugManager, published_through
from .choices import AppraisalStatus, Direction, EvidenceRating, InterventionType, Setting


class InterventionQuerySet(PublishableQuerySet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._with_evidence_counts = False

    def _clone(self):
        clone = super()._clone()
        clone._with_evidence_counts = self._with_evidence_counts
        return clone

    def _fetch_all(self):
        fetched = self._result_cache is not None
        super()._fetch_all()
        if self._with_evidence_counts and not fetched and self._iterable_class is ModelIterable:
            self._attach_evidence_counts(self._result_cache)

    def with_evidence_counts(self):
        """Each intervention's published studies counted by design, as `evidence_counts`.

        One GROUP BY query for the interventions fetched (a page of cards), run when they
        are fetched, like a prefetch: a card needs the counts, not hundreds of studies.
        """
        clone = self._chain()
        clone._with_evidence_counts = True
        return clone

    def _attach_evidence_counts(self, interventions) -> None:
        """Set `evidence_counts` ({design: (studies, appraised)}) and the card's
        `evidence_summary` (worded by `resources.evidence_summary`) on each intervention.

        Published studies only; the study is checked with EXISTS rather than an IN list, which
        SQLite would probe against the link table's (intervention, study) index pair by pair.
        """
        from resources.evidence_summary import summarise_counts

        from .study import Study

        if not interventions:
            return
        rows = (
            InterventionStudy.objects.filter(
                Exists(Study.objects.published().filter(pk=OuterRef("study_id"))),
                intervention_id__in=[intervention.pk for intervention in interventions],
            )
            .values_list("intervention_id", "study__design")
            .annotate(
                studies=Count("pk"),
                appraised=Count("pk", filter=Q(study__appraisal_status=AppraisalStatus.APPRAISED)),
            )
            .order_by()
        )
        counts = {intervention.pk: {} for intervention in interventions}
        for pk, design, studies, appraised in rows:
            counts[pk][design] = (studies, appraised)
        for intervention in interventions:
            intervention.evidence_counts = counts[intervention.pk]
            intervention.evidence_summary = summarise_counts(
                intervention.rating, counts[intervention.pk]
            )

    def with_published_topics(self):
        from .topic import Topic

        return self.prefetch_related(
            models.Prefetch(
                "topics", queryset=Topic.objects.published(), to_attr="published_topics"
            )
        )

    def with_published_recommendations(self):
        from .recommendation import Recommendation

        return self.prefetch_related(
            models.Prefetch(
                "recommendations",
                queryset=Recommendation.objects.published(),
                to_attr="published_recommendations",
            )
        )

    def for_pick_list(self, selected=(), size: int = 100):
        """(slug, name) of the `size` most studied, and of any `selected` slugs, by name.

        A filter's pick-list stays a size a reader can scan, and a page's size, however many
        interventions the library holds; each intervention's own page links to its studies.
        """
        most_studied = self.order_by("-published_studies", "name").values("pk")[:size]
        return (
            self.filter(Q(pk__in=most_studied) | Q(slug__in=selected))
            .order_by("name")
            .values_list("slug", "name")
        )

    def for_list(self):
        """What a card needs: the rating's studies counted by design, and the topics."""
        return self.with_evidence_counts().with_published_topics()

    def for_api_list(self):
        """A page of the API list: a card's data and the published recommendations."""
        return self.for_list().with_published_recommendations()

    def for_detail(self):
        """The API's intervention: a card's data and its recommendations.

        Its studies, hundreds at scale, are a paginated list of their own
        (`Intervention.published_study_links()`).
        """
        return self.for_api_list()


def _published_links():
    """Links to published studies, the newest study first, each with its study."""
    return (
        InterventionStudy.objects.filter(published_through("study"))
        .select_related("study")
        .order_by("-study__year", "study__title", "pk")  # pk: pages that never overlap
    )


class InterventionManager(SlugManager.from_queryset(InterventionQuerySet)):
    pass


class Intervention(Publishable):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    intervention_type = models.CharField(
        "type", max_length=30, choices=InterventionType.choices, db_index=True
    )
    setting = models.CharField(max_length=30, choices=Setting.choices, blank=True, db_index=True)
    summary = models.TextField(help_text="What it is, in a few sentences.")
    audience = models.TextField("who it is for", blank=True)
    how_it_works = models.TextField(blank=True)
    implementation_steps = models.TextField(blank=True, help_text="One step per line.")
    resources_needed = models.TextField(blank=True)
    barriers = models.TextField(blank=True)
    facilitators = models.TextField(blank=True)
    topics = models.ManyToManyField("resources.Topic", blank=True, related_name="interventions")
    studies = models.ManyToManyField(
        "resources.Study", through="InterventionStudy", blank=True, related_name="interventions"
    )

    computed_rating = models.CharField(
        max_length=15,
        choices=EvidenceRating.choices,
        default=EvidenceRating.INSUFFICIENT,
        editable=False,
        help_text="Set by the rating rules from the linked studies; never typed in.",
    )
    computed_rating_reasons = models.JSONField(default=list, blank=True, editable=False)
    published_studies = models.PositiveIntegerField(
        default=0,
        editable=False,
        db_index=True,  # the pick-lists' "most studied first"
        help_text="Linked published studies; stored with the rating, never typed in.",
    )
    rating_override = models.CharField(max_length=15, choices=EvidenceRating.choices, blank=True)
    rating_override_justification = models.TextField(blank=True)
    rating = models.GeneratedField(
        expression=Case(
            When(~Q(rating_override=""), then=F("rating_override")),
            default=F("computed_rating"),
        ),
        output_field=models.CharField(max_length=15, choices=EvidenceRating.choices),
        choices=EvidenceRating.choices,
        db_persist=True,
        db_index=True,  # the evidence-rating filter and "strongest first" sort
    )

    objects = InterventionManager()
    # the rating is generated by the database from the two fields it is derived from
    history = HistoricalRecords(excluded_fields=["updated_at", "rating", "published_studies"])

    class Meta:
        ordering = ["name"]
        permissions = [("publish_intervention", "Can publish and unpublish intervention")]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_override="") | ~Q(rating_override_justification=""),
                name="intervention_override_justified",
                violation_error_message="A rating override needs a written justification.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:intervention-detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.rating_override and not self.rating_override_justification.strip():
            raise ValidationError(
                {
                    "rating_override_justification": (
                        "Explain why the rules' rating is overridden; the reason is shown "
                        "to readers beside the rating."
                    )
                }
            )

    @property
    def is_overridden(self) -> bool:
        return bool(self.rating_override)

    def published_study_links(self):
        """Links to published studies, newest first, each with its study."""
        return _published_links().filter(intervention=self)

    def evidence_table(self, limit: int) -> list["InterventionStudy"]:
        """The newest `limit` links to published studies.

        An intervention may rest on hundreds of studies; the page shows the newest and
        links to the studies list, filtered to this intervention, for the rest.
        """
        links = self.published_study_links().prefetch_related(
            "study__outcomes", "study__findings", "study__learner_levels"
        )
        return list(links[:limit])

    @property
    def implementation_step_list(self) -> list[str]:
        return [line.strip() for line in self.implementation_steps.splitlines() if line.strip()]


class InterventionStudyManager(models.Manager):
    def get_by_natural_key(self, intervention_slug, study_slug):
        return self.get(intervention__slug=intervention_slug, study__slug=study_slug)


class InterventionStudy(models.Model):
    """What one study found about one intervention."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="study_links"
    )
    study = models.ForeignKey(
        "resources.Study", on_delete=models.CASCADE, related_name="intervention_links"
    )
    what_it_found = models.TextField(help_text="What this study found about this intervention.")
    direction = models.CharField(
        max_length=15,
        choices=Direction.choices,
        blank=True,
        help_text="Leave empty where the study describes the practice without measuring it.",
    )

    objects = InterventionStudyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["intervention", "study"]
        verbose_name = "study link"
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "study"],
                name="intervention_study_unique",
                violation_error_message="This study is already linked to the intervention.",
            )
        ]

    def __str__(self):
        return f"{self.intervention} ← {self.study}"

    def natural_key(self):
        return (self.intervention.slug, self.study.slug)

    natural_key.dependencies = ["resources.intervention", "resources.study"]
