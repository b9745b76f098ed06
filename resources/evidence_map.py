"""The evidence and gap map: published interventions by Kirkpatrick level.

Each cell counts the published studies linked to the intervention that report an outcome
or a qualitative finding at that level, with the best GRADE-CERQual confidence among those
findings. An empty cell is a gap, and the map says so. Three queries whatever the size:
the interventions, the (intervention, level, study) triples from outcomes, and the same
from findings with their confidence.
"""

from dataclasses import dataclass, field

from resources.models import Certainty, Finding, Intervention, KirkpatrickLevel, Outcome, Study

CERTAINTY_ORDER = list(Certainty)  # best first


@dataclass
class Cell:
    intervention: Intervention
    level: KirkpatrickLevel
    studies: set[int] = field(default_factory=set)
    best_confidence: Certainty | None = None

    @property
    def count(self) -> int:
        return len(self.studies)

    @property
    def is_gap(self) -> bool:
        return not self.studies

    def consider(self, study_id: int, confidence: str = "") -> None:
        self.studies.add(study_id)
        if confidence and (
            self.best_confidence is None
            or CERTAINTY_ORDER.index(Certainty(confidence))
            < CERTAINTY_ORDER.index(self.best_confidence)
        ):
            self.best_confidence = Certainty(confidence)


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


def build() -> EvidenceMap:
    levels = list(KirkpatrickLevel)
    interventions = list(Intervention.objects.published().only("name", "slug", "rating"))
    cells = {
        (intervention.pk, level.value): Cell(intervention, level)
        for intervention in interventions
        for level in levels
    }
    linked = {
        "study__in": Study.objects.published(),
        "study__intervention_links__intervention__in": Intervention.objects.published(),
    }
    intervention_id = "study__intervention_links__intervention_id"
    outcomes = (
        Outcome.objects.filter(**linked)
        .values_list(intervention_id, "kirkpatrick_level", "study_id")
        .distinct()
    )
    for pk, level, study_id in outcomes:
        cells[pk, level].consider(study_id)
    findings = (
        Finding.objects.filter(**linked)
        .exclude(kirkpatrick_level="")
        .values_list(intervention_id, "kirkpatrick_level", "study_id", "confidence")
        .distinct()
    )
    for pk, level, study_id, confidence in findings:
        cells[pk, level].consider(study_id, confidence)
    rows = [
        Row(intervention, [cells[intervention.pk, level.value] for level in levels])
        for intervention in interventions
    ]
    return EvidenceMap(levels, rows)
