"""The evidence and gap map: published interventions by Kirkpatrick level.

Each cell counts the published studies linked to the intervention that report an outcome
or a qualitative finding at that level, with the best GRADE-CERQual confidence among those
findings. An empty cell is a gap, and the map says so.

The counting happens in the database, in three queries whatever the size: the
interventions; per (intervention, level), the studies with an outcome there; and per
(intervention, level), the studies with a finding there but no outcome at that level (so
a study reporting both is counted once), with the best confidence of those findings. The
two counts add up to the number of distinct studies in the union of the two sources.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, Min, OuterRef, Q, Value, When

from resources.models import Certainty, Finding, Intervention, KirkpatrickLevel, Outcome, Study

CERTAINTY_ORDER = list(Certainty)  # best first


@dataclass
class Cell:
    intervention: Intervention
    level: KirkpatrickLevel
    count: int = 0
    best_confidence: Certainty | None = None

    @property
    def is_gap(self) -> bool:
        return not self.count


@dataclass
class Row:
    intervention: Intervention
    cells: list[Cell]


@dataclass
class EvidenceMap:
    levels: list[KirkpatrickLevel]
    rows: list[Row]

    @property
    def gaps(self) -> int:
        return sum(cell.is_gap for row in self.rows for cell in row.cells)


INTERVENTION = "study__intervention_links__intervention_id"

# the best confidence is the lowest rank; findings without a confidence rank after all
CONFIDENCE_RANK = Case(
    *(When(confidence=value, then=Value(rank)) for rank, value in enumerate(CERTAINTY_ORDER)),
    default=Value(None),
    output_field=IntegerField(),
)


def _linked(queryset):
    """Rows of published studies, once per published intervention the study is linked to.

    The study is checked with EXISTS, not `study__in`: with two IN lists SQLite probed the
    link table's (intervention, study) index for every pair of ids, 90 million probes at
    100,000 studies.
    """
    return queryset.filter(
        Exists(Study.objects.published().filter(pk=OuterRef("study_id"))),
        study__intervention_links__intervention__in=Intervention.objects.published(),
    )


def outcome_counts():
    """(intervention id, level, studies with an outcome at that level)."""
    return (
        _linked(Outcome.objects.all())
        .values_list(INTERVENTION, "kirkpatrick_level")
        .annotate(studies=Count("study_id", distinct=True))
        .order_by()
    )


def finding_counts():
    """(intervention id, level, studies with findings but no outcome there, best rank)."""
    outcome_at_level = Outcome.objects.filter(
        study_id=OuterRef("study_id"), kirkpatrick_level=OuterRef("kirkpatrick_level")
    )
    return (
        _linked(Finding.objects.exclude(kirkpatrick_level=""))
        .values_list(INTERVENTION, "kirkpatrick_level")
        .annotate(
            studies=Count("study_id", distinct=True, filter=~Q(Exists(outcome_at_level))),
            best=Min(CONFIDENCE_RANK),
        )
        .order_by()
    )


def build() -> EvidenceMap:
    levels = list(KirkpatrickLevel)
    interventions = list(Intervention.objects.published().only("name", "slug", "rating"))
    cells = {
        (intervention.pk, level.value): Cell(intervention, level)
        for intervention in interventions
        for level in levels
    }
    for pk, level, studies in outcome_counts():
        cells[pk, level].count += studies
    for pk, level, studies, best in finding_counts():
        cell = cells[pk, level]
        cell.count += studies
        if best is not None:
            cell.best_confidence = CERTAINTY_ORDER[best]
    rows = [
        Row(intervention, [cells[intervention.pk, level.value] for level in levels])
        for intervention in interventions
    ]
    return EvidenceMap(levels, rows)
