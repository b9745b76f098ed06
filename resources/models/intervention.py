"""Interventions: practices an educator can adopt, and the studies that speak to them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .base import Publishable, PublishableQuerySet, SlugManager, published_through
from .choices import (
    AppraisalStatus,
    Certainty,
    Direction,
    EffectCertainty,
    Indirectness,
    InterventionType,
    LinkType,
    Setting,
)


class InterventionQuerySet(PublishableQuerySet):
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

    def strongest_first(self):
        """Strongest evidence first, then by name: the index `intervention_strongest`."""
        return self.order_by("-rating_rank", "name")

    def with_answers(self):
        """A card's row: its two answers are columns of their own, so the stored profile
        and the rating's reasons (tens of studies and their results, tens of kilobytes a
        row) stay behind."""
        return self.defer("evidence_profile", "computed_rating_reasons")

    def for_list(self):
        """What a card needs beyond its own row (which stores its evidence counts): topics
        and its two answers."""
        return self.with_published_topics().with_answers()

    def for_api_list(self):
        """A page of the API list: a card's data and the published recommendations."""
        return self.for_list().with_published_recommendations()

    def for_detail(self):
        """The whole intervention, its evidence profile with it, its topics and its
        recommendations.

        Its studies, hundreds at scale, are a paginated list of their own
        (`Intervention.published_study_links()`).
        """
        return self.with_published_topics().with_published_recommendations()


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

    # "Does it work?": GRADE's certainty of an effect, best across outcome levels
    computed_rating = models.CharField(
        "does it work? (the rules' answer)",
        max_length=15,
        choices=EffectCertainty.choices,
        default=EffectCertainty.NOT_EVALUATED,
        editable=False,
        help_text="The highest GRADE certainty of an effect across the practice's outcome "
        "levels, set by the rules from its evaluating studies; never typed in.",
    )
    computed_rating_reasons = models.JSONField(default=list, blank=True, editable=False)
    evidence_profile = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Stored by the rules with the answer: the certainty per outcome level "
        "with its reasons (GRADE), the qualitative confidence (GRADE-CERQual) and the "
        "studies by what they did with the practice; never typed in.",
    )
    # The profile's two values a card shows, stored beside it by the same write, so a list
    # reads them without the profile: a database cannot take them out of the profile
    # for only the rows it returns when it sorts (SQLite decodes every row's).
    profile_confidence = models.CharField(
        max_length=15, choices=Certainty.choices, blank=True, default="", editable=False
    )
    profile_links = models.JSONField(default=dict, blank=True, editable=False)
    published_evidence = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Linked published studies by design: {design: [studies, appraised]}; "
        "stored with the rating, never typed in.",
    )
    published_studies = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Linked published studies; stored with the rating, never typed in.",
    )
    publication_bias = models.TextField(
        "publication bias suspected",
        blank=True,
        help_text="Only where you judge publication bias likely: why. Rates every outcome "
        "level down one level (GRADE). Leave empty otherwise.",
    )
    rating_override = models.CharField(
        "override the answer to “does it work?”",
        max_length=15,
        choices=EffectCertainty.choices,
        blank=True,
    )
    rating_override_justification = models.TextField(blank=True)
    rating = models.GeneratedField(
        expression=Case(
            When(~Q(rating_override=""), then=F("rating_override")),
            default=F("computed_rating"),
        ),
        output_field=models.CharField(max_length=15, choices=EffectCertainty.choices),
        choices=EffectCertainty.choices,
        db_persist=True,
        db_index=True,  # the "does it work?" filter
    )
    rating_rank = models.GeneratedField(
        # EffectCertainty.rank of the rating, from the two fields `rating` is generated from
        # (PostgreSQL cannot generate a column from another generated column)
        expression=Case(
            *[When(rating_override=value, then=Value(value.rank)) for value in EffectCertainty],
            *[When(computed_rating=value, then=Value(value.rank)) for value in EffectCertainty],
            default=Value(0),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    objects = InterventionManager()
    # the rating is generated by the database from the two fields it is derived from
    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "rating",
            "rating_rank",
            "published_evidence",
            "published_studies",
            "evidence_profile",
            "profile_confidence",
            "profile_links",
        ]
    )

    class Meta:
        ordering = ["name"]
        permissions = [("publish_intervention", "Can publish and unpublish intervention")]
        indexes = [
            # the pick-lists' published "most studied first", read in index order
            models.Index(
                fields=["status", "-published_studies", "name"], name="intervention_most_studied"
            ),
            # "strongest evidence first": the interventions list's and home page's order
            models.Index(fields=["status", "-rating_rank", "name"], name="intervention_strongest"),
            # by name: the evidence map's order and the list's "Name (A to Z)"
            models.Index(fields=["status", "name"], name="intervention_by_name"),
        ]
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
    def evidence_counts(self) -> dict[str, tuple[int, int]]:
        """{design: (published studies, appraised)}, as `refresh_rating` last stored them."""
        return {design: tuple(counts) for design, counts in self.published_evidence.items()}

    @property
    def evidence_summary(self):
        """The two answers and the studies behind them, in words (a card's lines)."""
        from resources.evidence_summary import summarise

        return summarise(self)

    @property
    def is_overridden(self) -> bool:
        return bool(self.rating_override)

    def published_study_links(self, *study_fields: str):
        """Links to published studies, newest first, each with its study's slug, title and
        year, and any other `study_fields`.

        The database sorts every link's row with its study's columns to find the newest,
        so the long texts (the abstract and the like) are left out of it.
        """
        study = ("slug", "title", "year", *study_fields)
        return (
            _published_links()
            .filter(intervention=self)
            .only(
                "intervention_id",
                "study_id",
                "link_type",
                "what_it_found",
                "direction",
                "indirectness",
                "indirectness_note",
                *(f"study__{field}" for field in study),
            )
        )

    def evidence_table(self, limit: int) -> list["InterventionStudy"]:
        """The newest `limit` links to published studies that evaluated or explored it.

        An intervention may rest on hundreds of studies; the page shows the newest and
        links to the studies list, filtered to this intervention, for the rest. Studies
        that only describe it are `described_in`, never listed as evidence.
        """
        shown = ("design", "participants", "sample_size")
        appraisal = ("appraisal_status", "appraisal_tool", "risk_of_bias")
        return list(
            self.published_study_links(*shown, *appraisal)
            .exclude(link_type=LinkType.DESCRIBED)
            .prefetch_related(
                models.Prefetch("study__learner_levels", to_attr="learner_level_list")
            )[:limit]
        )

    def described_in(self, limit: int) -> list["InterventionStudy"]:
        """The newest `limit` published studies that only describe it: "Also discussed in"."""
        return list(self.published_study_links().filter(link_type=LinkType.DESCRIBED)[:limit])

    def qualitative_findings(self):
        """Findings of the published, appraised studies that explored or evaluated it: the
        rows of its Summary of Qualitative Findings, most confident first (those not yet
        assessed last), then by study and position. Their number is stored with the
        rating (`evidence_profile["experience"]["findings"]`): a page shows the first."""
        from resources.models.study import Finding

        linked = InterventionStudy.objects.filter(
            published_through("study"),
            intervention=self,
            link_type__in=[LinkType.EXPLORED, LinkType.EVALUATED],
            study__appraisal_status=AppraisalStatus.APPRAISED,
        )
        return (
            Finding.objects.filter(study__in=linked.values("study"))
            .select_related("study")
            # a row names its study and links to it: not the study's long texts
            .only(
                *(field.name for field in Finding._meta.concrete_fields),
                "study__slug",
                "study__title",
                "study__year",
            )
            .order_by(
                Case(
                    *[
                        When(confidence=value, then=Value(rank))
                        for rank, value in enumerate(Certainty)
                    ],
                    default=Value(len(Certainty)),
                ),
                "study__title",
                "position",
            )
        )

    @property
    def effectiveness(self) -> list[dict]:
        """Its Summary of Findings rows, one per outcome level, as `refresh_rating` stored them."""
        return (self.evidence_profile or {}).get("effectiveness", [])

    @property
    def implementation_step_list(self) -> list[str]:
        return [line.strip() for line in self.implementation_steps.splitlines() if line.strip()]


