"""Template access to the evidence summary, so cards and pages word ratings the same way."""

from django import template

from resources.evidence_summary import rating_text
from resources.models import EvidenceRating

register = template.Library()
METER_STEPS = len(EvidenceRating) - 1


@register.inclusion_tag("includes/evidence_badge.html")
def evidence_badge(rating):
    """The rating in words; the meter beside it is decoration for sighted readers."""
    rating = EvidenceRating(rating)
    return {
        "rating": rating,
        "text": rating_text(rating),
        "meter": [step < rating.rank - 1 for step in range(METER_STEPS)],
    }
