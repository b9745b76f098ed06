"""Template access to the evidence summary, so cards and pages word both answers the same way."""

from django import template

from resources.evidence_summary import confidence_text, rating_text
from resources.models import Certainty, EffectCertainty

register = template.Library()
METER_STEPS = len(EffectCertainty) - 1


@register.inclusion_tag("includes/evidence_badge.html")
def evidence_badge(rating):
    """ "Does it work?" in words; the meter beside it is decoration for sighted readers."""
    rating = EffectCertainty(rating)
    return {
        "kind": "effect",
        "value": rating.value,
        "text": rating_text(rating),
        "meter": [step < rating.rank - 1 for step in range(METER_STEPS)],
    }


@register.inclusion_tag("includes/evidence_badge.html")
def confidence_badge(confidence):
    """ "What is it like?" in words: GRADE-CERQual confidence, or no qualitative evidence."""
    rank = len(Certainty) - list(Certainty).index(Certainty(confidence)) if confidence else 0
    return {
        "kind": "experience",
        "value": confidence or "none",
        "text": confidence_text(confidence),
        "meter": [step < rank for step in range(len(Certainty))],
    }
