"""The two questions the library answers about a practice, each the way its field does.

"Does it work?" is GRADE's certainty of an effect, per practice and outcome level
(`grade_level`, `GRADE_RULES`); "What is it like to do or receive?" is GRADE-CERQual's
confidence in each qualitative finding (`cerqual`, `CERQUAL_RULES`). They are never
blended into one rating. `resources.rating.refresh_rating` stores both on the practice.

Confidence in a qualitative finding, the GRADE-CERQual way.

A finding is judged on four components (methodological limitations, coherence, adequacy
of data, relevance), each as no or very minor, minor, moderate or serious concerns, with
an explanation. Confidence starts High, the assumption GRADE-CERQual makes that a finding
is a reasonable representation of the phenomenon, and is rated down:

- a minor concern is noted but does not rate the finding down on its own;
- a moderate concern rates it down one level;
- a serious concern rates it down two levels;

never below Very low. Until all four components are judged, the finding has no overall
confidence ("not yet assessed"). `CERQUAL_RULES` is the text the methods page shows;
`cerqual` applies the same rules, and every rule that changes the result adds a reason.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F

from resources.models import (
    Certainty,
    Concern,
    Direction,
    KirkpatrickLevel,
    LinkType,
    Outcome,
    RiskOfBias,
    StudyDesign,
)

CERTAINTY_ORDER = list(Certainty)  # High first

# How many levels a component's concern rates a finding down.
CONCERN_STEPS = {Concern.NONE: 0, Concern.MINOR: 0, Concern.MODERATE: 1, Concern.SERIOUS: 2}

COMPONENTS = [
    ("methodological_limitations", "Methodological limitations"),
    ("coherence", "Coherence"),
    ("adequacy", "Adequacy of data"),
    ("relevance", "Relevance"),
]

CERQUAL_RULES: list[tuple[str, str]] = [
    (
        "Components",
        "Each qualitative finding is judged on the four GRADE-CERQual components: "
        "methodological limitations of the studies behind it, coherence (how well it fits "
        "the data), adequacy (how rich and plentiful the data are) and relevance (how well "
        "the studies' contexts fit the question). Each is judged as no or very minor, "
        "minor, moderate or serious concerns, and explained.",
    ),
    (
        "Starting point",
        "Confidence starts High: the assumption that the finding is a reasonable "
        "representation of the phenomenon it describes.",
    ),
    (
        "Rating down",
        "A moderate concern in any component rates the finding down one level; a serious "
        "concern two levels; a minor concern is noted but does not rate it down on its own. "
        "Confidence never falls below Very low.",
    ),
    (
        "Not yet assessed",
        "A finding whose four components have not all been judged shows no confidence.",
    ),
]


@dataclass(frozen=True)
class Component:
    name: str
    label: str
    concern: Concern | None
    explanation: str

    @property
    def concern_label(self) -> str:
        return self.concern.label if self.concern else "Not yet judged"


@dataclass
class CerqualResult:
    confidence: Certainty | None
    components: list[Component]
    reasons: list[str] = field(default_factory=list)

    @property
    def confidence_label(self) -> str:
        return self.confidence.label if self.confidence else "Not yet assessed"


def cerqual(finding) -> CerqualResult:
    """The overall confidence in `finding` and the reasons for it, from its components."""
    components = [
        Component(
            name,
            label,
            Concern(value) if (value := getattr(finding, name)) else None,
            getattr(finding, f"{name}_explanation"),
        )
        for name, label in COMPONENTS
    ]
    if any(component.concern is None for component in components):
        missing = [c.label.lower() for c in components if c.concern is None]
        return CerqualResult(
            None, components, [f"Not yet assessed: {', '.join(missing)} not judged."]
        )
    steps = 0
    reasons = ["Starts at High."]
    for component in components:
        down = CONCERN_STEPS[component.concern]
        steps += down
        if down:
            levels = "one level" if down == 1 else "two levels"
            reasons.append(
                f"Rated down {levels} for {component.concern.label.lower()} about "
                f"{component.label.lower()}."
            )
        elif component.concern == Concern.MINOR:
            reasons.append(
                f"Minor concerns about {component.label.lower()}, not enough to rate it down."
            )
    confidence = CERTAINTY_ORDER[min(steps, len(CERTAINTY_ORDER) - 1)]
    reasons.append(f"Confidence: {confidence.label}.")
    return CerqualResult(confidence, components, reasons)


def refresh_confidences(findings=None) -> None:
    """Store each finding's derived confidence: after a load that bypasses `Finding.save`
    (the seed, a restore). `findings` defaults to every finding."""
    from resources.models import Finding

    changed = []
    for finding in Finding.objects.all() if findings is None else findings:
        confidence = cerqual(finding).confidence or ""
        if finding.confidence != confidence:
            finding.confidence = confidence
            changed.append(finding)
    Finding.objects.bulk_update(changed, ["confidence"], batch_size=500)


# Does it work? GRADE, per practice and outcome level ----------------------------------

# GRADE's rule of thumb for an optimal information size: below it, an estimate is imprecise.
OPTIMAL_INFORMATION_SIZE = 400
VERY_FEW_PARTICIPANTS = 100

GRADE_RULES: list[tuple[str, str]] = [
    (
        "What counts",
        "Only studies that evaluated the practice (an evaluated link), are published and "
        "appraised count, and only their outcomes that name the practice. A study that "
        "explored the practice qualitatively, or only describes it, never counts here; "
        "neither do the outcomes of an intervention a study does not name. With no "
        "counted outcome, the answer is “No evaluation yet”.",
    ),
    (
        "Per outcome level",
        "Certainty is judged separately for each Kirkpatrick outcome level (1, 2a, 2b, 3, "
        "4a, 4b), from the studies with an outcome there. A level is a type of outcome, "
        "not a grade of quality: a higher level is not stronger evidence.",
    ),
    (
        "Starting point",
        "Evidence from randomised trials starts High. Evidence that rests on any "
        "non-randomised design (a controlled comparison, before-and-after, cohort or "
        "cross-sectional study, or any other) starts Low, whatever label a paper gives "
        "itself.",
    ),
    (
        "Risk of bias",
        "Rated down two levels when most of the studies are at high risk of bias; one "
        "level when most are at high risk or have some concerns.",
    ),
    (
        "Inconsistency",
        "Rated down one level when the outcomes at the level disagree on the direction of "
        "the effect (some improved, others no difference or worse), or are mixed.",
    ),
    (
        "Indirectness",
        "Rated down one or two levels as a curator judges for each evaluating study: an "
        "intervention the study does not describe well enough to know it is this "
        "practice, or a population or setting unlike the practice's.",
    ),
    (
        "Imprecision",
        f"Rated down one level when the studies together have fewer than "
        f"{OPTIMAL_INFORMATION_SIZE} participants (GRADE's rule of thumb for an optimal "
        "information size) or a study does not report its numbers; two levels when they "
        f"have fewer than {VERY_FEW_PARTICIPANTS}.",
    ),
    (
        "Publication bias",
        "Rated down one level where a curator judges it likely, with the reason written.",
    ),
    (
        "Labels",
        "High, Moderate, Low or Very low; never below Very low.",
    ),
    (
        "Curator override",
        "A curator may replace the rules' answer to “Does it work?” only with a written "
        "justification, which is shown beside it together with the rules' own result.",
    ),
]


@dataclass(frozen=True)
class Evaluation:
    """One published, appraised study's outcomes of the practice at one level."""

    study: object  # a Study
    outcomes: list  # its Outcomes naming the practice at this level
    indirectness: str = ""  # "", "serious" or "very_serious", judged on the link
    indirectness_note: str = ""

    @property
    def participants(self) -> int | None:
        """The most participants any of its outcomes compared, else its sample size."""
        compared = [
            outcome.intervention_n + outcome.comparison_n
            for outcome in self.outcomes
            if outcome.intervention_n is not None and outcome.comparison_n is not None
        ]
        return max(compared) if compared else self.study.sample_size


