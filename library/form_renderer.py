"""The project's form renderer: Django's, with plain inputs and selects written in Python.

A text, number or hidden input goes through three templates (its own, input.html and
attrs.html), and a select through two more for each option: about half a millisecond a
template on a filter form of six or seven fields. What this writes is byte for byte what
the templates write; any other widget, or an option with its own template, renders
through the templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets/"
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{kind}.html"
    for kind in ("text", "number", "hidden", "search", "email", "url", "tel", "password")
)
SELECT_TEMPLATE = f"{WIDGETS}select.html"
OPTION_TEMPLATE = f"{WIDGETS}select_option.html"


def attributes(attrs: dict) -> str:
    """As attrs.html writes them."""
    written = []
    for name, value in attrs.items():
        if value is False:
            continue
        written.append(f" {conditional_escape(name)}")
        if value is not True:
            written.append(f'="{conditional_escape(str(value))}"')
    return "".join(written)


def input_element(widget: dict) -> str:
    """As input.html writes it."""
    value = widget["value"]
    written_value = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}"'
        f' name="{conditional_escape(widget["name"])}"{written_value}{attributes(widget["attrs"])}>'
    )


def select_element(widget: dict) -> str | None:
    """As select.html and select_option.html write it; None for what they alone can."""
    written = [f'<select name="{conditional_escape(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            written.append(f'\n  <optgroup label="{conditional_escape(str(group_name))}">')
        for option in options:
            label = option["label"]
            if option["template_name"] != OPTION_TEMPLATE or not isinstance(label, str | Promise):
                return None
            written.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{attributes(option['attrs'])}>{conditional_escape(str(label))}</option>\n"
            )
        if group_name:
            written.append("\n  </optgroup>")
    written.append("\n</select>")
    return "".join(written)


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return input_element(context["widget"])
        if template_name == SELECT_TEMPLATE and (html := select_element(context["widget"])):
            return html
        return super().render(template_name, context, request)
