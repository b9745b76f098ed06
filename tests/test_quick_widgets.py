"""The list pages' pick-lists and checkboxes are written in Python, as Django would write them."""

from django import forms
from django.test.html import parse_html

from resources.views.listing import QuickCheckboxes, QuickSelect

CHOICES = [("rct", "Randomised <controlled> trial"), ("cohort", "Cohort study"), ("", "Other")]


def form_with(widget, data=None):
    class Filters(forms.Form):
        design = forms.MultipleChoiceField(
            choices=CHOICES, required=False, widget=widget, help_text="Pick any"
        )

    return Filters(data)


def rendered(widget_class, data=None) -> str:
    return str(form_with(widget_class(choices=CHOICES), data)["design"])


def test_checkboxes_match_djangos_own_widget():
    data = {"design": ["rct", ""]}
    quick = rendered(QuickCheckboxes, data)
    assert parse_html(quick) == parse_html(rendered(forms.CheckboxSelectMultiple, data))
    assert 'value="rct" id="id_design_0" checked' in quick


def test_checkboxes_escape_their_labels():
    assert "Randomised &lt;controlled&gt; trial" in rendered(QuickCheckboxes)


def test_checkboxes_without_an_id_match_djangos_own_widget():
    quick = QuickCheckboxes(choices=CHOICES).render("design", ["cohort"])
    django = forms.CheckboxSelectMultiple(choices=CHOICES).render("design", ["cohort"])
    assert parse_html(quick) == parse_html(django)


def test_grouped_checkboxes_fall_back_to_djangos_templates():
    grouped = [("Trials", [("rct", "Randomised")]), ("cohort", "Cohort study")]
    quick = QuickCheckboxes(choices=grouped).render("design", ["rct"])
    django = forms.CheckboxSelectMultiple(choices=grouped).render("design", ["rct"])
    assert quick == django


def test_a_pick_list_matches_djangos_own_select():
    quick = QuickSelect(choices=CHOICES).render("design", "cohort", attrs={"id": "id_design"})
    django = forms.Select(choices=CHOICES).render("design", "cohort", attrs={"id": "id_design"})
    assert parse_html(quick) == parse_html(django)
