"""How many results each choice of a list's filters would give, with the other filters as
they are (facet counts), and which filter emptied a list that has none.

A choice is counted by the filter's own definition, so a count never disagrees with the
list the choice leads to. Each counted filter costs one query, whatever the number of
its choices or of records: a GROUP BY over a slug filter's relation, or one aggregate
with a filtered count per choice of a fixed vocabulary.
"""

from django.db.models import Count, Q
from django.http import QueryDict

from resources.filters import (
    CountedChoices,
    InterventionFilterSet,
    RecommendationFilterSet,
    SlugsFilter,
    StudyFilterSet,
)
from resources.models import Intervention, PublishedTotal, Recommendation, Study

# The lists whose whole published set is shown with nothing set (the studies,
# interventions and recommendations lists, and the evidence map), by model name.
WHOLE_LISTS = {
    "study": (StudyFilterSet, Study),
    "intervention": (InterventionFilterSet, Intervention),
    "recommendation": (RecommendationFilterSet, Recommendation),
}


def is_set(filterset, name: str) -> bool:
    return any(value.strip() for value in filterset.data.getlist(name))


def without(filterset, name: str):
    """The results of a bound, valid FilterSet with every filter as it is but `name`."""
    if not is_set(filterset, name):
        return filterset.qs
    data = filterset.data.copy()
    del data[name]
    return type(filterset)(data, queryset=filterset.queryset, request=filterset.request).qs


def counted_filters(filterset) -> list[str]:
    """The filters whose widget shows counts, in the form's order."""
    return [
        name
        for name, field in filterset.form.fields.items()
        if isinstance(field.widget, CountedChoices)
    ]


def show_counts(filterset) -> None:
    """Give every counted widget of a bound, valid FilterSet's form its counts.

    The fixed vocabularies of filters that are not set are all counted over the list as
    it is, in one query; a filter that is set is counted over the list without it.
    """
    unset = {}
    for name in counted_filters(filterset):
        if isinstance(filterset.filters[name], SlugsFilter):
            _widget(filterset, name).counts = _related_counts(filterset, name)
        elif is_set(filterset, name):
            _widget(filterset, name).counts = _choice_counts(
                without(filterset, name), {name: _choice_conditions(filterset, name)}
            )[name]
        else:
            unset[name] = _choice_conditions(filterset, name)
    if unset:
        for name, counts in _choice_counts(filterset.qs, unset).items():
            _widget(filterset, name).counts = counts


def store_whole_list_counts() -> None:
    """Count every choice of each whole list and store the counts, for `show_stored_counts`:
    called by `resources.changes` after every write, as the counts read every record."""
    for model_name, (filterset_class, model) in WHOLE_LISTS.items():
        filterset = filterset_class(QueryDict(), queryset=model.objects.published())
        show_counts(filterset)
        counts = {name: _widget(filterset, name).counts for name in counted_filters(filterset)}
        PublishedTotal.objects.update_or_create(
            model=model_name, defaults={"facets": counts, "count": filterset.qs.count()}
        )


def drifted() -> list[tuple[PublishedTotal, list[str]]]:
    """Each whole list whose stored counts differ from counting now, with the filters that
    differ: for the integrity report (a list never written to stores none, and counts)."""
    found = []
    for total in PublishedTotal.objects.exclude(facets={}):
        if total.model not in WHOLE_LISTS:
            continue
        filterset_class, model = WHOLE_LISTS[total.model]
        fresh = filterset_class(QueryDict(), queryset=model.objects.published())
        show_counts(fresh)
        differ = [
            name
            for name in counted_filters(fresh)
            if total.facets.get(name) != _widget(fresh, name).counts
        ]
        if differ:
            found.append((total, differ))
    return found


def show_stored_counts(filterset) -> None:
    """Give a whole list's counted widgets, with nothing set, the counts the write path
    stored; count them afresh where none are stored (a library never written to)."""
    model_name = filterset.queryset.model._meta.model_name
    stored = PublishedTotal.objects.filter(model=model_name).values_list("facets", flat=True)
    counts = stored.first() or {}
    if set(counts) != set(counted_filters(filterset)):
        show_counts(filterset)
        return
    for name, choices in counts.items():
        _widget(filterset, name).counts = choices


def _widget(filterset, name):
    return filterset.form.fields[name].widget


def _related_counts(filterset, name: str) -> dict[str, int]:
    """A slug filter's counts: one GROUP BY over the filter's own relation."""
    relation = filterset.filters[name].relation
    rows = (
        without(filterset, name)
        .order_by()
        .values_list(relation)
        .annotate(count=Count("pk", distinct=True))
    )
    return {str(value): count for value, count in rows if value is not None}


def _choice_conditions(filterset, name: str) -> dict[str, Q]:
    """{value: the records that choice keeps, as the filter itself keeps them}."""
    declared = filterset.filters[name]
    everything = filterset.queryset.model.objects.all()
    conditions = {}
    for value, _ in filterset.form.fields[name].widget.choices:
        if value == "":
            continue
        if declared.method is None:  # a plain column
            conditions[str(value)] = Q(**{declared.field_name: value})
        else:  # a yes-or-no filter takes True or False, a multiple choice a list
            argument = value == "true" if value in ("true", "false") else [value]
            conditions[str(value)] = Q(pk__in=declared.filter(everything, argument).values("pk"))
    return conditions


def _choice_counts(results, conditions: dict[str, dict[str, Q]]) -> dict[str, dict[str, int]]:
    """{filter: {value: count}} for every condition, in one aggregate over `results`."""
    keys = {
        f"c{index}": (name, value)
        for index, (name, value) in enumerate(
            (name, value) for name, choices in conditions.items() for value in choices
        )
    }
    totals = results.order_by().aggregate(
        **{key: Count("pk", filter=conditions[name][value]) for key, (name, value) in keys.items()}
    )
    counts = {name: {} for name in conditions}
    for key, (name, value) in keys.items():
        counts[name][value] = totals[key]
    return counts
