"""What the API shows of each public record, and how curators' writes are checked.

Writes are validated by the model's own `full_clean()` (field validators, `clean()` and
named constraints), so a script gets the same rules and messages as the admin. Related
records are shown only when published: the viewsets read through the page-shaped
QuerySet methods, whose prefetches start from `.published()`.
"""

import copy
from urllib.parse import urlencode

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.reverse import reverse

from resources import changes, workflow
from resources.certainty import DOWNGRADE_STUDIES, ROW_STUDIES
from resources.models import (
    Certainty,
    Country,
    EditorialStatus,
    Finding,
    Intervention,
    InterventionStudy,
    KirkpatrickLevel,
    LearnerLevel,
    Outcome,
    Recommendation,
    RecommendationEvidence,
    Study,
    StudyAuthor,
    StudyBiasDomain,
    StudyDesign,
    StudyLearnerLevel,
    StudyReference,
    Topic,
    Version,
)
from resources.models.study import CITED_BY_SHOWN
from resources.rating import stored_profile

from .exceptions import as_drf_errors


def slugs(model, source: str, slug_field: str = "slug", **kwargs):
    """Slugs of related records: written as slugs, read from the published-only list the
    QuerySet methods prefetch as `source`."""
    return serializers.SlugRelatedField(
        many=True,
        source=source,
        slug_field=slug_field,
        queryset=model.objects.all(),
        required=False,
        **kwargs,
    )


def identity(view_name: str, **kwargs):
    """A record's API URL, by its slug."""
    return serializers.HyperlinkedIdentityField(view_name=view_name, lookup_field="slug", **kwargs)