# The stored profile names a bounded number of studies, as a GRADE Summary of Findings
# table gives "N participants (K studies)" rather than every study's name: a row names at
# most ROW_STUDIES studies (and gives only their outcomes), a downgrade at most
# DOWNGRADE_STUDIES, the qualitative answer and the studies waiting for appraisal at most
# ROW_STUDIES each; each list stands beside its true total (`study_count`,
# `outcome_count`, `waiting_count`). The rest are in the studies list and the API's
# `studies_url`. Which are kept is `kept`'s choice.
ROW_STUDIES = 10
DOWNGRADE_STUDIES = 5


def cite(study) -> dict:
    return {"slug": study.slug, "title": study.title, "year": study.year}


def weight(study, participants: int | None = None) -> tuple:
    """The order in which studies are named: the largest first (by `participants`, else
    the study's sample size; unreported last), then the newest, then by slug, so the same
    evidence always names the same studies whatever order it was read in."""
    size = participants if participants is not None else study.sample_size
    return (size is None, -(size or 0), -(study.year or 0), study.slug)


def kept(studies, limit: int, participants: dict | None = None) -> list:
    """The `limit` studies of `studies` a stored list names (`weight`'s order);
    `participants` maps a study's slug to its participants at the level, where known."""
    participants = participants or {}
    return sorted(studies, key=lambda s: weight(s, participants.get(s.slug)))[:limit]


