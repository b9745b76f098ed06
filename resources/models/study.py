"""Studies: one published work each, with its authors, results and appraisal."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from resources.doi import doi_url, normalise_doi, validate_doi

from .base import Publishable, PublishableQuerySet, SlugManager, published_through
from .choices import (
    AppraisalStatus,
    AppraisalTool,
    BiasDomain,
    BiasJudgement,
    Certainty,
    Concern,
    Direction,
    Holdings,
    KirkpatrickLevel,
    LearnerLevel,
    LinkType,
    RiskOfBias,
    StudyDesign,
)
from .intervention import InterventionStudy
from .recommendation import RecommendationEvidence
from .topic import Topic

EARLIEST_YEAR = 1800


def validate_not_future_year(year: int) -> None:
    if year is not None and year > timezone.now().year + 1:
        raise ValidationError(
            "%(year)s is in the future: a study's year can be at most next year.",
            code="future_year",
            params={"year": year},
        )


# From this many studies up, a topic's newest are found along the list's order index.
TOPIC_ORDERED_SCAN_FROM = 1000
# A study's page and API record list this many of the studies citing it, newest first,
# with their number and a link to all of them: a classic is cited by hundreds.
CITED_BY_SHOWN = 20
# The study's own columns an API list item shows (resources.api.serializers.StudyListSerializer).
API_LIST_COLUMNS = (
    "slug",
    "title",
    "year",
    "journal",
    "doi",
    "design",
    "appraisal_status",
    "risk_of_bias",
    "is_open_access",
    "citation_count",
    "status",
    "published_at",
    "updated_at",
    "version",
    "version_changed_at",
)


def links_to_published_interventions():
    """Links from studies to published interventions, by the intervention's name, each
    with the columns a study's page and API record show of it: an intervention's long
    texts (summary, how it works, steps, ...) otherwise came with every link."""
    return (
        InterventionStudy.objects.filter(published_through("intervention"))
        .select_related("intervention")
        .only(
            "study",
            "link_type",
            "what_it_found",
            "direction",
            "indirectness",
            "indirectness_note",
            "intervention__slug",
            "intervention__name",
        )
        .order_by("intervention__name")
    )


def evidence_in_published_recommendations():
    """Studies' places in the evidence of published recommendations, each with the
    columns a study's page and API record show of the recommendation (not its
    statement and rationale)."""
    return (
        RecommendationEvidence.objects.filter(published_through("recommendation"))
        .select_related("recommendation")
        .only("study", "relation", "note", "recommendation__slug", "recommendation__title")
        .order_by("relation", "recommendation__title")
    )


class StudyQuerySet(PublishableQuerySet):
    def in_topic(self, topic, *, size: int):
        """The studies filed under `topic`, which holds `size` of them, in the list's order.

        A large topic is read along the order index, keeping the studies filed under it:
        its first page turns up within a few thousand rows, where joining first sorts every
        one of its studies (44,000 of 100,000 in the benchmark: a third of a second on
        SQLite). A small topic is cheaper joined and sorted outright.
        """
        if size < TOPIC_ORDERED_SCAN_FROM:
            return self.filter(topics=topic)
        filed = self.model.topics.through.objects.filter(study=models.OuterRef("pk"), topic=topic)
        return self.filter(models.Exists(filed))

    def appraised(self):
        return self.filter(appraisal_status=AppraisalStatus.APPRAISED)

    def outcome_levels(self) -> dict[int, list[str]]:
        """The Kirkpatrick levels each study's outcomes and findings speak to, lowest first,
        by study pk: one query of distinct (study, level) pairs, rather than every outcome
        and finding as an object."""
        studies = self.order_by().values("pk")
        pairs = (
            Outcome.objects.filter(study__in=studies)
            .order_by()
            .values_list("study_id", "kirkpatrick_level")
            .union(
                Finding.objects.filter(study__in=studies)
                .order_by()
                .values_list("study_id", "kirkpatrick_level")
            )
            .order_by()
        )
        found: dict[int, set[str]] = {}
        for study_id, level in pairs:
            found.setdefault(study_id, set()).add(level)
        return {
            study_id: [level.label for level in KirkpatrickLevel if level.value in levels]
            for study_id, levels in found.items()
        }

    def for_rows(self):
        """A row per study on the studies list, the home page or search: its byline and
        COinS span need the authors alone (levels, places and topics, a prefetch each,
        show on the study's page)."""
        return self.prefetch_related(models.Prefetch("authors", to_attr="author_list"))

    def for_list(self):
        """Studies in a reference file or the API: byline, levels, places, topics.

        Authors, learner levels, countries and published topics come as lists
        (`author_list`, `learner_level_list`, `country_list`, `published_topics`): for a
        prefetch into the manager Django builds a queryset per study, and another on each
        `.all()`.
        """
        return self.prefetch_related(
            models.Prefetch("authors", to_attr="author_list"),
            models.Prefetch("learner_levels", to_attr="learner_level_list"),
            models.Prefetch("countries", to_attr="country_list"),
            models.Prefetch(
                "topics", queryset=Topic.objects.published(), to_attr="published_topics"
            ),
        )

    def for_detail(self):
        """A study's whole record (the API's): linked records limited to published ones,
        and the number of published studies citing it (`cited_by_count`); the newest of
        those come from `Study.newest_citations`.

        Outcomes, findings and the links to published interventions and recommendations
        come as lists (`outcome_list`, `finding_list`, `published_intervention_links`,
        `published_recommendation_evidence`): into the manager, Django builds a queryset
        per study and relation when prefetching and again on each `.all()`.
        """
        counted = (
            StudyReference.objects.filter(published_through("citing"), cited=models.OuterRef("pk"))
            .values("cited")
            .annotate(studies=models.Count("*"))
            .values("studies")
        )
        return (
            self.for_list()
            .annotate(cited_by_count=Coalesce(models.Subquery(counted), 0))
            .prefetch_related(
                models.Prefetch(
                    "outcomes",
                    # the slug of the practice an outcome measured
                    queryset=Outcome.objects.select_related("intervention").only(
                        *(f.name for f in Outcome._meta.concrete_fields), "intervention__slug"
                    ),
                    to_attr="outcome_list",
                ),
                models.Prefetch("findings", to_attr="finding_list"),
                models.Prefetch(
                    "risk_of_bias_domains",
                    queryset=StudyBiasDomain.objects.in_tool_order(),
                    to_attr="bias_domain_list",
                ),
                models.Prefetch(
                    "intervention_links",
                    queryset=links_to_published_interventions(),
                    to_attr="published_intervention_links",
                ),
                models.Prefetch(
                    "recommendation_evidence",
                    queryset=evidence_in_published_recommendations(),
                    to_attr="published_recommendation_evidence",
                ),
                models.Prefetch(
                    "reference_links",
                    queryset=StudyReference.objects.filter(published_through("cited"))
                    .select_related("cited")
                    .order_by("cited__year", "cited__title"),
                ),
            )
        )

    def for_page(self):
        """A study page: the whole record, and a byline for each study it cites and each
        of the newest citing it (which the API's record names by title alone)."""
        return self.for_detail().prefetch_related(
            models.Prefetch("reference_links__cited__authors", to_attr="author_list"),
            models.Prefetch("newest_citations__citing__authors", to_attr="author_list"),
        )

    def for_api_list(self):
        """A page of the API list: each study's summary, the columns of API_LIST_COLUMNS
        with its byline (read as a row of the studies list reads it) and its topics'
        slugs. The rest of its record is on its own URL (`for_detail`): reading and
        serialising it for every row cost most of a page's time."""
        topics = models.Prefetch(
            "topics", queryset=Topic.objects.published().only("slug"), to_attr="published_topics"
        )
        return self.for_rows().only(*API_LIST_COLUMNS).prefetch_related(topics)


class StudyManager(SlugManager.from_queryset(StudyQuerySet)):
    pass


class CountryQuerySet(models.QuerySet):
    def with_published_studies(self):
        """Countries some published study was done in: the studies list's country choices.

        One EXISTS per country, which stops at its first published study, rather than a
        DISTINCT over every study's countries.
        """
        studies = Study.countries.through.objects.filter(
            published_through("study"), country_id=models.OuterRef("pk")
        )
        return self.filter(models.Exists(studies))


class CountryManager(models.Manager.from_queryset(CountryQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Country(models.Model):
    code = models.CharField(max_length=2, unique=True, help_text="ISO 3166-1 alpha-2 code.")
    name = models.CharField(max_length=100)

    objects = CountryManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Study(Publishable):
    title = models.TextField()
    slug = models.SlugField(max_length=120, unique=True)
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_YEAR), validate_not_future_year],
        db_index=True,  # the year-range filter and the default sort
    )
    publication_date = models.DateField(null=True, blank=True)
    journal = models.CharField(max_length=300, blank=True, db_index=True)
    volume = models.CharField(max_length=30, blank=True)
    issue = models.CharField(max_length=30, blank=True)
    pages = models.CharField(max_length=30, blank=True)
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[validate_doi],
        help_text="Stored without the https://doi.org/ prefix, in lower case.",
    )
    url = models.URLField("URL", max_length=500, blank=True)
    abstract = models.TextField(blank=True)
    holdings = models.CharField(
        "what the library holds",
        max_length=20,
        choices=Holdings.choices,
        blank=True,
        help_text="Full text, abstract, part of the abstract, or title only. A study can be "
        "appraised only from its full text or abstract.",
    )

    design = models.CharField(max_length=30, choices=StudyDesign.choices, blank=True)
    methods_summary = models.TextField(blank=True)
    setting = models.TextField(blank=True)
    countries = models.ManyToManyField(Country, blank=True, related_name="studies")
    participants = models.TextField(blank=True, help_text="Who took part, in words.")
    sample_size = models.PositiveIntegerField(null=True, blank=True)

    key_findings = models.TextField(blank=True, help_text="In the library's own words.")
    limitations = models.TextField(blank=True)

    appraisal_status = models.CharField(
        max_length=15,
        choices=AppraisalStatus.choices,
        default=AppraisalStatus.NOT_APPRAISED,
        db_index=True,  # the "appraised or not" filter and the rating
    )
    appraisal_tool = models.CharField(max_length=10, choices=AppraisalTool.choices, blank=True)
    appraisal_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    appraisal_score_max = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    appraisal_summary = models.TextField(blank=True)
    risk_of_bias = models.CharField(max_length=15, choices=RiskOfBias.choices, blank=True)
    risk_of_bias_notes = models.TextField(blank=True)

    is_open_access = models.BooleanField(null=True, blank=True)
    citation_count = models.PositiveIntegerField(null=True, blank=True)
    citation_count_date = models.DateField(null=True, blank=True)

    topics = models.ManyToManyField("resources.Topic", blank=True, related_name="studies")
    references = models.ManyToManyField(
        "self",
        through="StudyReference",
        symmetrical=False,
        blank=True,
        related_name="cited_by",
    )

    objects = StudyManager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-year", "title"]
        verbose_name_plural = "studies"
        permissions = [("publish_study", "Can publish and unpublish study")]
        constraints = [
            models.UniqueConstraint(
                fields=["doi"],
                condition=~models.Q(doi=""),
                name="study_doi_unique",
                violation_error_message="Another study already has this DOI.",
            ),
            models.CheckConstraint(
                condition=models.Q(doi=Lower("doi")),
                name="study_doi_normalised",
                violation_error_message="A DOI is stored in lower case.",
            ),
            models.CheckConstraint(
                condition=models.Q(year__isnull=True) | models.Q(year__gte=EARLIEST_YEAR),
                name="study_year_range",
                violation_error_message=f"A study's year is {EARLIEST_YEAR} or later.",
            ),
            models.CheckConstraint(
                condition=~models.Q(appraisal_status=AppraisalStatus.APPRAISED)
                | (
                    ~models.Q(design="") & ~models.Q(appraisal_tool="") & ~models.Q(risk_of_bias="")
                ),
                name="study_appraised_has_appraisal",
                violation_error_message=(
                    "An appraised study needs its design, appraisal tool and risk of bias."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(appraisal_status=AppraisalStatus.APPRAISED)
                | ~models.Q(holdings__in=[Holdings.PARTIAL_ABSTRACT, Holdings.TITLE_ONLY]),
                name="study_appraised_from_enough",
                violation_error_message=(
                    "A study is appraised only from its full text or abstract, not from a "
                    "title or part of an abstract."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(appraisal_score__isnull=True) | models.Q(appraisal_score__gte=0),
                name="study_appraisal_score_non_negative",
                violation_error_message="An appraisal score cannot be negative.",
            ),
        ]
        indexes = [
            # the studies list sorted by citation count
            models.Index(fields=["-citation_count"], name="study_citation_count_idx"),
            # the feed and the home page: newest published first
            models.Index(fields=["status", "-published_at"], name="study_published_idx"),
            # the studies list in its default order (Meta.ordering), a page without a sort
            models.Index(fields=["status", "-year", "title"], name="study_list_order_idx"),
            # and on PostgreSQL only, (status, id): migration 0012 says why
        ]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def get_absolute_url(self):
        return reverse("resources:study-detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        self.doi = normalise_doi(self.doi)
        errors = {}
        if self.appraisal_status == AppraisalStatus.APPRAISED:
            for field in ("design", "appraisal_tool", "risk_of_bias"):
                if not getattr(self, field):
                    errors[field] = "An appraised study needs this; or mark it not yet appraised."
            if self.holdings and not Holdings(self.holdings).enough_to_appraise:
                errors["appraisal_status"] = (
                    f"The library holds “{self.get_holdings_display().lower()}” of this work, "
                    "which is not enough to appraise: keep it a catalogue entry (not yet "
                    "appraised) until the abstract or full text is held."
                )
        if (
            self.appraisal_score is not None
            and self.appraisal_score_max is not None
            and self.appraisal_score > self.appraisal_score_max
        ):
            errors["appraisal_score"] = "The score is higher than the tool's maximum."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.doi = normalise_doi(self.doi)
        super().save(*args, **kwargs)

    # Lists the QuerySet methods prefetch into (Prefetch(to_attr=...)): Django fills a
    # list without building a queryset per study, and `.all()` on the manager would build
    # another on each read. A study fetched without them reads each here, a query apiece.

    @cached_property
    def author_list(self) -> list["StudyAuthor"]:
        return list(self.authors.all())

    @cached_property
    def learner_level_list(self) -> list["StudyLearnerLevel"]:
        return list(self.learner_levels.all())

    @cached_property
    def outcome_list(self) -> list["Outcome"]:
        return list(self.outcomes.all())

    @cached_property
    def finding_list(self) -> list["Finding"]:
        return list(self.findings.all())

    @cached_property
    def bias_domain_list(self) -> list["StudyBiasDomain"]:
        return list(self.risk_of_bias_domains.in_tool_order())

    @cached_property
    def published_intervention_links(self) -> list[InterventionStudy]:
        return list(links_to_published_interventions().filter(study=self))

    @cached_property
    def published_recommendation_evidence(self) -> list[RecommendationEvidence]:
        return list(evidence_in_published_recommendations().filter(study=self))

    @cached_property
    def newest_citations(self) -> list["StudyReference"]:
        """The newest CITED_BY_SHOWN published studies citing this one, for its page and
        API record. One query with a LIMIT: as a sliced prefetch, Django numbers every
        citation with a window function."""
        return list(
            self.citation_links.filter(published_through("citing"))
            .select_related("citing")
            .order_by("-citing__year", "citing__title")[:CITED_BY_SHOWN]
        )

    @property
    def doi_url(self) -> str:
        return doi_url(self.doi)

    @property
    def is_appraised(self) -> bool:
        return self.appraisal_status == AppraisalStatus.APPRAISED

    @property
    def is_qualitative(self) -> bool:
        return bool(self.design) and StudyDesign(self.design).is_qualitative

    @property
    def evaluated_an_intervention(self) -> bool:
        """Whether it measured outcomes of an educational intervention, named or not."""
        return (
            self.outcomes.exists()
            or self.intervention_links.filter(link_type=LinkType.EVALUATED).exists()
        )


class StudyChildManager(models.Manager):
    """Rows that belong to one study, known by the study's slug and their position."""

    def get_by_natural_key(self, study_slug, position):
        return self.get(study__slug=study_slug, position=position)


class StudyAuthor(models.Model):
    """One author in a study's byline; kept per study so that namesakes never merge."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField()
    family_name = models.CharField(max_length=200, blank=True)
    given_names = models.CharField(max_length=200, blank=True)
    literal_name = models.CharField(
        max_length=300,
        blank=True,
        help_text="For a name that does not split into family and given names.",
    )

    objects = StudyChildManager()
    history = HistoricalRecords()

    class Meta:
        # by the column: "study" would join every study to sort by the study's own ordering
        ordering = ["study_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "position"],
                name="study_author_position_unique",
                violation_error_message="Two authors cannot share a position in the byline.",
            ),
            models.CheckConstraint(
                condition=~models.Q(family_name="") | ~models.Q(literal_name=""),
                name="study_author_has_name",
                violation_error_message="An author needs a family name or a literal name.",
            ),
        ]

    def __str__(self):
        return self.display_name

    def natural_key(self):
        return (*self.study.natural_key(), self.position)

    natural_key.dependencies = ["resources.study"]

    @property
    def display_name(self) -> str:
        if self.literal_name:
            return self.literal_name
        return f"{self.family_name} {self.given_names}".strip()

    def clean(self):
        if not self.family_name and not self.literal_name:
            raise ValidationError("Give the author's family name, or a literal name.")


class StudyLearnerLevelManager(models.Manager):
    def get_by_natural_key(self, study_slug, level):
        return self.get(study__slug=study_slug, level=level)


class StudyLearnerLevel(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="learner_levels")
    level = models.CharField(max_length=15, choices=LearnerLevel.choices)

    objects = StudyLearnerLevelManager()

    class Meta:
        # by the column: "study" would join every study to sort by the study's own ordering
        ordering = ["study_id", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "level"],
                name="study_learner_level_unique",
                violation_error_message="This learner level is already listed for the study.",
            )
        ]
        indexes = [
            # the learner-level filter on studies and interventions
            models.Index(fields=["level", "study"], name="study_learner_level_idx"),
        ]

    def __str__(self):
        return self.get_level_display()

    def natural_key(self):
        return (*self.study.natural_key(), self.level)

    natural_key.dependencies = ["resources.study"]


class StudyBiasDomainQuerySet(models.QuerySet):
    def in_tool_order(self):
        """In the order the tools list their domains (`BiasDomain`), not alphabetical."""
        order = models.Case(
            *[models.When(domain=domain, then=index) for index, domain in enumerate(BiasDomain)],
            output_field=models.IntegerField(),
        )
        return self.order_by("study_id", order)


class StudyBiasDomainManager(models.Manager.from_queryset(StudyBiasDomainQuerySet)):
    def get_by_natural_key(self, study_slug, domain):
        return self.get(study__slug=study_slug, domain=domain)


class StudyBiasDomain(models.Model):
    """A study's risk of bias in one domain, judged from what the library holds of it.

    A study appraised without domain judgements keeps only its overall level and notes;
    its page says the domains were not judged one by one rather than implying they were.
    """

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="risk_of_bias_domains")
    domain = models.CharField(max_length=20, choices=BiasDomain.choices)
    judgement = models.CharField(max_length=15, choices=BiasJudgement.choices)
    support = models.TextField(
        blank=True, help_text="What in the report the judgement rests on, in your own words."
    )

    objects = StudyBiasDomainManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["study_id", "domain"]
        verbose_name = "risk of bias domain"
        constraints = [
            models.UniqueConstraint(
                fields=["study", "domain"],
                name="study_bias_domain_unique",
                violation_error_message="This domain is already judged for the study.",
            ),
        ]

    def __str__(self):
        return f"{self.get_domain_display()}: {self.get_judgement_display()}"

    def natural_key(self):
        return (*self.study.natural_key(), self.domain)

    natural_key.dependencies = ["resources.study"]


class Outcome(models.Model):
    """A measured, quantitative result: two groups compared, with the test behind it."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField(default=1)
    measure = models.CharField(max_length=300)
    kirkpatrick_level = models.CharField(
        max_length=2, choices=KirkpatrickLevel.choices, db_index=True
    )
    intervention = models.ForeignKey(
        "resources.Intervention",
        verbose_name="practice measured",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        help_text="The practice this outcome measured; the study must have evaluated it (an "
        "evaluated link). Leave empty where the study does not name or describe its "
        "intervention: the outcome is then credited to no practice.",
    )
    intervention_label = models.CharField(max_length=100, default="Intervention")
    intervention_value = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    intervention_n = models.PositiveIntegerField(null=True, blank=True)
    comparison_label = models.CharField(max_length=100, blank=True, default="Comparison")
    comparison_value = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    comparison_n = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True, help_text="e.g. %")
    p_value = models.DecimalField(
        max_digits=7,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    p_value_qualifier = models.CharField(
        max_length=1,
        choices=[("=", "="), ("<", "<"), (">", ">")],
        default="=",
        blank=True,
        help_text="How the source reports the p-value, e.g. p < 0.001.",
    )
    effect_size = models.CharField(max_length=100, blank=True)
    direction = models.CharField(max_length=15, choices=Direction.choices)
    notes = models.TextField(blank=True)

    objects = StudyChildManager()
    history = HistoricalRecords()

    class Meta:
        # by the column: "study" would join every study to sort by the study's own ordering
        ordering = ["study_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "position"],
                name="outcome_position_unique",
                violation_error_message="Two outcomes of a study cannot share a position.",
            ),
            models.CheckConstraint(
                condition=models.Q(p_value__isnull=True) | models.Q(p_value__gte=0, p_value__lte=1),
                name="outcome_p_value_range",
                violation_error_message="A p-value lies between 0 and 1.",
            ),
            models.CheckConstraint(
                condition=models.Q(kirkpatrick_level__in=KirkpatrickLevel.values),
                name="outcome_kirkpatrick_level_valid",
                violation_error_message="Choose a Kirkpatrick level from the BEME list.",
            ),
        ]

    def __str__(self):
        return self.measure

    def clean(self):
        super().clean()
        if self.intervention_id and self.study_id:
            evaluated = InterventionStudy.objects.filter(
                study_id=self.study_id,
                intervention_id=self.intervention_id,
                link_type=LinkType.EVALUATED,
            )
            if not evaluated.exists():
                raise ValidationError(
                    {
                        "intervention": "An outcome can name only a practice its study "
                        "evaluated: link the study to it as “evaluated” first."
                    }
                )

    def natural_key(self):
        return (*self.study.natural_key(), self.position)

    natural_key.dependencies = ["resources.study"]

    @property
    def p_value_display(self) -> str:
        if self.p_value is None:
            return ""
        return f"p {self.p_value_qualifier or '='} {self.p_value.normalize():f}"


def _concern(verbose_name: str, question: str):
    return models.CharField(
        verbose_name, max_length=10, choices=Concern.choices, blank=True, help_text=question
    )


class Finding(models.Model):
    """A qualitative finding (a theme), in the library's words, with its GRADE-CERQual
    assessment: four component judgements, each explained, from which
    `resources.certainty.cerqual` derives the overall confidence (stored on save)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveSmallIntegerField(default=1)
    statement = models.TextField()
    methodological_limitations = _concern(
        "methodological limitations",
        "Concerns about the design or conduct of the studies behind the finding.",
    )
    methodological_limitations_explanation = models.TextField(blank=True)
    coherence = _concern(
        "coherence",
        "How well the finding is grounded in the data, and fits across studies and cases.",
    )
    coherence_explanation = models.TextField(blank=True)
    adequacy = _concern(
        "adequacy of data",
        "How rich and how plentiful the data behind the finding are.",
    )
    adequacy_explanation = models.TextField(blank=True)
    relevance = _concern(
        "relevance",
        "How well the contexts of the data fit the practice and people the finding speaks to.",
    )
    relevance_explanation = models.TextField(blank=True)
    confidence = models.CharField(
        "CERQual confidence",
        max_length=10,
        choices=Certainty.choices,
        blank=True,
        editable=False,
        help_text="Derived from the four components; empty until all four are judged.",
    )
    confidence_explanation = models.TextField(
        blank=True,
        help_text="The overall explanation shown in the Summary of Qualitative Findings.",
    )
    reports_change = models.BooleanField(
        "reports a change after an educational intervention",
        default=False,
        help_text="Only such a finding carries a Kirkpatrick level.",
    )
    kirkpatrick_level = models.CharField(
        max_length=2,
        choices=KirkpatrickLevel.choices,
        blank=True,
        db_index=True,
        help_text="Only for a finding that reports a change after an educational intervention "
        "its study evaluated: a level is a type of outcome, not a grade of quality.",
    )

    objects = StudyChildManager()
    history = HistoricalRecords()

    class Meta:
        # by the column: "study" would join every study to sort by the study's own ordering
        ordering = ["study_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "position"],
                name="finding_position_unique",
                violation_error_message="Two findings of a study cannot share a position.",
            ),
            models.CheckConstraint(
                condition=models.Q(kirkpatrick_level="")
                | models.Q(kirkpatrick_level__in=KirkpatrickLevel.values),
                name="finding_kirkpatrick_level_valid",
                violation_error_message="Choose a Kirkpatrick level from the BEME list.",
            ),
            models.CheckConstraint(
                condition=models.Q(kirkpatrick_level="") | models.Q(reports_change=True),
                name="finding_level_only_for_change",
                violation_error_message=(
                    "A finding carries a Kirkpatrick level only where it reports a change "
                    "after an educational intervention."
                ),
            ),
        ]

    def __str__(self):
        return self.statement[:80]

    def save(self, *args, **kwargs):
        from resources.certainty import cerqual

        self.confidence = cerqual(self).confidence or ""
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "confidence"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.kirkpatrick_level and not self.reports_change:
            raise ValidationError(
                {
                    "kirkpatrick_level": "A Kirkpatrick level classifies an outcome of an "
                    "educational intervention: give one only to a finding that reports a "
                    "change after an intervention (and tick that box)."
                }
            )
        if self.reports_change and self.study_id and not self.study.evaluated_an_intervention:
            raise ValidationError(
                {
                    "reports_change": "Its study evaluated no educational intervention (no "
                    "evaluated link and no measured outcome), so no finding of it can "
                    "report a change after one."
                }
            )

    def natural_key(self):
        return (*self.study.natural_key(), self.position)

    natural_key.dependencies = ["resources.study"]

    @property
    def assessment(self):
        """The GRADE-CERQual assessment: components, confidence and the reasons for it."""
        from resources.certainty import cerqual

        return cerqual(self)


class StudyReferenceManager(models.Manager):
    def get_by_natural_key(self, citing_slug, cited_slug):
        return self.get(citing__slug=citing_slug, cited__slug=cited_slug)


class StudyReference(models.Model):
    """An entry in a study's reference list that is itself a study in the library."""

    citing = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="reference_links")
    cited = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="citation_links")
    numbers = models.CharField(
        max_length=50,
        blank=True,
        help_text="The numbers under which the citing study lists it, e.g. 5, 6.",
    )

    objects = StudyReferenceManager()

    class Meta:
        ordering = ["citing", "cited"]
        constraints = [
            models.UniqueConstraint(
                fields=["citing", "cited"],
                name="study_reference_unique",
                violation_error_message="This study already lists that reference.",
            ),
            models.CheckConstraint(
                condition=~models.Q(citing=models.F("cited")),
                name="study_reference_not_self",
                violation_error_message="A study cannot cite itself.",
            ),
        ]

    def __str__(self):
        return f"{self.citing} cites {self.cited}"

    def natural_key(self):
        return (self.citing.slug, self.cited.slug)

    natural_key.dependencies = ["resources.study"]