class HtmlUrlMixin(serializers.Serializer):
    html_url = serializers.SerializerMethodField(help_text="The record's page on the website.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class VersionSerializer(serializers.ModelSerializer):
    """One published version of a record: its number, date, note and what moved."""

    html_url = serializers.SerializerMethodField(
        help_text="This version's own page on the website, showing it as it was published."
    )

    class Meta:
        model = Version
        fields = ["number", "published_at", "major", "note", "changes", "html_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, version) -> str:
        record = version.record  # the record it was prefetched with: no query
        return reverse(
            f"resources:{record._meta.model_name}-version",
            kwargs={"slug": record.slug, "number": version.number},
            request=self.context.get("request"),
        )


def version_history():
    return VersionSerializer(
        source="version_list",
        many=True,
        read_only=True,
        help_text="Every published version, newest first, with its note; major ones change "
        "a judgement (rating, certainty, strength, statement) and say what moved.",
    )


class ModelRulesSerializer(HtmlUrlMixin, serializers.ModelSerializer):
    """Runs the model's full_clean() on the record as it would be saved."""

    child_serializers: dict[str, type] = {}  # nested rows, validated row by row

    def _model_field_names(self) -> dict[str, str]:
        return {
            field.source: name
            for name, field in self.fields.items()
            if not field.read_only and field.source != "*"
        }

    def validate(self, attrs):
        model = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        related = {self.fields[name].source for name in self.related_names()}
        candidate = copy.copy(self.instance) if self.instance else model()
        scalars = [name for name in attrs if name not in related]
        for name in scalars:
            setattr(candidate, name, attrs[name])
        self.prepare_candidate(candidate, attrs)
        errors = {}
        try:
            candidate.full_clean(exclude=many_to_many)
        except DjangoValidationError as error:
            errors.update(as_drf_errors(error, self._model_field_names()))
        for name, child in self.child_serializers.items():
            rows = attrs.get(self.fields[name].source)
            key = getattr(child, "row_key", "position")
            if rows is not None and (child_errors := validate_rows(child.Meta.model, rows, key)):
                errors[name] = child_errors
        if errors:
            raise serializers.ValidationError(errors)
        for name in scalars:
            attrs[name] = getattr(candidate, name)  # as clean() left it, e.g. the normalised DOI
        return attrs

    def prepare_candidate(self, candidate, attrs) -> None:
        """Give the record to be checked what its rules need of the relations sent."""

    def related_names(self) -> list[str]:
        """The fields written after the record itself: nested rows and relations."""
        many_to_many = [field.name for field in self.Meta.model._meta.many_to_many]
        names = [*self.child_serializers, *self.extra_related, *many_to_many]
        return [name for name in names if name in self.fields]

    def create(self, validated_data):
        return self.write(self.Meta.model(status=EditorialStatus.DRAFT), validated_data)

    def update(self, instance, validated_data):
        return self.write(instance, validated_data)

    @transaction.atomic
    def write(self, instance, data: dict):
        """Save the record, then its rows and relations, then move it through the workflow;
        `resources.changes` recomputes what depends on it."""
        linked_before = changes.linked([instance])
        data = dict(data)
        target_status = data.pop("status", None)
        related = {
            name: data.pop(self.fields[name].source)
            for name in self.related_names()
            if self.fields[name].source in data
        }
        for name, value in data.items():
            setattr(instance, name, value)
        instance.save()
        for name, values in related.items():
            self.save_related(instance, name, values)
        if target_status and target_status != instance.status:
            self.move_to(instance, target_status)
        changes.record(instance, **linked_before)
        return instance

    def move_to(self, instance, target_status):
        """Status changes follow the editorial workflow, exactly as in the admin.

        Sending the status a record already has is no move (a script may PUT back what it
        read), so it needs no permission beyond the change itself.
        """
        user = self.context["request"].user
        if not workflow.can_transition(user, instance, target_status):
            raise PermissionDenied(
                "You may not move this record to "
                f"“{EditorialStatus(target_status).label}”: publishing needs an editor."
            )
        try:
            workflow.transition(instance, target_status, user, **self.change_note())
        except workflow.TransitionError as error:
            raise serializers.ValidationError({"status": error.reasons}) from error

    def change_note(self) -> dict:
        """`change_note` and `major`, sent with status=published, describe the new public
        version (resources/versions.py)."""
        data = self.initial_data if isinstance(self.initial_data, dict) else {}
        note, major = data.get("change_note", ""), data.get("major", False)
        if not isinstance(note, str) or len(note) > 2000:
            raise serializers.ValidationError(
                {"change_note": ["A text of at most 2000 characters."]}
            )
        if isinstance(major, str) and major.lower() in ("true", "false"):
            major = major.lower() == "true"  # a form-encoded body
        if not isinstance(major, bool):
            raise serializers.ValidationError({"major": ["true or false."]})
        return {"change_note": note, "major": major}

    extra_related: tuple[str, ...] = ()

    def save_related(self, instance, name, values):
        if name in self.child_serializers:  # the rows sent replace the record's rows
            model = self.child_serializers[name].Meta.model
            model.objects.filter(study=instance).delete()
            model.objects.bulk_create(model(study=instance, **row) for row in values)
        else:
            getattr(instance, name).set(values)


def validate_rows(model, rows: list[dict], key: str = "position") -> list[dict] | None:
    """Each nested row checked by its model's full_clean(), and no two sharing their `key`
    (a position, a domain); None when all are valid."""
    errors, seen = [], set()
    for row in rows:
        row_errors = {}
        try:
            model(**row).full_clean(exclude=["study"])
        except DjangoValidationError as error:
            row_errors = as_drf_errors(error)
        value = row.get(key)
        if value in seen:
            row_errors.setdefault(key, []).append(f"Another row already has this {key}.")
        seen.add(value)
        errors.append(row_errors)
    return errors if any(errors) else None


# Studies --------------------------------------------------------------------------------


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = StudyAuthor
        fields = ["position", "family_name", "given_names", "literal_name"]


class BiasDomainSerializer(serializers.ModelSerializer):
    row_key = "domain"  # what two rows of a study may not share

    class Meta:
        model = StudyBiasDomain
        fields = ["domain", "judgement", "support"]


class OutcomeSerializer(serializers.ModelSerializer):
    intervention = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Intervention.objects.all(),
        allow_null=True,
        required=False,
        help_text="Slug of the practice this outcome measured, which its study evaluated; "
        "null where the study does not name or describe its intervention.",
    )

    class Meta:
        model = Outcome
        fields = [
            "position",
            "measure",
            "kirkpatrick_level",
            "intervention",
            "intervention_label",
            "intervention_value",
            "intervention_n",
            "comparison_label",
            "comparison_value",
            "comparison_n",
            "unit",
            "p_value",
            "p_value_qualifier",
            "effect_size",
            "direction",
            "notes",
        ]


class FindingSerializer(serializers.ModelSerializer):
    confidence_reasons = serializers.SerializerMethodField(
        help_text="Why the confidence is what it is: where it starts and each component "
        "that rates it down, in words (GRADE-CERQual)."
    )

    class Meta:
        model = Finding
        fields = [
            "position",
            "statement",
            "methodological_limitations",
            "methodological_limitations_explanation",
            "coherence",
            "coherence_explanation",
            "adequacy",
            "adequacy_explanation",
            "relevance",
            "relevance_explanation",
            "confidence",
            "confidence_reasons",
            "confidence_explanation",
            "reports_change",
            "kirkpatrick_level",
        ]
        read_only_fields = ["confidence"]

    def get_confidence_reasons(self, finding) -> list[str]:
        return finding.assessment.reasons


class StudySummarySerializer(serializers.ModelSerializer):
    """A study named from another record: enough to cite it and follow the link."""

    url = identity("api:study-detail")

    class Meta:
        model = Study
        fields = ["url", "slug", "title", "year"]


class InterventionSummarySerializer(serializers.ModelSerializer):
    url = identity("api:intervention-detail")

    class Meta:
        model = Intervention
        fields = ["url", "slug", "name"]


class RecommendationSummarySerializer(serializers.ModelSerializer):
    url = identity("api:recommendation-detail")

    class Meta:
        model = Recommendation
        fields = ["url", "slug", "title"]


class StudyInterventionLinkSerializer(serializers.ModelSerializer):
    intervention = InterventionSummarySerializer()

    class Meta:
        model = InterventionStudy
        fields = [
            "intervention",
            "link_type",
            "what_it_found",
            "direction",
            "indirectness",
            "indirectness_note",
        ]


class StudyRecommendationSerializer(serializers.ModelSerializer):
    recommendation = RecommendationSummarySerializer()

    class Meta:
        model = RecommendationEvidence
        fields = ["recommendation", "relation", "note"]


class ReferenceSerializer(serializers.ModelSerializer):
    study = StudySummarySerializer(source="cited")

    class Meta:
        model = StudyReference
        fields = ["study", "numbers"]


class CitedBySerializer(serializers.ModelSerializer):
    study = StudySummarySerializer(source="citing")

    class Meta:
        model = StudyReference
        fields = ["study", "numbers"]


@extend_schema_field({"type": "array", "items": {"enum": LearnerLevel.values, "type": "string"}})
class LearnerLevelsField(serializers.ListField):
    child = serializers.ChoiceField(choices=LearnerLevel.choices)

    def __init__(self, **kwargs):
        super().__init__(child=serializers.ChoiceField(choices=LearnerLevel.choices), **kwargs)

    def to_representation(self, data):
        return [row.level for row in data]


class StudySerializer(ModelRulesSerializer):
    url = identity("api:study-detail")
    versions = version_history()
    source_url = serializers.URLField(
        source="url",
        max_length=500,
        allow_blank=True,
        required=False,
        help_text="Where the work can be read.",
    )
    # nested rows and related slugs read from the lists the QuerySet methods prefetch
    authors = AuthorSerializer(source="author_list", many=True, required=False)
    learner_levels = LearnerLevelsField(
        source="learner_level_list", required=False, max_length=len(LearnerLevel)
    )
    countries = serializers.ManyRelatedField(
        child_relation=serializers.SlugRelatedField(
            slug_field="code",
            queryset=Country.objects.all(),
            help_text=Country._meta.get_field("code").help_text,
        ),
        source="country_list",
        required=False,
        help_text="ISO 3166-1 alpha-2 codes.",
    )
    topics = slugs(Topic, "published_topics", help_text="Slugs of the study's topics.")
    risk_of_bias_domains = BiasDomainSerializer(
        source="bias_domain_list",
        many=True,
        required=False,
        help_text="Risk of bias judged domain by domain (RoB 2 or ROBINS-I); empty where "
        "the domains were not judged one by one, and the overall level and notes stand alone.",
    )
    outcomes = OutcomeSerializer(source="outcome_list", many=True, required=False)
    findings = FindingSerializer(source="finding_list", many=True, required=False)
    interventions = StudyInterventionLinkSerializer(
        source="published_intervention_links", many=True, read_only=True
    )
    recommendations = StudyRecommendationSerializer(
        source="published_recommendation_evidence", many=True, read_only=True
    )
    references = ReferenceSerializer(source="reference_links", many=True, read_only=True)
    cited_by = CitedBySerializer(
        source="newest_citations",
        many=True,
        read_only=True,
        help_text=f"The newest {CITED_BY_SHOWN} published studies citing it; "
        "cited_by_url lists them all.",
    )
    cited_by_count = serializers.IntegerField(
        read_only=True, help_text="How many published studies cite it."
    )
    cited_by_url = serializers.SerializerMethodField(
        help_text="Every published study citing it: the studies list filtered by `cites`."
    )

    child_serializers = {
        "authors": AuthorSerializer,
        "risk_of_bias_domains": BiasDomainSerializer,
        "outcomes": OutcomeSerializer,
        "findings": FindingSerializer,
    }
    extra_related = ("learner_levels",)

    class Meta:
        model = Study
        fields = [
            "url",
            "html_url",
            "slug",
            "title",
            "authors",
            "year",
            "publication_date",
            "journal",
            "volume",
            "issue",
            "pages",
            "doi",
            "doi_url",
            "source_url",
            "abstract",
            "holdings",
            "design",
            "methods_summary",
            "setting",
            "countries",
            "participants",
            "learner_levels",
            "sample_size",
            "key_findings",
            "limitations",
            "appraisal_status",
            "appraisal_tool",
            "appraisal_score",
            "appraisal_score_max",
            "appraisal_summary",
            "risk_of_bias",
            "risk_of_bias_domains",
            "risk_of_bias_notes",
            "is_open_access",
            "citation_count",
            "citation_count_date",
            "topics",
            "outcomes",
            "findings",
            "interventions",
            "recommendations",
            "references",
            "cited_by",
            "cited_by_count",
            "cited_by_url",
            "status",
            "published_at",
            "updated_at",
            "version",
            "version_changed_at",
            "versions",
        ]
        read_only_fields = ["doi_url", "published_at", "updated_at"]
        extra_kwargs = {
            # uniqueness is checked by full_clean(), with the admin's messages
            "slug": {"validators": []},
            "doi": {"validators": []},
        }

    def get_cited_by_url(self, study) -> str:
        studies = reverse("api:study-list", request=self.context.get("request"))
        return f"{studies}?{urlencode({'cites': study.slug})}"

    def save_related(self, instance, name, values):
        if name == "learner_levels":
            instance.learner_levels.all().delete()
            StudyLearnerLevel.objects.bulk_create(
                StudyLearnerLevel(study=instance, level=level) for level in dict.fromkeys(values)
            )
        else:
            super().save_related(instance, name, values)


# Interventions ------------------------------------------------------------------------


class InterventionStudyLinkSerializer(serializers.ModelSerializer):
    study = StudySummarySerializer()

    class Meta:
        model = InterventionStudy
        fields = [
            "study",
            "link_type",
            "what_it_found",
            "direction",
            "indirectness",
            "indirectness_note",
        ]


class DesignCountSerializer(serializers.Serializer):
    design = serializers.ChoiceField(
        choices=Study._meta.get_field("design").choices,
        allow_blank=True,
        help_text="The study design; empty where the study does not report it.",
    )
    studies = serializers.IntegerField(min_value=1)
    appraised = serializers.IntegerField(min_value=0, help_text="How many a curator appraised.")


class EvidenceCountsSerializer(serializers.Serializer):
    studies = serializers.IntegerField(min_value=0, help_text="Published studies behind it.")
    appraised = serializers.IntegerField(min_value=0, help_text="How many a curator appraised.")
    designs = DesignCountSerializer(many=True, help_text="The studies counted by design.")


def evidence_counts(intervention) -> dict:
    """From the counts by design that `refresh_rating` stores on the intervention."""
    counts = intervention.evidence_counts
    order = {value: index for index, value in enumerate(StudyDesign.values)}
    designs = sorted(counts, key=lambda design: order.get(design, len(order)))
    return {
        "studies": sum(studies for studies, _ in counts.values()),
        "appraised": sum(appraised for _, appraised in counts.values()),
        "designs": [
            {"design": design, "studies": counts[design][0], "appraised": counts[design][1]}
            for design in designs
        ],
    }


class CitedStudySerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)