def _downgrade(domain: str, steps: int, why: str, studies, participants=None) -> dict:
    levels = "one level" if steps == 1 else "two levels"
    return {
        "domain": domain,
        "levels": steps,
        "text": f"Rated down {levels} for {domain.lower()}: {why}",
        "studies": [cite(study) for study in kept(studies, DOWNGRADE_STUDIES, participants)],
        "study_count": len(studies),
    }


def _number(value) -> str:
    return f"{Decimal(str(value)).normalize():f}"


def _result(outcome) -> str:
    """An outcome's figures as reported, e.g. "45% vs 12%, p < 0.001"."""
    unit = outcome.unit or ""
    parts = []
    if outcome.intervention_value is not None and outcome.comparison_value is not None:
        parts.append(
            f"{_number(outcome.intervention_value)}{unit} vs "
            f"{_number(outcome.comparison_value)}{unit}"
        )
    if outcome.p_value_display:
        parts.append(outcome.p_value_display)
    if outcome.effect_size:
        parts.append(outcome.effect_size)
    return ", ".join(parts)


def grade_level(
    level: KirkpatrickLevel, evaluations: list[Evaluation], publication_bias: str = ""
) -> dict:
    """The certainty of the practice's effect at one outcome level, with every reason.

    The rules read every study; the row names at most ROW_STUDIES of them and their
    outcomes, and each downgrade at most DOWNGRADE_STUDIES of those it rests on, the
    largest first (`weight`), each list beside its true total."""
    studies = [e.study for e in evaluations]
    sizes = {e.study.slug: e.participants for e in evaluations}
    randomised = all(s.design == StudyDesign.RANDOMISED_TRIAL for s in studies)
    if randomised:
        start, steps = "Starts High: every study is a randomised trial.", 0
    else:
        others = [s for s in studies if s.design != StudyDesign.RANDOMISED_TRIAL]
        designs = sorted({StudyDesign(s.design).label.lower() for s in others if s.design})
        start = (
            f"Starts Low: non-randomised evidence ({', '.join(designs) or 'design not reported'})."
        )
        steps = 2
    downgrades = []

    high = [s for s in studies if s.risk_of_bias == RiskOfBias.HIGH]
    concerns = [s for s in studies if s.risk_of_bias in (RiskOfBias.HIGH, RiskOfBias.SOME_CONCERNS)]
    if len(high) * 2 > len(studies):
        downgrades.append(
            _downgrade(
                "Risk of bias", 2, "most of the evidence is at high risk of bias.", high, sizes
            )
        )
    elif len(concerns) * 2 > len(studies):
        downgrades.append(
            _downgrade(
                "Risk of bias",
                1,
                "most of the evidence has some concerns or high risk.",
                concerns,
                sizes,
            )
        )

    directions = {o.direction for e in evaluations for o in e.outcomes}
    if Direction.MIXED in directions or (
        Direction.IMPROVED in directions and directions & {Direction.NO_DIFFERENCE, Direction.WORSE}
    ):
        downgrades.append(
            _downgrade(
                "Inconsistency",
                1,
                "the outcomes disagree on the direction of the effect.",
                studies,
                sizes,
            )
        )

    indirect = [e for e in evaluations if e.indirectness]
    if indirect:
        steps_indirect = 2 if any(e.indirectness == "very_serious" for e in indirect) else 1
        notes = " ".join(e.indirectness_note for e in indirect if e.indirectness_note)
        downgrades.append(
            _downgrade(
                "Indirectness",
                steps_indirect,
                notes or "the intervention, population or setting differs from the practice's.",
                [e.study for e in indirect],
                sizes,
            )
        )

    counts = [e.participants for e in evaluations]
    total = sum(count for count in counts if count is not None)
    unreported = [e.study for e, count in zip(evaluations, counts, strict=True) if count is None]
    if total < VERY_FEW_PARTICIPANTS and not unreported:
        downgrades.append(
            _downgrade("Imprecision", 2, f"only {total} participants in all.", studies, sizes)
        )
    elif unreported:
        downgrades.append(
            _downgrade("Imprecision", 1, "participant numbers are not reported.", unreported, sizes)
        )
    elif total < OPTIMAL_INFORMATION_SIZE:
        downgrades.append(
            _downgrade(
                "Imprecision",
                1,
                f"{total} participants in all, fewer than the {OPTIMAL_INFORMATION_SIZE} of "
                "GRADE's rule of thumb.",
                studies,
                sizes,
            )
        )

    if publication_bias:
        downgrades.append(_downgrade("Publication bias", 1, publication_bias, []))

    steps += sum(d["levels"] for d in downgrades)
    certainty = CERTAINTY_ORDER[min(steps, len(CERTAINTY_ORDER) - 1)]
    named = kept(studies, ROW_STUDIES, sizes)
    order = {study.slug: index for index, study in enumerate(named)}
    shown = [e for e in evaluations if e.study.slug in order]
    return {
        "level": level.value,
        "level_label": level.label,
        "certainty": certainty.value,
        "certainty_label": certainty.label,
        "start": start,
        "downgrades": downgrades,
        "studies": [cite(study) for study in named],
        "study_count": len(studies),
        "participants": total if not unreported else None,
        "outcomes": [
            {
                "study": e.study.slug,
                "measure": outcome.measure,
                "result": _result(outcome),
                "direction": outcome.get_direction_display(),
            }
            for e in sorted(shown, key=lambda e: order[e.study.slug])
            for outcome in e.outcomes
        ],
        "outcome_count": sum(len(e.outcomes) for e in evaluations),
    }


