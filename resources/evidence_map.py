"""The evidence and gap map: published interventions by Kirkpatrick level.

Each cell counts the published studies that evaluated the intervention and report an
outcome naming it at that level (or a finding of a change after it), with the GRADE
certainty of that level in words and as colour, and the best GRADE-CERQual confidence of
such findings. An unnamed intervention's outcomes count for no practice, and a study that
only describes a practice puts nothing on the map: an empty cell is a gap, and the map
says so. Each row also gives the practice's answer to "What is it like?", the qualitative
evidence, as a separate mark.

Counting the whole library takes seconds at 100,000 studies, so the counts are stored,
one `EvidenceMapCell` per cell with evidence, and the page reads the cells of the page of
interventions it shows. `refresh_cells` recounts the cells of the interventions a change
touched; every write path that changes what the map counts calls it explicitly, beside
`refresh_rating`: a study's status, outcomes and findings (the workflow, the study admin,
the API) and an intervention's links to studies (the intervention admin).
`refresh_all_cells` recounts every cell, after loading the seed, generating a corpus or
restoring a backup. Cells are counted whatever the intervention's status; which
interventions the map shows is decided when it is read.

The counting takes two queries whatever the number of interventions: per (intervention,
level), the studies with an outcome there; and per (intervention, level), the studies
with a finding there but no outcome at that level (so a study reporting both is counted
once), with the best confidence of those findings. The two counts add up to the number
of distinct studies in the union of the two sources.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse

from resources.models import (
    Certainty,
    EvidenceMapCell,
    Finding,
    Intervention,
    KirkpatrickLevel,
    LinkType,
    Outcome,
    Study,
)

CERTAINTY_ORDER = list(Certainty)  # best first
PER_PAGE = 20  # interventions (rows) per page of the map


@dataclass
class Cell:
    intervention: Intervention
    level: KirkpatrickLevel
    count: int = 0
    best_confidence: Certainty | None = None
    certainty: Certainty | None = None  # GRADE certainty of the effect at this level
    studies_url: str = ""  # the studies list filtered to this cell's studies

    @property
    def is_gap(self) -> bool:
        return not self.count

    @property
    def noun(self) -> str:
        return "study" if self.count == 1 else "studies"

    @property
    def summary(self) -> str:
        """The phone list's line, e.g. "2b Knowledge and skills: 3 studies"."""
        return f"{self.level.label}: {self.count} {self.noun}"

    @property
    def note(self) -> str:
        """What the grid and the phone list say under the count, in the same words."""
        notes = []
        if self.certainty:
            notes.append(f"certainty: {self.certainty.label.lower()}")
        if self.best_confidence:
            notes.append(f"best confidence: {self.best_confidence.label.lower()}")
        return "; ".join(notes) or "certainty not yet judged"


@dataclass
class Row:
    """A practice's row. The grid and the phone list both show it, so what they read is
    worked out once a row."""

    intervention: Intervention
    cells: list[Cell]

    @cached_property
    def url(self) -> str:
        return self.intervention.get_absolute_url()

    @cached_property
    def confidence(self) -> str:
        """Its answer to "What is it like?", as its cards give it."""
        return self.intervention.evidence_summary.confidence

    @cached_property
    def with_evidence(self) -> list[Cell]:
        return [cell for cell in self.cells if not cell.is_gap]

    @cached_property
    def gap_labels(self) -> list[str]:
        return [cell.level.label for cell in self.cells if cell.is_gap]


@dataclass
class EvidenceMap:
    levels: list[KirkpatrickLevel]
    rows: list[Row]

    @property
    def gaps(self) -> int:
        return sum(cell.is_gap for row in self.rows for cell in row.cells)


# Reading the map ------------------------------------------------------------------------


def mapped_interventions() -> QuerySet:
    """Published interventions with what a row of the map shows: name, link, and both
    answers (the certainty per level and the qualitative confidence) as stored."""
    return Intervention.objects.published().only(
        "name",
        "slug",
        "rating",
        "evidence_profile",
        "profile_confidence",
        "profile_links",
        "published_evidence",
    )


def build(interventions: Iterable[Intervention] | None = None) -> EvidenceMap:
    """The rows of `interventions` (from `mapped_interventions()`; all of them by default),
    with their stored cells: one query, whatever the size of the library.

    The cells are read as tuples and their links built here, not by `{% url %}`: a page of
    the map has over a hundred cells, and model instances and a reverse() for each were
    most of the page's time.
    """
    levels = list(KirkpatrickLevel)
    interventions = list(mapped_interventions() if interventions is None else interventions)
    stored = defaultdict(dict)
    if interventions:
        cells = EvidenceMapCell.objects.filter(
            intervention_id__in=[intervention.pk for intervention in interventions]
        ).values_list("intervention_id", "kirkpatrick_level", "studies", "best_confidence")
        for pk, level, studies, best in cells:
            stored[pk][level] = (studies, best)
    studies_url = reverse("resources:study-list")
    rows = []
    for intervention in interventions:
        found = stored[intervention.pk]
        certainties = {
            row["level"]: Certainty(row["certainty"]) for row in intervention.effectiveness
        }
        query = "?" + urlencode({"intervention": intervention.slug, "outcome_level": ""})
        cells = []
        for level in levels:
            cell = Cell(intervention, level)
            if level.value in found:
                cell.count, best = found[level.value]
                cell.best_confidence = Certainty(best) if best else None
                cell.certainty = certainties.get(level.value)
                cell.studies_url = f"{studies_url}{query}{level.value}"  # levels need no quoting
            cells.append(cell)
        rows.append(Row(intervention, cells))
    return EvidenceMap(levels, rows)