class TotalField(serializers.IntegerField):
    """The true total beside a list of studies the stored profile bounds. A profile
    stored before the bound lists every study (until `changes.rebuild` or a save
    recomputes it): its list's length is the total."""

    def __init__(self, of: str, **kwargs):
        self.of = of
        super().__init__(min_value=0, read_only=True, **kwargs)

    def get_attribute(self, instance):
        return instance.get(self.field_name, len(instance.get(self.of, [])))


def _at_most(count: int, what: str) -> str:
    return (
        f"{what}: at most {count}, the largest first (by participants, else sample size), "
        "then the newest; "
        "the count beside it gives them all, and the intervention's studies_url lists them."
    )


class DowngradeSerializer(serializers.Serializer):
    domain = serializers.CharField(
        help_text="Risk of bias, Inconsistency, Indirectness, Imprecision or Publication bias."
    )
    levels = serializers.IntegerField(help_text="How many levels it rates the evidence down.")
    text = serializers.CharField(help_text="The reason, in words.")
    studies = CitedStudySerializer(
        many=True,
        help_text=_at_most(DOWNGRADE_STUDIES, "The published studies it rests on"),
    )
    study_count = TotalField("studies", help_text="How many published studies it rests on, in all.")


class OutcomeRowSerializer(serializers.Serializer):
    study = serializers.CharField(help_text="The slug of the study that reports it.")
    measure = serializers.CharField()
    result = serializers.CharField(help_text="The figures as reported, e.g. 45% vs 12%, p < 0.001.")
    direction = serializers.CharField()


