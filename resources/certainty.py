"""Confidence in a qualitative finding, the GRADE-CERQual way.

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

from dataclasses import dataclass, field

from resources.models import Certainty, Concern

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
