"""Template access to the evidence summary, so cards and pages word both answers the same way."""

from django import template

from resources.evidence_summary import confidence_text, rating_text
from resources.models import Certainty, EffectCertainty

register = template.Library()
METER_STEPS = len(EffectCertainty) - 1
BADGE = "includes/evidence_badge.html"


def _badge(context, kind: str, value: str, describe) -> str:
    """The badge for one answer, rendered once per page: a list or the map repeats the
    same few answers on every row, so each distinct one is rendered the first time and
    reused from `context.render_context`, the template engine's per-render state."""
    rendered = context.render_context.setdefault(BADGE, {})
    if (kind, value) not in rendered:
        badge = context.template.engine.get_template(BADGE)
        rendered[kind, value] = badge.render(context.new({"kind": kind, **describe()}))
    return rendered[kind, value]


@register.simple_tag(takes_context=True)
def evidence_badge(context, rating):
    """ "Does it work?" in words; the meter beside it is decoration for sighted readers."""
    rating = EffectCertainty(rating)
    return _badge(
        context,
        "effect",
        rating.value,
        lambda: {
            "value": rating.value,
            "text": rating_text(rating),
            "meter": [step < rating.rank - 1 for step in range(METER_STEPS)],
        },
    )


@register.simple_tag(takes_context=True)
def confidence_badge(context, confidence):
    """ "What is it like?" in words: GRADE-CERQual confidence, or no qualitative evidence."""

    def describe():
        rank = len(Certainty) - list(Certainty).index(Certainty(confidence)) if confidence else 0
        return {
            "value": confidence or "none",
            "text": confidence_text(confidence),
            "meter": [step < rank for step in range(len(Certainty))],
        }

    return _badge(context, "experience", confidence or "none", describe)