def best(values: Iterable[str]) -> Certainty | None:
    """The highest of some certainty values, or None."""
    found = [Certainty(value) for value in values if value]
    return min(found, key=CERTAINTY_ORDER.index) if found else None


# Recommendations: certainty never above the evidence's ------------------------------------


@dataclass
class RecommendationEvidence:
    """What a recommendation rests on: the Summary of Findings rows of the practices it
    concerns that its studies evaluated, the findings of its studies, and the highest
    certainty among them, which its own certainty may not exceed."""

    rows: list  # (practice, Summary of Findings row)
    findings: list  # Findings of its published, appraised studies
    ceiling: Certainty
    reason: str


def recommendation_evidence(
    interventions, study_slugs: set[str], findings
) -> RecommendationEvidence:
    """`interventions` with their `evidence_profile`; the slugs of its published, appraised
    studies; those studies' findings.

    A row counts when one of those studies has an outcome at its level naming the
    practice it evaluated. A stored row names only some of its studies (ROW_STUDIES), so
    the database says which rows count (`_evaluated_levels`): one query for all of them,
    whatever the library's size."""
    profiles = [
        (intervention, row)
        for intervention in interventions
        for row in (intervention.evidence_profile or {}).get("effectiveness", [])
    ]
    found = _evaluated_levels(profiles, study_slugs) if profiles and study_slugs else set()
    rows = [
        (intervention, row)
        for intervention, row in profiles
        if (intervention.pk, row["level"]) in found
    ]
    findings = [finding for finding in findings if finding.confidence]
    candidates = [row["certainty"] for _, row in rows] + [f.confidence for f in findings]
    ceiling = best(candidates) or Certainty.VERY_LOW
    if not candidates:
        reason = (
            "It rests on no evaluated outcome and no assessed qualitative finding of an "
            "appraised study, so its certainty can be Very low at most."
        )
    else:
        reason = (
            f"The most certain evidence it rests on is {ceiling.label}: its certainty can be "
            "no higher."
        )
    return RecommendationEvidence(rows, findings, ceiling, reason)


def _evaluated_levels(rows, study_slugs: set[str]) -> set[tuple[int, str]]:
    """Which of the practices and levels of `rows` one of the studies of `study_slugs`
    counts toward: an outcome at that level naming the practice, of a study that evaluated
    it (the slugs are of published, appraised studies already), as `grade_level` counts.

    The study's link to the practice is a join in the one filter() call, so the same link
    is both the practice's and evaluating; the outcomes' own order is dropped, so that
    DISTINCT is over the pairs only."""
    outcomes = Outcome.objects.filter(
        intervention__in={intervention.pk for intervention, _ in rows},
        kirkpatrick_level__in={row["level"] for _, row in rows},
        study__slug__in=study_slugs,
        study__intervention_links__intervention=F("intervention"),
        study__intervention_links__link_type=LinkType.EVALUATED,
    )
    pairs = outcomes.order_by().values_list("intervention_id", "kirkpatrick_level").distinct()
    return set(pairs)


def exceeds(certainty_value: str, ceiling: Certainty) -> bool:
    return CERTAINTY_ORDER.index(Certainty(certainty_value)) < CERTAINTY_ORDER.index(ceiling)
