"""The evidence map's grid cells as HTML (its list for phones is in the template).

Written in Python rather than in the template: a page of the map has over a hundred
cells, and the template engine's cost for each of their variables (or `format_html`'s
for each argument) made them most of the page's time. Same HTML, every text escaped.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from resources.models import KirkpatrickLevel

register = template.Library()

GAP = '<td class="gap">No studies — gap</td>'
LEVEL_LABELS = {level: escape(level.label) for level in KirkpatrickLevel}


def _cell(cell, name: str) -> str:
    """Evaluated outcomes counted, with their GRADE certainty in words and as colour; a
    finding reporting a change after the intervention adds its CERQual confidence."""
    if cell.is_gap:
        return GAP
    kind = f" cert--{cell.certainty.value}" if cell.certainty else ""
    return (
        f'<td class="has-studies{kind}"><a href="{escape(cell.studies_url)}">'
        f'<span class="count">{cell.count}</span> {cell.noun}'
        f'<span class="visually-hidden"> of {name} at level {LEVEL_LABELS[cell.level]}</span>'
        f'<br><span class="muted">{escape(cell.note)}</span></a></td>'
    )


@register.simple_tag
def map_cells(row) -> SafeString:
    """A row's cells: a gap said in words, or its studies (linked) and their best confidence."""
    name = escape(row.intervention.name)
    # every text in the cells is escaped above
    return mark_safe("\n".join(_cell(cell, name) for cell in row.cells))
