"""Template filters for study pages; the rules live in resources.citations and resources.charts."""

from django import template

from resources import charts, citations

register = template.Library()


@register.filter
def short_authors(study) -> str:
    return citations.short_authors(study)


@register.filter
def coins_title(study) -> str:
    return citations.coins_title(study)


@register.simple_tag
def outcome_value(value, unit: str = "") -> str:
    return charts.format_value(value, unit)
