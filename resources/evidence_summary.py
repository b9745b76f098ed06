"""The lines under a practice's name: its two answers and the studies behind them, in words.

Every card and page words them the same way: "Does it work? Low certainty" (GRADE, the
highest certainty across outcome levels) or "No evaluation yet"; "What is it like?
Low confidence" (GRADE-CERQual, the highest among its findings) or "No qualitative
evidence yet"; then how many published studies are linked and what they did with it
("1 evaluated it, 1 explored it, 4 describe it"), and how many are appraised.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from resources.models.choices import Certainty, EffectCertainty, LinkType

NO_QUALITATIVE = "No qualitative evidence yet"


def rating_text(rating) -> str:
    """The answer to "does it work?" in words, e.g. "Low certainty", "No evaluation yet"."""
    rating = EffectCertainty(rating)
    if rating == EffectCertainty.NOT_EVALUATED:
        return rating.label
    return f"{rating.label} certainty"


def confidence_text(confidence: str) -> str:
    """The answer to "what is it like?" in words, e.g. "Low confidence"."""
    return f"{Certainty(confidence).label} confidence" if confidence else NO_QUALITATIVE


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


LINK_PHRASES = {
    LinkType.EVALUATED: "evaluated it",
    LinkType.EXPLORED: "explored it",
    LinkType.DESCRIBED: ("describes it", "describe it"),
}


@dataclass(frozen=True)
class EvidenceSummary:
    rating: EffectCertainty
    confidence: str  # the best CERQual confidence, or ""
    studies: int
    appraised: int
    links: Mapping[str, int]  # published studies by what they did with the practice

    @property
    def rating_text(self) -> str:
        return rating_text(self.rating)

    @property
    def confidence_text(self) -> str:
        return confidence_text(self.confidence)

    @property
    def studies_text(self) -> str:
        if not self.studies:
            return "no published studies yet"
        kinds = []
        for kind in LinkType:
            count = self.links.get(kind.value, 0)
            if count:
                phrase = LINK_PHRASES[kind]
                if isinstance(phrase, tuple):
                    phrase = phrase[count != 1]
                kinds.append(f"{count} {phrase}")
        return f"{plural(self.studies, 'study', 'studies')}: {', '.join(kinds)}"

    @property
    def appraised_text(self) -> str:
        if not self.studies:
            return ""
        if self.appraised == self.studies:
            return "all appraised" if self.studies > 1 else "appraised"
        return f"{self.appraised} of {self.studies} appraised"

    def __str__(self) -> str:
        parts = [
            f"Does it work? {self.rating_text}",
            f"What is it like? {self.confidence_text}",
            self.studies_text,
        ]
        if self.appraised_text:
            parts.append(self.appraised_text)
        return " · ".join(parts)


def summarise(intervention) -> EvidenceSummary:
    """From what `refresh_rating` stored on the practice's row."""
    counts = intervention.published_evidence
    return EvidenceSummary(
        rating=EffectCertainty(intervention.rating),
        confidence=intervention.profile_confidence or "",
        studies=sum(studies for studies, _ in counts.values()),
        appraised=sum(appraised for _, appraised in counts.values()),
        links=intervention.profile_links or {},
    )
