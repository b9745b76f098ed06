"""One FilterSet per public model, shared by the HTML lists and the API.

Every filter is a query-string parameter with the same name on the website and in the
API. Relations are filtered by slug (or ISO code for countries), never by raw id, and
through subqueries so that a study matching twice is still listed once.
"""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.forms.renderers import Jinja2

from resources import search
from resources.models import (
    Audience,
    Certainty,
    EffectCertainty,
    EvidenceMapCell,
    Finding,
    Intervention,
    InterventionType,
    KirkpatrickLevel,
    LearnerLevel,
    Outcome,
    Recommendation,
    RecommendationStrength,
    Setting,
    Study,
    StudyDesign,
    StudyLearnerLevel,
    Topic,
)
from resources.models.study import EARLIEST_YEAR

LATEST_YEAR = 2100
MAX_CHOICES = 20
# A learner-level choice for records that do not say: most studies do not report it.
UNREPORTED = "unreported"


class BoundedMultipleChoiceField(forms.MultipleChoiceField):
    """A multiple choice that refuses absurdly long lists instead of building huge queries."""

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_CHOICES:
            raise forms.ValidationError(f"Choose at most {MAX_CHOICES} values.")


class CountedChoices:
    """A choice widget that says how many results each choice gives (`counts`, set by a
    list page from `resources/facets.py`); a choice that gives none is disabled unless it
    is already chosen, so that no choice leads to an empty page unannounced.

    The count follows a middle dot, not brackets: several labels end in a bracket of
    their own ("Undergraduate (medical students)")."""

    counts: dict[str, int] | None = None

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if self.counts is not None and value not in (None, ""):
            count = self.counts.get(str(value), 0)
            option["label"] = f"{label} · {count}"
            if not count and not selected:
                option["attrs"]["disabled"] = True
        return option


# Their templates (resources/jinja2/resources/widgets/) are Django's own with each option
# written in the loop: a list page offers a hundred or more choices, and including the
# option templates one by one was a quarter of its work.


class CountedCheckboxes(CountedChoices, forms.CheckboxSelectMultiple):
    template_name = "resources/widgets/checkboxes.html"


