"""The line under every rating: how many published studies stand behind it, and of what kind.

A rating in words is only honest next to the evidence it rests on, so every card and page
says "Limited evidence · 2 studies: 1 qualitative study, 1 mixed-methods study" and how
many of those studies a curator has appraised (only appraised ones change the rating).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from resources.models.choices import EvidenceRating, StudyDesign

NOT_REPORTED_DESIGN = "design not reported"


def rating_text(rating: EvidenceRating) -> str:
    """The rating in words, e.g. "Limited evidence"; the insufficient rating says its own."""
    if rating == EvidenceRating.INSUFFICIENT:
        return rating.label
    return f"{rating.label} evidence"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


@dataclass(frozen=True)
class EvidenceSummary:
    rating: EvidenceRating
    studies: int
    appraised: int
    designs: list[tuple[str, int]]

    @property
    def rating_text(self) -> str:
        return rating_text(self.rating)

    @property
    def studies_text(self) -> str:
        if not self.studies:
            return "no published studies yet"
        designs = ", ".join(
            plural(count, label, _plural_label(label)) for label, count in self.designs
        )
        return f"{plural(self.studies, 'study', 'studies')}: {designs}"

    @property
    def appraised_text(self) -> str:
        if not self.studies:
            return ""
        if self.appraised == self.studies:
            return "all appraised" if self.studies > 1 else "appraised"
        return f"{self.appraised} of {self.studies} appraised"

    def __str__(self) -> str:
        parts = [self.rating_text, self.studies_text]
        if self.appraised_text:
            parts.append(self.appraised_text)
        return " · ".join(parts)


def _plural_label(label: str) -> str:
    if label.endswith("study"):
        return label[: -len("study")] + "studies"
    if label == NOT_REPORTED_DESIGN:
        return label
    return label + "s"


def _design_label(design: str) -> str:
    if not design:
        return NOT_REPORTED_DESIGN
    label = StudyDesign(design).label
    return label[0].lower() + label[1:]


DesignCounts = Mapping[str, tuple[int, int]]  # design -> (studies, appraised studies)


def summarise_counts(rating: str, counts: DesignCounts) -> EvidenceSummary:
    """Summarise counts by design, e.g. an intervention's stored `evidence_counts`."""
    order = {value: index for index, value in enumerate(StudyDesign.values)}
    return EvidenceSummary(
        rating=EvidenceRating(rating),
        studies=sum(studies for studies, _ in counts.values()),
        appraised=sum(appraised for _, appraised in counts.values()),
        designs=[
            (_design_label(design), counts[design][0])
            for design in sorted(counts, key=lambda d: order.get(d, len(order)))
        ],
    )