class OutcomeCertaintySerializer(serializers.Serializer):
    """One row of the Summary of Findings: GRADE certainty at one outcome level."""

    level = serializers.ChoiceField(choices=KirkpatrickLevel.choices)
    level_label = serializers.CharField()
    certainty = serializers.ChoiceField(choices=Certainty.choices)
    certainty_label = serializers.CharField()
    start = serializers.CharField(help_text="Where the evidence starts: High or Low, and why.")
    downgrades = DowngradeSerializer(many=True)
    studies = CitedStudySerializer(
        many=True, help_text=_at_most(ROW_STUDIES, "The studies behind it")
    )
    study_count = TotalField("studies", help_text="How many studies are behind it, in all.")
    participants = serializers.IntegerField(
        allow_null=True, help_text="Participants in all; null where a study does not report them."
    )
    outcomes = OutcomeRowSerializer(
        many=True, help_text="The outcomes of the studies in `studies` only, as reported."
    )
    outcome_count = TotalField(
        "outcomes", help_text="How many outcomes of all its studies are behind it."
    )


class ExperienceSerializer(serializers.Serializer):
    """ "What is it like?": the best GRADE-CERQual confidence among its findings."""

    confidence = serializers.CharField(help_text="high, moderate, low, very_low, or empty.")
    confidence_label = serializers.CharField()
    findings = serializers.IntegerField()
    studies = CitedStudySerializer(
        many=True,
        help_text=_at_most(ROW_STUDIES, "The studies whose findings count"),
    )
    study_count = TotalField("studies", help_text="How many studies' findings count, in all.")