def count_gaps(interventions: QuerySet, count: int) -> int:
    """Gaps among all `count` of `interventions` (a filtered list, before it is paged)."""
    if not count:
        return 0
    filled = EvidenceMapCell.objects.filter(intervention__in=interventions.values("pk")).count()
    return len(KirkpatrickLevel) * count - filled


# Counting and storing the cells -----------------------------------------------------------

LINKED = "study__intervention_links__intervention_id"

# the best confidence is the lowest rank; findings without a confidence rank after all
CONFIDENCE_RANK = Case(
    *(When(confidence=value, then=Value(rank)) for rank, value in enumerate(CERTAINTY_ORDER)),
    default=Value(None),
    output_field=IntegerField(),
)


def _published(queryset, column, intervention_ids, **same_join):
    """Rows of published studies whose `column` names an intervention (any, or one of
    `intervention_ids`).

    The study is checked with EXISTS, not `study__in`: with two IN lists SQLite probed the
    link table's (intervention, study) index for every pair of ids, 90 million probes at
    100,000 studies.
    """
    queryset = queryset.filter(Exists(Study.objects.published().filter(pk=OuterRef("study_id"))))
    # one filter() call, so that `same_join` (the link's type) is the same link's
    if intervention_ids is None:
        return queryset.filter(**{f"{column}__isnull": False}, **same_join)
    return queryset.filter(**{f"{column}__in": intervention_ids}, **same_join)


def outcome_counts(intervention_ids=None):
    """(intervention id, level, studies with an outcome of it at that level): outcomes
    count only for the practice they name, which their study evaluated; an unnamed
    intervention's outcomes count for none."""
    return (
        _published(Outcome.objects.all(), "intervention_id", intervention_ids)
        .values_list("intervention_id", "kirkpatrick_level")
        .annotate(studies=Count("study_id", distinct=True))
        .order_by()
    )


def finding_counts(intervention_ids=None):
    """(intervention id, level, studies with findings but no outcome there, best rank).

    A finding has a level only where it reports a change after an intervention; it counts
    for the practices its study evaluated.
    """
    outcome_at_level = Outcome.objects.filter(
        study_id=OuterRef("study_id"),
        kirkpatrick_level=OuterRef("kirkpatrick_level"),
        intervention_id=OuterRef(LINKED),
    )
    evaluated = {"study__intervention_links__link_type": LinkType.EVALUATED}
    findings = Finding.objects.exclude(kirkpatrick_level="")
    return (
        _published(findings, LINKED, intervention_ids, **evaluated)
        .values_list(LINKED, "kirkpatrick_level")
        .annotate(
            studies=Count("study_id", distinct=True, filter=~Q(Exists(outcome_at_level))),
            best=Min(CONFIDENCE_RANK),
        )
        .order_by()
    )


def count_cells(intervention_ids=None) -> list[EvidenceMapCell]:
    """The cells with evidence, counted afresh, of every intervention or of those given."""
    cells = {}
    for pk, level, studies in outcome_counts(intervention_ids):
        cells[pk, level] = EvidenceMapCell(
            intervention_id=pk, kirkpatrick_level=level, studies=studies
        )
    for pk, level, studies, best in finding_counts(intervention_ids):
        cell = cells.setdefault(
            (pk, level), EvidenceMapCell(intervention_id=pk, kirkpatrick_level=level, studies=0)
        )
        cell.studies += studies
        if best is not None:
            cell.best_confidence = CERTAINTY_ORDER[best]
    return [cell for cell in cells.values() if cell.studies]


@transaction.atomic
def refresh_cells(interventions: Iterable[Intervention]) -> None:
    """Recount and store the cells of `interventions`; the one write path for them.

    The same four queries however many interventions and studies: delete, two counts, insert.
    """
    ids = sorted({intervention.pk for intervention in interventions})
    if not ids:
        return
    EvidenceMapCell.objects.filter(intervention_id__in=ids).delete()
    EvidenceMapCell.objects.bulk_create(count_cells(ids))


@transaction.atomic
def refresh_all_cells() -> None:
    """Recount every cell: after a load that bypasses the write paths."""
    EvidenceMapCell.objects.all().delete()
    EvidenceMapCell.objects.bulk_create(count_cells(), batch_size=1000)
