"""Bar charts of a study's outcomes: intervention against comparison, measure by measure.

Each measure gets its own pair of bars on its own scale (a percentage on 0-100, any other
unit on 0 to the larger of the two values), because measures in one study rarely share a
unit. The names and values are text in the page, which wraps and keeps its size at any
width; only the bars are drawn (`templates/includes/outcome_chart.html`), so colour and
length are never the only cue, and the outcome table beside it gives every figure.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value: str  # as the study reports it, e.g. "45%"
    percent: int  # the bar's length, 0-100, on the measure's own scale
    group: str  # "intervention" or "comparison", for the stylesheet's colours


@dataclass(frozen=True)
class Measure:
    name: str
    bars: list[Bar]


def format_value(value: Decimal | None, unit: str = "") -> str:
    """45.000 and "%" -> "45%"; 3.250 and "points" -> "3.25 points"."""
    if value is None:
        return "not reported"
    number = f"{value.normalize():f}"
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def group_label(label: str, n: int | None) -> str:
    return f"{label} (n = {n})" if n is not None else label


def chartable(outcomes) -> list:
    """Outcomes with at least one reported value: the only ones a bar can show."""
    return [
        outcome
        for outcome in outcomes
        if outcome.intervention_value is not None or outcome.comparison_value is not None
    ]


def _scale_max(outcome) -> Decimal:
    values = [v for v in (outcome.intervention_value, outcome.comparison_value) if v is not None]
    largest = max([abs(v) for v in values] or [Decimal(0)])
    if outcome.unit == "%" and largest <= 100:
        return Decimal(100)
    return largest or Decimal(1)


def _bar(label: str, value, unit: str, scale: Decimal, group: str) -> Bar:
    percent = 0 if value is None else round(100 * min(abs(value) / scale, Decimal(1)))
    return Bar(label, format_value(value, unit), percent, group)


def outcome_chart(outcomes) -> list[Measure]:
    """A measure per outcome with a reported value, each with its groups' bars."""
    measures = []
    for outcome in chartable(outcomes):
        scale = _scale_max(outcome)
        bars = [
            _bar(
                group_label(outcome.intervention_label, outcome.intervention_n),
                outcome.intervention_value,
                outcome.unit,
                scale,
                "intervention",
            )
        ]
        if outcome.comparison_label or outcome.comparison_value is not None:
            bars.append(
                _bar(
                    group_label(outcome.comparison_label or "Comparison", outcome.comparison_n),
                    outcome.comparison_value,
                    outcome.unit,
                    scale,
                    "comparison",
                )
            )
        measures.append(Measure(outcome.measure, bars))
    return measures