class LinkCountsSerializer(serializers.Serializer):
    evaluated = serializers.IntegerField()
    explored = serializers.IntegerField()
    described = serializers.IntegerField()


# The shape of a practice's stored evidence profile (`resources.rating.assess`), as the
# schema documents it; the API gives the stored profile as it is.
class EvidenceProfileSerializer(serializers.Serializer):
    effectiveness = OutcomeCertaintySerializer(
        many=True, help_text="Does it work? GRADE certainty per outcome level, with reasons."
    )
    experience = ExperienceSerializer()
    links = LinkCountsSerializer(help_text="Published studies by what they did with the practice.")
    waiting = CitedStudySerializer(
        many=True,
        help_text=_at_most(ROW_STUDIES, "Studies that evaluated or explored it, not yet appraised"),
    )
    waiting_count = TotalField("waiting", help_text="How many studies wait for appraisal, in all.")


class InterventionSerializer(ModelRulesSerializer):
    url = identity("api:intervention-detail")
    versions = version_history()
    topics = slugs(Topic, "published_topics", help_text="Slugs of its topics.")
    studies_url = identity(
        "api:intervention-studies",
        help_text="The published studies behind it, newest first, each with what it found: "
        "a paginated list, since an intervention can rest on hundreds.",
    )
    evidence = serializers.SerializerMethodField(
        help_text="How many published studies stand behind the rating, by design."
    )
    recommendations = RecommendationSummarySerializer(
        source="published_recommendations", many=True, read_only=True
    )
    rating = serializers.ChoiceField(
        choices=Intervention._meta.get_field("rating").choices,
        read_only=True,
        help_text="Does it work? The highest GRADE certainty of an effect across its outcome "
        "levels, or not_evaluated; the curator's override where there is one.",
    )
    evidence_profile = serializers.SerializerMethodField(
        help_text="Both answers with their reasons: GRADE certainty per outcome level and "
        "GRADE-CERQual confidence, never blended.",
    )

    class Meta:
        model = Intervention
        fields = [
            "url",
            "html_url",
            "slug",
            "name",
            "intervention_type",
            "setting",
            "summary",
            "audience",
            "how_it_works",
            "implementation_steps",
            "resources_needed",
            "barriers",
            "facilitators",
            "topics",
            "rating",
            "computed_rating",
            "computed_rating_reasons",
            "rating_override",
            "rating_override_justification",
            "publication_bias",
            "evidence_profile",
            "evidence",
            "studies_url",
            "recommendations",
            "status",
            "published_at",
            "updated_at",
            "version",
            "version_changed_at",
            "versions",
        ]
        read_only_fields = [
            "computed_rating",
            "computed_rating_reasons",
            "published_at",
            "updated_at",
        ]
        extra_kwargs = {"slug": {"validators": []}}

    @extend_schema_field(EvidenceCountsSerializer)
    def get_evidence(self, obj) -> dict:
        return evidence_counts(obj)

    @extend_schema_field(EvidenceProfileSerializer)
    def get_evidence_profile(self, intervention) -> dict:
        # the profile as the rules stored it, in the shape EvidenceProfileSerializer
        # documents: tens of studies and their results, not walked field by field
        return stored_profile(intervention)


