"""The evidence map's cells, stored so that the map reads a page of rows, not the library.

Written only by `resources.evidence_map` (`refresh_cells`, `refresh_all_cells`), which the
write paths call explicitly whenever what the map counts changes. A cell is stored for
every intervention, whatever its status; the map shows those of published interventions.
"""

from django.db import models

from .choices import Certainty, KirkpatrickLevel
from .intervention import Intervention


class EvidenceMapCell(models.Model):
    """A cell with evidence: an intervention's published studies at one Kirkpatrick level.

    An empty cell (a gap) has no row.
    """

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="map_cells"
    )
    kirkpatrick_level = models.CharField(max_length=2, choices=KirkpatrickLevel.choices)
    studies = models.PositiveIntegerField(
        help_text="Published studies with an outcome or a finding at this level, each once."
    )
    best_confidence = models.CharField(
        max_length=10,
        choices=Certainty.choices,
        blank=True,
        help_text="The best GRADE-CERQual confidence among their findings at this level.",
    )

    class Meta:
        ordering = ["intervention", "kirkpatrick_level"]
        constraints = [
            # its index serves the map's rows (the cells of a page of interventions) and
            # the refresh (the cells of the interventions a change touched)
            models.UniqueConstraint(
                fields=["intervention", "kirkpatrick_level"],
                name="evidence_map_cell_unique",
                violation_error_message="The intervention already has a cell at this level.",
            ),
            models.CheckConstraint(
                condition=models.Q(studies__gte=1),
                name="evidence_map_cell_has_studies",
                violation_error_message="A cell without studies is a gap, and is not stored.",
            ),
        ]

    def __str__(self):
        return f"{self.intervention_id} at {self.kirkpatrick_level}: {self.studies}"