class CountedSelect(CountedChoices, forms.Select):
    template_name = "resources/widgets/select.html"


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    field_class = BoundedMultipleChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)  # a plain column: no row can match twice
        kwargs.setdefault("widget", CountedCheckboxes)
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", EARLIEST_YEAR)
        kwargs.setdefault("max_value", LATEST_YEAR)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false` (empty for either); anything else is an error rather than ignored."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, "") or isinstance(value, bool):
            return value if isinstance(value, bool) else None
        try:
            return {"true": True, "false": False}[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError("Give true or false.", code="invalid") from None

    def validate(self, value):
        pass


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Unknown values (no year, no citation count) sort last either way, on every database."""

    def get_ordering_value(self, param):
        name = super().get_ordering_value(param)
        field = F(name.removeprefix("-"))
        return field.desc(nulls_last=True) if name.startswith("-") else field.asc(nulls_last=True)


def _having(queryset, lookup: str, values):
    """Rows related to any of `values` through `lookup`, each row once.

    When the related records can be drafts, only published ones count: a filter naming a
    draft finds what a filter naming nothing finds, so it tells nothing about the draft.
    """
    if not values:
        return queryset
    path, _, field = lookup.rpartition("__")
    related = queryset.model
    for part in path.split("__"):
        related = related._meta.get_field(part).related_model
    targets = related.objects.filter(**{f"{field}__in": values})
    if hasattr(targets, "published"):
        targets = targets.published()
    matching = queryset.model.objects.filter(**{f"{path}__in": targets}).values("pk")
    return queryset.filter(pk__in=matching)


class SlugsFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """Comma-separated slugs or codes (`topic=mentorship,curriculum-reform`), at most 20.

    A page offers one as a pick-list of names; several slugs typed into the URL still work.
    """

    def __init__(self, *args, relation: str, **kwargs):
        self.relation = relation
        kwargs.setdefault("method", self.filter_related)
        kwargs.setdefault("widget", CountedSelect)  # django-filter makes it comma-aware
        super().__init__(*args, **kwargs)

    def filter_related(self, queryset, name, values):
        if len(values) > MAX_CHOICES:
            raise forms.ValidationError({name: f"Give at most {MAX_CHOICES} values."})
        return _having(queryset, self.relation, values)


class FilterForm(forms.Form):
    """The HTML face of every FilterSet's form: a pick-list is offered by name.

    Widgets, labels and help text are declared on the filters; only the pick-lists of
    records (topics, interventions, countries) change with the library, and each list view
    offers them in one place (`resources/views/listing.py`).

    Its widgets render with Django's own Jinja2 form renderer (the same widget templates,
    in Jinja2): every list page renders a hundred or more choices, one widget template
    each, and the Django template engine made that a fifth of a list page's work. The
    admin's forms keep the default renderer (its widget templates exist for Django
    templates only).
    """

    default_renderer = Jinja2()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.help_text = ""  # "separated by commas" is for the URL, not a pick-list
            labels = dict(getattr(field, "choices", ()))
            if UNREPORTED in labels:
                field.help_text = (
                    f"Not every study reports it: \u201c{labels[UNREPORTED]}\u201d "
                    "includes those that do not."
                )

    def offer(self, name: str, choices, note: str = "") -> None:
        """Offer `choices` (value, label) in the pick-list `name`, with a note under it."""
        field = self.fields[name]
        field.widget.choices = [("", "Any"), *choices]
        field.help_text = note


class SearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label="Search", max_length=200, widget=forms.SearchInput
    )

    class Meta:
        form = FilterForm

    def search(self, queryset, name, value):
        value = value.strip()
        return search.matching(queryset, value) if value else queryset


def _learner_levels(queryset, path: str, values, unreported):
    """Records at any of the levels in `values`, reached through `path`; with UNREPORTED,
    also the records that `unreported` (a condition) says record no level at all."""
    if not values:
        return queryset
    levels = [value for value in values if value != UNREPORTED]
    matching = Q(pk__in=queryset.model.objects.filter(**{f"{path}__in": levels}).values("pk"))
    if UNREPORTED in values:
        matching |= unreported
    return queryset.filter(matching)


class StudyFilterSet(SearchFilterSet):
    design = ChoicesFilter(choices=StudyDesign.choices, label="Design")
    year_min = YearFilter(field_name="year", lookup_expr="gte", label="From year")
    year_max = YearFilter(field_name="year", lookup_expr="lte", label="To year")
    journal = django_filters.CharFilter(lookup_expr="iexact", max_length=300, label="Journal")
    country = SlugsFilter(relation="countries__code", label="Country")
    learner_level = ChoicesFilter(
        choices=[*LearnerLevel.choices, (UNREPORTED, "Studies that do not say")],
        method="filter_learner_level",
        label="Learner level",
    )
    topic = SlugsFilter(relation="topics__slug", label="Topic")
    intervention = SlugsFilter(relation="interventions__slug", label="Intervention")
    outcome_level = ChoicesFilter(
        choices=KirkpatrickLevel.choices, method="filter_outcome_level", label="Outcome level"
    )
    appraised = BooleanFilter(
        method="filter_appraised",
        label="Appraised",
        widget=CountedSelect(
            choices=[("", "Any"), ("true", "Appraised"), ("false", "Not yet appraised")]
        ),
    )
    # set by a study page's "See all" link, not offered in the form
    cites = SlugsFilter(relation="references__slug", label="Cites", widget=forms.HiddenInput)
    # A recommendation's evidence, which its page exports; set by that page's links.
    recommendation = SlugsFilter(
        relation="recommendation_evidence__recommendation__slug",
        label="Evidence for recommendation",
        widget=forms.HiddenInput,
    )
    sort = NullsLastOrderingFilter(
        fields=(("year", "year"), ("title", "title"), ("citation_count", "citations")),
        choices=[
            ("year", "Oldest first"),
            ("title", "Title, A to Z"),
            ("-title", "Title, Z to A"),
            ("-citations", "Most cited first"),
            ("citations", "Least cited first"),
            ("-year", "Newest first, by year only"),
        ],
        empty_label="Newest first",  # the model's own order
        widget=forms.Select,
        label="Sort",
    )

    class Meta(SearchFilterSet.Meta):
        model = Study
        fields = []

    def filter_learner_level(self, queryset, name, values):
        levels = StudyLearnerLevel.objects.filter(study=OuterRef("pk"))
        return _learner_levels(queryset, "learner_levels__level", values, ~Exists(levels))

    def filter_outcome_level(self, queryset, name, values):
        """Studies with an outcome or a finding at any of the levels, each table read on
        its own (joined together, a study's outcomes multiply its findings)."""
        if not values:
            return queryset
        outcomes = Outcome.objects.filter(kirkpatrick_level__in=values).values("study_id")
        findings = Finding.objects.filter(kirkpatrick_level__in=values).values("study_id")
        return queryset.filter(Q(pk__in=outcomes) | Q(pk__in=findings))

    def filter_appraised(self, queryset, name, value):
        appraised = Study.objects.appraised().values("pk")
        return queryset.filter(pk__in=appraised) if value else queryset.exclude(pk__in=appraised)


class InterventionFilterSet(SearchFilterSet):
    type = ChoicesFilter(
        field_name="intervention_type", choices=InterventionType.choices, label="Type"
    )
    setting = ChoicesFilter(choices=Setting.choices, label="Setting")
    learner_level = ChoicesFilter(
        choices=[*LearnerLevel.choices, (UNREPORTED, "Practices whose studies do not say")],
        method="filter_learner_level",
        label="Learner level",
    )
    topic = SlugsFilter(relation="topics__slug", label="Topic")
    rating = ChoicesFilter(choices=EffectCertainty.choices, label="Does it work?")
    outcome_level = ChoicesFilter(
        choices=KirkpatrickLevel.choices, method="filter_outcome_level", label="Outcome level"
    )
    sort = django_filters.ChoiceFilter(
        choices=[("evidence", "Most certain effect first"), ("name", "Name (A to Z)")],
        method="sort_by",
        label="Sort",
        empty_label=None,
    )

    class Meta(SearchFilterSet.Meta):
        model = Intervention
        fields = []

    def filter_learner_level(self, queryset, name, values):
        """Through every linked study, as the practice's evidence is; "do not say" means
        that none of them records a level."""
        levels = StudyLearnerLevel.objects.filter(
            study__intervention_links__intervention=OuterRef("pk")
        )
        return _learner_levels(
            queryset, "study_links__study__learner_levels__level", values, ~Exists(levels)
        )

    def filter_outcome_level(self, queryset, name, values):
        """Interventions with published evidence at any of the levels: read from the
        evidence map's stored cells, not from every study's outcomes and findings."""
        if not values:
            return queryset
        cells = EvidenceMapCell.objects.filter(kirkpatrick_level__in=values)
        return queryset.filter(pk__in=cells.values("intervention_id"))

    def sort_by(self, queryset, name, value):
        if value == "evidence":
            return queryset.strongest_first()
        return queryset.order_by("name")


class RecommendationFilterSet(SearchFilterSet):
    strength = ChoicesFilter(choices=RecommendationStrength.choices, label="Strength")
    certainty = ChoicesFilter(choices=Certainty.choices, label="Certainty")
    audience = ChoicesFilter(choices=Audience.choices, label="Audience")
    topic = SlugsFilter(relation="topics__slug", label="Topic")
    intervention = SlugsFilter(relation="interventions__slug", label="Intervention")

    class Meta(SearchFilterSet.Meta):
        model = Recommendation
        fields = []


class TopicFilterSet(SearchFilterSet):
    class Meta(SearchFilterSet.Meta):
        model = Topic
        fields = []
