"""What every filtered HTML list shares: the FilterSet bound to the query string, a
form an educator can use without JavaScript, bad input shown as form errors (never a
500), and a page of results.
"""

from html import escape

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.utils import flatatt
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django_filters.widgets import BaseCSVWidget

from resources.filters import MAX_CHOICES, narrows
from resources.models import Intervention

PER_PAGE = 20
# Interventions offered in a filter's pick-list: the most studied, however many there are.
INTERVENTION_PICK_LIST_SIZE = 100


class QuickSelect(forms.Select):
    """A select whose options are written in Python rather than one template each.

    A large library offers a thousand interventions in one list, and rendering each option
    through the form templates took most of the studies list's time. Same HTML.
    """

    def render(self, name, value, attrs=None, renderer=None):
        wanted = self.format_value(value)
        options, chosen = [], False
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not chosen and option_value in wanted
            chosen = chosen or selected
            options.append(
                f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
                f"{escape(str(label))}</option>"
            )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        # every piece of text is escaped above
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{"".join(options)}</select>')


class QuickCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes written in Python, as `QuickSelect` writes its options: the same HTML as
    Django's widget, without three templates for every box (a fifth of a list page's time).
    """

    def render(self, name, value, attrs=None, renderer=None):
        if any(isinstance(label, (list, tuple)) for _, label in self.choices):
            return super().render(name, value, attrs, renderer)  # grouped: Django's own
        wanted = set(self.format_value(value))
        attrs = self.build_attrs(self.attrs, attrs)
        group_id = attrs.get("id")
        boxes = []
        for index, (option_value, label) in enumerate(self.choices):
            option_value = "" if option_value is None else str(option_value)
            box_attrs = {**attrs, "id": self.id_for_label(group_id, index)} if group_id else attrs
            if option_value in wanted:
                box_attrs = {**box_attrs, "checked": True}
            label_for = f' for="{escape(box_attrs["id"])}"' if group_id else ""
            boxes.append(
                f"<div><label{label_for}>"
                f'<input type="checkbox" name="{escape(name)}" value="{escape(option_value)}"'
                f"{flatatt(box_attrs)}> {escape(str(label))}</label></div>"
            )
        outer = f' id="{escape(group_id)}"' if group_id else ""
        if attrs.get("class"):
            outer += f' class="{escape(attrs["class"])}"'
        # every piece of text is escaped above
        return mark_safe(f"<div{outer}>{''.join(boxes)}</div>")


class CSVSelect(BaseCSVWidget, QuickSelect):
    """A slug filter offered as a list of names; several slugs typed into the URL still work."""


def filter_list(
    request,
    filterset_class,
    queryset,
    *,
    related_choices=None,
    defaults=None,
    per_page=PER_PAGE,
    count_unfiltered=None,
):
    """Bind the FilterSet to the query string and return it with one page of results.

    `related_choices` offers slug filters as pick-lists of names (see `offer_choices`).
    `count_unfiltered`, if given, tells the length of the list with no filter set (a
    stored count, where counting would read every row).
    """
    data = request.GET.copy()
    for name, value in (defaults or {}).items():
        if not data.get(name):
            data[name] = value
    filterset = filterset_class(data, queryset=queryset, request=request)
    offer_choices(filterset.form, related_choices or {})  # before validation binds the fields
    try:
        results = filterset.qs
    except ValidationError as error:  # a filter method refusing its input, e.g. too many slugs
        filterset.form.add_error(None, error)
        results = filterset.queryset.none()
    paginator = Paginator(results, per_page)
    if count_unfiltered and not filterset.form.errors and not narrows(filterset):
        paginator.count = count_unfiltered()
    return filterset, paginator.get_page(request.GET.get("page"))


def offer_choices(form, related_choices: dict[str, list[tuple[str, str]]]) -> None:
    """Show multiple choices as checkboxes and slug filters as a pick-list of names."""
    form.label_suffix = ""
    for name, field in form.fields.items():
        if name in related_choices:
            field.widget = CSVSelect(choices=[("", "Any"), *related_choices[name]])
            field.help_text = ""  # "separate values with commas" is for the URL, not a list
        elif isinstance(field, forms.MultipleChoiceField):
            field.widget = QuickCheckboxes(choices=field.choices)
        elif name == "q":
            field.widget = forms.TextInput(attrs={"type": "search", "maxlength": 200})


def intervention_choices(request) -> list[tuple[str, str]]:
    """The intervention pick-list: the most studied ones and any the query string chose."""
    chosen = [slug for slug in request.GET.get("intervention", "").split(",") if slug]
    return list(
        Intervention.objects.published().for_pick_list(
            chosen[:MAX_CHOICES], size=INTERVENTION_PICK_LIST_SIZE
        )
    )


def explain_intervention_choices(form, choices: list[tuple[str, str]]) -> None:
    """Say so when the pick-list leaves interventions out, and where to find the rest."""
    if len(choices) >= INTERVENTION_PICK_LIST_SIZE:
        form.fields["intervention"].help_text = form["intervention"].help_text = (
            f"The {INTERVENTION_PICK_LIST_SIZE} most studied interventions; every "
            "intervention's own page links to its studies."
        )


def render_list(request, template: str, context: dict):
    """The whole page, or only its `results` partial when htmx swaps the results in.

    A history restore asks for the whole page, and `Vary` keeps caches from serving one
    response for the other.
    """
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