class InterventionStudyManager(models.Manager):
    def get_by_natural_key(self, intervention_slug, study_slug):
        return self.get(intervention__slug=intervention_slug, study__slug=study_slug)


class InterventionStudy(models.Model):
    """What one study did with one practice (evaluated, explored or described it), and what
    it found about it. Only an evaluated link bears on whether the practice works, and only
    an evaluated link carries a direction of effect."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="study_links"
    )
    study = models.ForeignKey(
        "resources.Study", on_delete=models.CASCADE, related_name="intervention_links"
    )
    link_type = models.CharField(
        "what the study did with it",
        max_length=10,
        choices=LinkType.choices,
        default=LinkType.DESCRIBED,
        db_index=True,
        help_text="Evaluated: measured outcomes of this practice as delivered. Explored: "
        "studied people's experience of it, qualitatively. Described: describes, proposes or "
        "discusses it without evaluating it.",
    )
    what_it_found = models.TextField(help_text="What this study found about this intervention.")
    direction = models.CharField(
        max_length=15,
        choices=Direction.choices,
        blank=True,
        help_text="Only for an evaluated link: the direction of the effect its outcomes "
        "report. Leave empty otherwise.",
    )
    indirectness = models.CharField(
        max_length=15,
        choices=Indirectness.choices,
        blank=True,
        help_text="Only for an evaluated link, where the study's intervention, population or "
        "setting is unlike the practice's (GRADE indirectness). Leave empty otherwise.",
    )
    indirectness_note = models.TextField(
        blank=True, help_text="Why the evidence is indirect; shown as the reason."
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
            ),
            models.CheckConstraint(
                condition=Q(direction="") | Q(link_type=LinkType.EVALUATED),
                name="intervention_study_direction_only_if_evaluated",
                violation_error_message=(
                    "Only a study that evaluated the practice has a direction of effect."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.intervention} ← {self.study}"

    def natural_key(self):
        return (self.intervention.slug, self.study.slug)

    natural_key.dependencies = ["resources.intervention", "resources.study"]

    def clean(self):
        super().clean()
        errors = {}
        if self.direction and self.link_type != LinkType.EVALUATED:
            errors["direction"] = (
                "Only a study that evaluated the practice has a direction of effect; a study "
                "that explored or described it has none."
            )
        if self.indirectness and self.link_type != LinkType.EVALUATED:
            errors["indirectness"] = "Indirectness is judged only for a study that evaluated it."
        if self.indirectness and not self.indirectness_note.strip():
            errors["indirectness_note"] = "Say why the evidence is indirect; readers see it."
        if errors:
            raise ValidationError(errors)

    @property
    def is_evaluation(self) -> bool:
        return self.link_type == LinkType.EVALUATED
