"""Matched words marked in a result's title and snippet, and shown as safe HTML.

The engines mark matches with private-use characters, which are stripped from indexed
text (`clean`), so in an engine's output they can only be its own markers (or, on
PostgreSQL, stand-ins for < and >, which ts_headline would otherwise treat as markup).
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

START, STOP, LT, GT = "\ue000", "\ue001", "\ue002", "\ue003"
SNIPPET_WORDS = 28

_PRIVATE = {ord(c): None for c in (START, STOP, LT, GT)} | {0: None}
_MARKER = re.compile(f"[{START}{STOP}]")


def clean(text: str | None) -> str:
    """Text as it may be indexed: without the markers (or NUL, which no database takes)."""
    return (text or "").translate(_PRIVATE)


def marked_html(text: str | None) -> SafeString:
    """The engine's marked text as HTML: every piece of text escaped, matches in <mark>.

    The text is escaped whole (the markers are not characters escaping touches), then each
    marker becomes a tag only where it opens or closes a mark: a stray one is dropped.
    """
    open_mark = False

    def tag(marker: re.Match) -> str:
        nonlocal open_mark
        opens = marker.group() == START
        if opens == open_mark:
            return ""
        open_mark = opens
        return "<mark>" if opens else "</mark>"

    restored = (text or "").replace(LT, "<").replace(GT, ">")
    html = _MARKER.sub(tag, escape(restored))
    return mark_safe(html + ("</mark>" if open_mark else ""))  # escaped text and <mark> only