class InterventionListSerializer(InterventionSerializer):
    """A page of interventions: each with both answers (`rating`, `confidence`) and its
    evidence counted by design, not the evidence profile and reasons behind them.

    A profile names up to ten studies for each outcome level with their results, tens of
    kilobytes at scale; the record's own URL gives it, with the reasons for the rating.
    """

    evidence_profile = None
    computed_rating_reasons = None
    confidence = serializers.SerializerMethodField(
        help_text="What is it like? The GRADE-CERQual confidence of the findings of studies "
        "that explored it, or empty; its record's evidence_profile gives the reasons."
    )

    class Meta(InterventionSerializer.Meta):
        fields = [
            name
            for name in InterventionSerializer.Meta.fields
            if name not in ("evidence_profile", "computed_rating_reasons")
        ]
        fields.insert(fields.index("rating") + 1, "confidence")

    def get_confidence(self, intervention) -> str:
        return intervention.evidence_summary.confidence


class StudyListSerializer(HtmlUrlMixin, serializers.ModelSerializer):
    """A page of studies: what an integration needs to choose one (its citation, design,
    appraisal and topics), with `url` to its whole record.

    The rest of the record (abstract, methods, learners, countries, appraisal in full,
    outcomes, findings, interventions, recommendations, references, citations, versions)
    is at that URL, so that a page stays a page's worth of work; the list's filters reach
    all of it.
    """

    url = identity("api:study-detail")
    authors = AuthorSerializer(source="author_list", many=True, read_only=True)
    topics = slugs(Topic, "published_topics", help_text="Slugs of the study's topics.")

    class Meta:
        model = Study
        fields = [
            "url",
            "html_url",
            "slug",
            "title",
            "authors",
            "year",
            "journal",
            "doi",
            "doi_url",
            "design",
            "appraisal_status",
            "risk_of_bias",
            "is_open_access",
            "citation_count",
            "topics",
            "status",
            "published_at",
            "updated_at",
            "version",
            "version_changed_at",
        ]


# Recommendations ----------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    study = StudySummarySerializer()

    class Meta:
        model = RecommendationEvidence
        fields = ["study", "relation", "note"]


class ProfileRowSerializer(OutcomeCertaintySerializer):
    """A Summary of Findings row a recommendation rests on, with the practice it belongs to."""

    intervention = serializers.CharField(help_text="The slug of the practice the row is of.")


class ProfileFindingSerializer(serializers.Serializer):
    study = serializers.CharField(help_text="The slug of the study that reports it.")
    position = serializers.IntegerField()
    statement = serializers.CharField()
    confidence = serializers.ChoiceField(choices=Certainty.choices)


