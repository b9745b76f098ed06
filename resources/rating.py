"""What a practice's linked studies say, answered as two separate questions and stored.

"Does it work?" is GRADE's certainty of an effect for each outcome level
(`resources.certainty.grade_level`), from the outcomes of published, appraised studies
that evaluated the practice and name it; the practice's headline answer (`rating`) is the
highest of those certainties, or "No evaluation yet". "What is it like to do or receive?"
is the GRADE-CERQual confidence of the findings of published, appraised studies that
explored or evaluated it. A study that only describes the practice bears on neither.

`assess` applies the rules; `refresh_rating` is the one write path that stores the answers
on the practice's row (its rating, reasons and `evidence_profile`), so pages, the API and
the evidence map read them without recomputing. Reasons name published studies only, and
like the stored profile at most `certainty.ROW_STUDIES` of them, saying how many more.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from resources import certainty
from resources.models import (
    AppraisalStatus,
    EffectCertainty,
    Finding,
    Intervention,
    InterventionStudy,
    KirkpatrickLevel,
    LinkType,
    Outcome,
)

RULES = certainty.GRADE_RULES  # the methods page's "Does it work?" rules


@dataclass
class Assessment:
    rating: EffectCertainty
    reasons: list[str] = field(default_factory=list)
    profile: dict = field(default_factory=dict)


def _counts(link) -> bool:
    study = link.study
    return study.is_published and study.appraisal_status == AppraisalStatus.APPRAISED


def _titles(studies) -> str:
    """At most `certainty.ROW_STUDIES` of `studies` by title, largest first, and how many
    more: a reason names studies as the stored profile does."""
    named = certainty.kept(studies, certainty.ROW_STUDIES)
    titles = "; ".join(f"{s.title} ({s.year})" if s.year else s.title for s in named)
    more = len(studies) - len(named)
    return f"{titles}; and {more} more" if more else titles


def assess(
    intervention: Intervention,
    links: Iterable[InterventionStudy],
    outcomes: Iterable[Outcome],
    findings: Iterable[Finding],
    unnamed: Iterable[int] = (),
) -> Assessment:
    """Both answers for `intervention` from its `links` (each with its study), the
    `outcomes` that name it and the `findings` of its linked studies; `unnamed` are the ids
    of linked studies with outcomes of an intervention they do not name."""
    links = list(links)
    published = [link for link in links if link.study.is_published]
    by_type = defaultdict(list)
    for link in published:
        by_type[link.link_type].append(link)
    evaluating = {link.study_id: link for link in by_type[LinkType.EVALUATED] if _counts(link)}
    experiencing = {
        link.study_id
        for link in by_type[LinkType.EXPLORED] + by_type[LinkType.EVALUATED]
        if _counts(link)
    }

    per_level = defaultdict(lambda: defaultdict(list))
    for outcome in outcomes:
        if outcome.study_id in evaluating and outcome.intervention_id == intervention.pk:
            per_level[outcome.kirkpatrick_level][outcome.study_id].append(outcome)
    effectiveness = []
    for level in KirkpatrickLevel:
        if level.value not in per_level:
            continue
        evaluations = [
            certainty.Evaluation(
                study=evaluating[study_id].study,
                outcomes=level_outcomes,
                indirectness=evaluating[study_id].indirectness,
                indirectness_note=evaluating[study_id].indirectness_note,
            )
            for study_id, level_outcomes in per_level[level.value].items()
        ]
        effectiveness.append(
            certainty.grade_level(level, evaluations, intervention.publication_bias)
        )

    counted_findings = [f for f in findings if f.study_id in experiencing]
    confidence = certainty.best(f.confidence for f in counted_findings)
    experience_studies = {f.study_id: f.study for f in counted_findings}

    reasons = []
    if effectiveness:
        best = certainty.best(level["certainty"] for level in effectiveness)
        rating = EffectCertainty(best.value)
        levels = ", ".join(level["level"] for level in effectiveness)
        reasons.append(
            f"Certainty of an effect, judged per outcome level ({levels}); the highest is "
            f"{best.label}."
        )
    else:
        rating = EffectCertainty.NOT_EVALUATED
        reasons.append(
            "No evaluation yet: no published, appraised study has measured outcomes of this "
            "practice."
        )
    measured = {study_id for by_study in per_level.values() for study_id in by_study}
    unmeasured = [link.study for link in evaluating.values() if link.study_id not in measured]
    if unmeasured:
        reasons.append(f"Evaluated it, with no outcome recorded yet: {_titles(unmeasured)}.")
    unnamed = set(unnamed)
    elsewhere = [link.study for link in published if link.study_id in unnamed]
    if elsewhere:
        reasons.append(
            "Outcomes of an intervention the study does not name are credited to no "
            f"practice, this one included: {_titles(elsewhere)}."
        )
    waiting = [
        link.study
        for link in by_type[LinkType.EVALUATED] + by_type[LinkType.EXPLORED]
        if not _counts(link)
    ]
    if waiting:
        reasons.append(f"Not yet appraised, so not counted: {_titles(waiting)}.")
    if by_type[LinkType.DESCRIBED]:
        count = len(by_type[LinkType.DESCRIBED])
        noun = "study describes" if count == 1 else "studies describe"
        reasons.append(
            f"{count} {noun} it without evaluating it: listed as “Also discussed in”, not as "
            "evidence."
        )

    profile = {
        "effectiveness": effectiveness,
        "experience": {
            "confidence": confidence.value if confidence else "",
            "confidence_label": confidence.label if confidence else "",
            "findings": len(counted_findings),
            "studies": [
                certainty.cite(study)
                for study in certainty.kept(experience_studies.values(), certainty.ROW_STUDIES)
            ],
            "study_count": len(experience_studies),
        },
        "links": {kind.value: len(by_type[kind]) for kind in LinkType},
        "waiting": [
            certainty.cite(study) for study in certainty.kept(waiting, certainty.ROW_STUDIES)
        ],
        "waiting_count": len(waiting),
    }
    return Assessment(rating, reasons, profile)


# What a practice the rules have not yet been applied to answers: "no evaluation yet".
NO_PROFILE = {
    "effectiveness": [],
    "experience": {"confidence": "", "confidence_label": "", "findings": 0, "studies": []},
    "links": {"evaluated": 0, "explored": 0, "described": 0},
    "waiting": [],
}


def _counted(record: dict, listed: str, total: str) -> dict:
    return record if total in record else record | {total: len(record.get(listed, []))}


def stored_profile(intervention: Intervention) -> dict:
    """Its evidence profile as `assess` stored it, whole, for the API to give as it is.

    A profile stored before its lists were bounded has no totals beside them, and its
    lists name every study (until `changes.rebuild` or a save recomputes it): their
    lengths are its totals.
    """
    profile = NO_PROFILE | (intervention.evidence_profile or {})
    return profile | {
        "effectiveness": [
            _counted(_counted(row, "studies", "study_count"), "outcomes", "outcome_count")
            | {
                "downgrades": [
                    _counted(downgrade, "studies", "study_count")
                    for downgrade in row.get("downgrades", [])
                ]
            }
            for row in profile["effectiveness"]
        ],
        "experience": _counted(profile["experience"], "studies", "study_count"),
        **({} if "waiting_count" in profile else {"waiting_count": len(profile["waiting"])}),
    }


def assess_stored(intervention: Intervention) -> Assessment:
    """Assess `intervention` from the database: four queries."""
    links = list(
        InterventionStudy.objects.filter(intervention=intervention).select_related("study")
    )
    study_ids = [link.study_id for link in links]
    outcomes = Outcome.objects.filter(intervention=intervention, study_id__in=study_ids)
    findings = Finding.objects.filter(study_id__in=study_ids).select_related("study")
    unnamed = Outcome.objects.filter(study_id__in=study_ids, intervention__isnull=True)
    unnamed = set(unnamed.values_list("study_id", flat=True))
    return assess(intervention, links, outcomes, findings, unnamed), links


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
def refresh_rating(intervention: Intervention) -> Assessment:
    """Recompute and store a practice's answers, their reasons and its studies counted by
    design; the one write path for them, so a page reads them from the row."""
    result, links = assess_stored(intervention)
    evidence = count_by_design(link.study for link in links)
    Intervention.objects.filter(pk=intervention.pk).update(
        computed_rating=result.rating,
        computed_rating_reasons=result.reasons,
        evidence_profile=result.profile,
        profile_confidence=result.profile["experience"]["confidence"],
        profile_links=result.profile["links"],
        published_evidence=evidence,
        published_studies=sum(studies for studies, _ in evidence.values()),
    )
    intervention.refresh_from_db(
        fields=[
            "computed_rating",
            "computed_rating_reasons",
            "evidence_profile",
            "profile_confidence",
            "profile_links",
            "rating",
            "published_evidence",
            "published_studies",
        ]
    )
    return result


def refresh_all_ratings() -> None:
    """Every finding's confidence, then every practice's answers: after a load."""
    certainty.refresh_confidences()
    for intervention in Intervention.objects.all():
        refresh_rating(intervention)
