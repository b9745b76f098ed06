"""Curator-written Markdown in templates: `{{ value|markdown }}`, `{{ value|markdown_text }}`."""

from django import template

from resources import text

register = template.Library()


@register.filter(name="markdown", is_safe=True)
def markdown_filter(value):
    """Rendered and sanitised by `resources.text.render_markdown`, the only way in."""
    return text.render_markdown(value or "")


@register.filter
def markdown_text(value):
    """Plain words for a card or a meta description; the template escapes them."""
    return text.markdown_text(value or "")