class RecommendationProfileSerializer(serializers.Serializer):
    certainty_ceiling = serializers.ChoiceField(
        choices=Certainty.choices,
        help_text="The highest certainty the recommendation may claim: that of the most "
        "certain evidence it rests on.",
    )
    ceiling_reason = serializers.CharField()
    effectiveness = ProfileRowSerializer(
        many=True,
        help_text="Does it work? The Summary of Findings rows of the practices it concerns "
        "that its published, appraised studies evaluated.",
    )
    findings = ProfileFindingSerializer(
        many=True,
        help_text="What is it like? The assessed qualitative findings of those studies.",
    )


def recommendation_profile(recommendation) -> dict:
    """What `Recommendation.evidence_profile` says it rests on, as the API shows it (of a
    record from `for_detail()`, read from what that loaded)."""
    evidence = recommendation.detail_evidence_profile()
    return {
        "certainty_ceiling": evidence.ceiling.value,
        "ceiling_reason": evidence.reason,
        "effectiveness": [
            {"intervention": intervention.slug, **row} for intervention, row in evidence.rows
        ],
        "findings": [
            {
                "study": finding.study.slug,
                "position": finding.position,
                "statement": finding.statement,
                "confidence": finding.confidence,
            }
            for finding in evidence.findings
        ],
    }


class RecommendationSerializer(ModelRulesSerializer):
    url = identity("api:recommendation-detail")
    versions = version_history()
    interventions = slugs(
        Intervention, "published_interventions", help_text="Slugs of interventions."
    )
    topics = slugs(Topic, "published_topics", help_text="Slugs of its topics.")
    evidence = EvidenceSerializer(
        source="published_evidence",
        many=True,
        read_only=True,
        help_text="The published studies that support or contradict it.",
    )
    evidence_profile = serializers.SerializerMethodField(
        help_text="The evidence profile: the Summary of Findings rows and qualitative "
        "findings it rests on, and the certainty it may claim at most."
    )

    class Meta:
        model = Recommendation
        fields = [
            "url",
            "html_url",
            "slug",
            "title",
            "statement",
            "audience",
            "strength",
            "certainty",
            "benefits_and_harms",
            "values_and_preferences",
            "practical_considerations",
            "rationale",
            "interventions",
            "topics",
            "evidence",
            "evidence_profile",
            "status",
            "published_at",
            "updated_at",
            "version",
            "version_changed_at",
            "versions",
        ]
        read_only_fields = ["published_at", "updated_at"]
        extra_kwargs = {"slug": {"validators": []}}

    @extend_schema_field(RecommendationProfileSerializer)
    def get_evidence_profile(self, recommendation) -> dict:
        return recommendation_profile(recommendation)

    def prepare_candidate(self, candidate, attrs) -> None:
        """Its certainty is checked against the interventions sent with it. Its evidence
        rows are written in the admin, so a new recommendation has none yet: Very low at
        most until they are added."""
        submitted = {}
        if "published_interventions" in attrs:
            submitted["interventions"] = [i.pk for i in attrs["published_interventions"]]
        if candidate.pk is None:
            submitted = {"studies": [], "interventions": []} | submitted
        candidate.submitted_evidence = submitted


class RecommendationListSerializer(RecommendationSerializer):
    """A page of recommendations: how many published studies back each, not the studies.

    A recommendation rests on hundreds of studies at scale; the record's own URL lists them.
    """

    evidence = None
    evidence_profile = None
    evidence_count = serializers.IntegerField(
        read_only=True, help_text="How many published studies support or contradict it."
    )

    class Meta(RecommendationSerializer.Meta):
        fields = [
            "evidence_count" if name == "evidence" else name
            for name in RecommendationSerializer.Meta.fields
            if name != "evidence_profile"
        ]


# Topics -------------------------------------------------------------------------------


class TopicSerializer(ModelRulesSerializer):
    url = identity("api:topic-detail")
    versions = version_history()

    class Meta:
        model = Topic
        fields = [
            "url",
            "html_url",
            "slug",
            "name",
            "description",
            "published_studies",
            "status",
            "published_at",
            "updated_at",
            "version",
            "version_changed_at",
            "versions",
        ]
        read_only_fields = ["published_studies", "published_at", "updated_at"]
        extra_kwargs = {"slug": {"validators": []}, "name": {"validators": []}}
