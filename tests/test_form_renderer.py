"""The form renderer writes plain inputs and selects exactly as Django's templates do."""

from unittest import mock

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from library.form_renderer import FormRenderer

WIDGETS = {
    "text with every kind of attribute": (
        forms.TextInput(),
        "q",
        "a \"b\" <c> & 'd'",
        {"id": "id_q", "required": True, "maxlength": 20, "disabled": False},
    ),
    "number with the widget's own attributes": (
        forms.NumberInput(attrs={"min": 1800, "step": "any"}),
        "year_min",
        2020,
        {"id": "id_year_min"},
    ),
    "number without a value": (forms.NumberInput(), "year_max", None, {}),
    "hidden": (forms.HiddenInput(), "cites", "a,b", {"id": "id_cites"}),
    "text already marked safe": (forms.TextInput(), "q", mark_safe("<b>"), {}),
    "email with an empty value": (forms.EmailInput(), "email", "", {"placeholder": "x@y"}),
    "password, never echoed": (forms.PasswordInput(), "password", "secret", {}),
    "select with a choice made": (
        forms.Select(choices=[("", "Any"), ("true", "Appraised <now>"), ("false", "Not & yet")]),
        "appraised",
        "true",
        {"id": "id_appraised"},
    ),
    "select without a choice": (
        forms.Select(choices=[("evidence", "Strongest"), ("name", "Name")]),
        "sort",
        None,
        {"required": True},
    ),
    "select with a group and a lazy label": (
        forms.Select(choices=[("Group", [("a", "A"), ("b", gettext_lazy("B"))]), ("c", "C")]),
        "grouped",
        "b",
        {},
    ),
    "multiple select": (forms.SelectMultiple(choices=[("a", "A"), ("b", "B")]), "m", ["a"], {}),
    "select with numbers for labels": (forms.Select(choices=[(1, 1990)]), "year", 1, {}),
    "select without choices": (forms.Select(choices=[]), "empty", None, {}),
    "yes, no or unknown": (forms.NullBooleanSelect(), "open_access", True, {}),
}


@pytest.mark.parametrize(("widget", "name", "value", "attrs"), WIDGETS.values(), ids=WIDGETS)
def test_a_widget_renders_as_django_templates_render_it(widget, name, value, attrs):
    assert widget.render(name, value, attrs, renderer=FormRenderer()) == widget.render(
        name, value, attrs, renderer=DjangoTemplates()
    )


def test_plain_inputs_and_selects_are_written_without_a_template():
    renderer = FormRenderer()
    with mock.patch.object(DjangoTemplates, "render", side_effect=AssertionError("template")):
        forms.TextInput().render("q", "anti-racism", renderer=renderer)
        forms.Select(choices=[("a", "A")]).render("sort", "a", renderer=renderer)


def test_other_widgets_still_render_through_the_templates():
    html = forms.CheckboxInput().render("open_access", True, renderer=FormRenderer())
    assert html == '<input type="checkbox" name="open_access" checked>'
