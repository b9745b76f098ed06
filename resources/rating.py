"""The evidence rating of an intervention, computed from its linked studies.

The rules follow the logic of GRADE and GRADE-CERQual: a body of evidence starts at a
level set by the strongest design behind it and is rated down for methodological
limitations, for resting on a single study, and for studies that disagree. Qualitative
and mixed-methods work starts at the top, as CERQual findings do, rather than being
treated as a weak trial. Only studies that are published and appraised count; a
catalogued study that no curator has appraised yet is listed but never rated.

`RULES` is the text the methods page shows; `rate` applies the same rules in the same
order, and every rule that changes the result adds a reason.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from resources.models import (
    AppraisalStatus,
    Direction,
    EvidenceRating,
    Intervention,
    InterventionStudy,
    LinkType,
    RiskOfBias,
    StudyDesign,
)

# Where a body of evidence starts, by its strongest design (4 Strong ... 1 Very limited).
STARTING_SCORE = {
    StudyDesign.SYSTEMATIC_REVIEW: 4,
    StudyDesign.RANDOMISED_TRIAL: 4,
    StudyDesign.QUALITATIVE: 4,
    StudyDesign.MIXED_METHODS: 4,
    StudyDesign.NON_RANDOMISED_COMPARISON: 2,
    StudyDesign.COHORT: 2,
    StudyDesign.PRE_POST: 2,
    StudyDesign.CROSS_SECTIONAL: 2,
    StudyDesign.NARRATIVE_REVIEW: 1,
    StudyDesign.PROGRAMME_DESCRIPTION: 1,
    StudyDesign.COMMENTARY: 1,
}

RULES: list[tuple[str, str]] = [
    (
        "What counts",
        "Only linked studies that are published and appraised count. Catalogued studies "
        "that are not yet appraised are listed with the intervention but do not change "
        "its rating. With no study that counts, the rating is "
        f"“{EvidenceRating.INSUFFICIENT.label}”.",
    ),
    (
        "Starting point",
        "The strongest design among the counted studies sets the start: a systematic "
        "review, randomised trial, qualitative or mixed-methods study starts at Strong "
        "(as GRADE does for trials and GRADE-CERQual does for qualitative findings); a "
        "non-randomised comparison, cohort, before-and-after or cross-sectional study "
        "starts at Limited; reviews of other kinds, programme descriptions and "
        "commentaries start at Very limited.",
    ),
    (
        "Methodological limitations",
        "Rated down two levels when most counted studies are at high risk of bias, and "
        "one level when most are at high risk or have some concerns.",
    ),
    (
        "Adequacy",
        "Rated down one level when a single study is all the evidence there is.",
    ),
    (
        "Coherence",
        "Rated down one level when the counted studies disagree about the direction of "
        "the effect (some report improvement, others no difference or harm), or when a "
        "study reports mixed results.",
    ),
    (
        "Floor",
        f"A rating never falls below “{EvidenceRating.VERY_LIMITED.label}” while at least "
        "one appraised study counts.",
    ),
    (
        "Curator override",
        "A curator may replace the computed rating only with a written justification, "
        "which is shown beside the rating together with the rules' own result.",
    ),
]


@dataclass
class RatingResult:
    rating: EvidenceRating
    reasons: list[str] = field(default_factory=list)
    counted: int = 0


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def rate(links: Iterable[InterventionStudy]) -> RatingResult:
    """Rate a body of evidence from its links, each with its study loaded."""
    links = list(links)
    counted = [
        link
        for link in links
        if link.study.is_published
        and link.study.appraisal_status == AppraisalStatus.APPRAISED
        and link.link_type != LinkType.DESCRIBED
    ]
    reasons = []
    waiting = len(links) - len(counted)
    if waiting:
        verb = "does" if waiting == 1 else "do"
        reasons.append(
            f"{_plural(waiting, 'linked study', 'linked studies')} only describing it, "
            f"not yet appraised or not published {verb} not count."
        )
    if not counted:
        reasons.append("No appraised study of this intervention has been published yet.")
        return RatingResult(EvidenceRating.INSUFFICIENT, reasons, 0)

    strongest = max((StudyDesign(link.study.design) for link in counted), key=STARTING_SCORE.get)
    score = STARTING_SCORE[strongest]
    verb = "counts" if len(counted) == 1 else "count"
    reasons.append(
        f"{_plural(len(counted), 'appraised study', 'appraised studies')} {verb}; "
        f"the strongest design, a {strongest.label.lower()}, starts the rating at "
        f"{EvidenceRating.from_score(score).label}."
    )

    risks = [link.study.risk_of_bias for link in counted]
    high = sum(risk == RiskOfBias.HIGH for risk in risks)
    concerns = sum(risk in (RiskOfBias.HIGH, RiskOfBias.SOME_CONCERNS) for risk in risks)
    which = "the only counted study is" if len(counted) == 1 else "most counted studies are"
    if high * 2 > len(counted):
        score -= 2
        reasons.append(f"Rated down two levels: {which} at high risk of bias.")
    elif concerns * 2 > len(counted):
        score -= 1
        reasons.append(
            f"Rated down one level: {which} at some risk of bias (some concerns or high)."
        )

    if len(counted) == 1:
        score -= 1
        reasons.append("Rated down one level: a single study is all the evidence there is.")

    directions = {link.direction for link in counted if link.direction}
    disagree = Direction.IMPROVED in directions and directions & {
        Direction.NO_DIFFERENCE,
        Direction.WORSE,
    }
    if disagree or Direction.MIXED in directions:
        score -= 1
        reasons.append(
            "Rated down one level: the studies do not agree on the direction of the effect."
        )

    rating = EvidenceRating.from_score(score)
    reasons.append(f"Result: {rating.label}.")
    return RatingResult(rating, reasons, len(counted))


def count_by_design(studies: Iterable) -> dict[str, list[int]]:
    """Published studies by design, each [studies, appraised]: a card's evidence line."""
    counts = {}
    for study in studies:
        if study.is_published:
            tally = counts.setdefault(study.design, [0, 0])
            tally[0] += 1
            tally[1] += study.is_appraised
    return counts


@transaction.atomic
def refresh_rating(intervention: Intervention) -> RatingResult:
    """Recompute and store an intervention's rating and its published studies counted by
    design; the one write path for both, so a page reads them from the row."""
    links = list(
        InterventionStudy.objects.filter(intervention=intervention).select_related("study")
    )
    result = rate(links)
    evidence = count_by_design(link.study for link in links)
    Intervention.objects.filter(pk=intervention.pk).update(
        computed_rating=result.rating,
        computed_rating_reasons=result.reasons,
        published_evidence=evidence,
        published_studies=sum(studies for studies, _ in evidence.values()),
    )
    intervention.refresh_from_db(
        fields=[
            "computed_rating",
            "computed_rating_reasons",
            "rating",
            "published_evidence",
            "published_studies",
        ]
    )
    return result


def refresh_all_ratings() -> None:
    """Every finding's confidence, then every intervention's rating: after a load."""
    from resources.certainty import refresh_confidences

    refresh_confidences()
    for intervention in Intervention.objects.all():
        refresh_rating(intervention)
