"""Server-rendered SVG bar charts of a study's outcomes: intervention against comparison.

Each measure gets its own pair of bars on its own scale (a percentage on 0-100, any other
unit on 0 to the larger of the two values), because measures in one study rarely share a
unit. Every bar carries its value and group name in text, so colour is never the only cue;
the outcome table beside the chart is the full accessible equivalent.
"""

import textwrap
from decimal import Decimal

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 200
BAR_AREA = 330
BAR_HEIGHT = 22
BAR_GAP = 6
LINE_HEIGHT = 18
BLOCK_GAP = 18
WRAP = 70
COLOURS = {"intervention": "#0b5394", "comparison": "#6f7780"}  # both >= 4.5:1 on white


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


def describe(outcomes) -> str:
    """The chart in one sentence per measure, for the SVG's <desc>."""
    sentences = []
    for outcome in chartable(outcomes):
        comparison = ""
        if outcome.comparison_label or outcome.comparison_value is not None:
            comparison = (
                f" against {outcome.comparison_label or 'comparison'} "
                f"{format_value(outcome.comparison_value, outcome.unit)}"
            )
        sentences.append(
            f"{outcome.measure}: {outcome.intervention_label} "
            f"{format_value(outcome.intervention_value, outcome.unit)}{comparison}"
            f" ({outcome.get_direction_display().lower()})."
        )
    return " ".join(sentences)


def _bar(y: int, label: str, value, unit: str, scale: Decimal, colour: str) -> str:
    width = 0 if value is None else int(BAR_AREA * min(abs(value) / scale, Decimal(1)))
    value_text = format_value(value, unit)
    return format_html(
        '<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text x="{}" y="{}" class="chart-value">{}</text>',
        LABEL_WIDTH - 8,
        y + BAR_HEIGHT - 6,
        label,
        LABEL_WIDTH,
        y,
        width,
        BAR_HEIGHT,
        colour,
        LABEL_WIDTH + width + 6,
        y + BAR_HEIGHT - 6,
        value_text,
    )


def outcome_chart(outcomes, chart_id: str = "outcome-chart") -> SafeString:
    """An SVG (role="img", labelled by its <title>, described by its <desc>), or "" if none."""
    rows = chartable(outcomes)
    if not rows:
        return mark_safe("")
    parts = []
    y = 0
    for outcome in rows:
        lines = textwrap.wrap(outcome.measure, WRAP) or [outcome.measure]
        for line in lines:
            y += LINE_HEIGHT
            parts.append(format_html('<text x="0" y="{}" class="chart-measure">{}</text>', y, line))
        y += BAR_GAP
        scale = _scale_max(outcome)
        groups = [
            (
                group_label(outcome.intervention_label, outcome.intervention_n),
                outcome.intervention_value,
                COLOURS["intervention"],
            ),
        ]
        if outcome.comparison_label or outcome.comparison_value is not None:
            groups.append(
                (
                    group_label(outcome.comparison_label or "Comparison", outcome.comparison_n),
                    outcome.comparison_value,
                    COLOURS["comparison"],
                )
            )
        for label, value, colour in groups:
            parts.append(_bar(y, label, value, outcome.unit, scale, colour))
            y += BAR_HEIGHT + BAR_GAP
        y += BLOCK_GAP
    height = y
    title = "Outcomes: intervention compared with comparison group, by measure"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="outcome-chart" role="img" '
        'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'aria-labelledby="{id}-title" aria-describedby="{id}-desc" '
        'preserveAspectRatio="xMinYMin meet">'
        '<title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{desc}</desc>'
        "{body}</svg>",
        width=WIDTH,
        height=height,
        id=escape(chart_id),
        title=title,
        desc=describe(rows),
        body=format_html_join("", "{}", ((part,) for part in parts)),
    )
