"""Curators' prose as HTML: Markdown rendered, then sanitised against an allow-list.

Curators write summaries, rationales, findings and appraisal notes in Markdown. The
public pages show them through `render_markdown` only (the `markdown` template filter);
the API returns the Markdown as written. Markdown lets raw HTML through, so every
rendering is cleaned by nh3: only the tags and attributes below survive, links may only
be http(s), mailto or relative, and every link gets rel="noopener noreferrer nofollow".
"""

import html
import re
from functools import lru_cache

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "h3", "h4"}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"

# What a browser ignores in a URL before reading its scheme: ASCII whitespace and controls
IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def _is_safe_url(url: str) -> bool:
    """Relative, or with an allowed scheme, as a browser would read it."""
    scheme = SCHEME.match(IGNORED_IN_URL.sub("", url))
    return scheme is None or scheme.group(1).lower() in URL_SCHEMES


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """A second check of every link, after nh3's own: None drops the attribute."""
    if attribute in ("href", "src") and not _is_safe_url(value):
        return None
    return value


# Rendering is a pure function of the text, and a list page of cards would spend most of
# its time on it. Remembering recent texts is always correct.
MEMORISED_TEXTS = 4096


@lru_cache(maxsize=MEMORISED_TEXTS)
def render_markdown(text: str) -> SafeString:
    """Curator-written Markdown as HTML that is safe to put in a page."""
    if not text:
        return mark_safe("")
    rendered = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    cleaned = nh3.clean(
        rendered,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)


@lru_cache(maxsize=MEMORISED_TEXTS)
def markdown_text(text: str) -> str:
    """The words of curator-written Markdown without its markup, for cards and meta tags.

    Plain (not safe) text, so the template escapes it for wherever it goes.
    """
    return html.unescape(strip_tags(render_markdown(text))).strip()
