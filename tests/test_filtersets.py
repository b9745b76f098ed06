"""The FilterSets' forms: widgets, labels and help text come from the filters' declarations,
and each form is its own, so one page's pick-list never leaks into the next."""

import pytest
from django import forms
from django.forms.renderers import Jinja2
from django.http import QueryDict

from resources.filters import (
    CountedCheckboxes,
    CountedChoices,
    CountedSelect,
    InterventionFilterSet,
    StudyFilterSet,
)
from resources.models import Intervention, Study


def study_filters(query=""):
    return StudyFilterSet(QueryDict(query), queryset=Study.objects.none())


def test_fixed_vocabularies_are_checkboxes_and_relations_pick_lists():
    form = study_filters().form
    assert isinstance(form.fields["design"].widget, forms.CheckboxSelectMultiple)
    assert isinstance(form.fields["topic"].widget, forms.Select)
    assert isinstance(form.fields["appraised"].widget, forms.Select)
    assert isinstance(form.fields["cites"].widget, forms.HiddenInput)
    assert 'type="search"' in str(form["q"])


def test_a_pick_list_reads_several_slugs_typed_into_the_address():
    filters = study_filters("topic=mentorship,curriculum-reform")
    assert filters.is_valid()
    assert filters.form.cleaned_data["topic"] == ["mentorship", "curriculum-reform"]


def test_a_pick_list_offers_names_without_the_comma_hint_of_the_api():
    form = study_filters().form
    form.offer("topic", [("mentorship", "Mentorship")], "A note")
    html = str(form["topic"])
    assert '<option value="" selected>Any</option>' in html
    assert '<option value="mentorship">Mentorship</option>' in html
    assert form["topic"].help_text == "A note"
    assert study_filters().form.fields["country"].help_text == ""
    assert "commas" in StudyFilterSet.base_filters["country"].extra["help_text"]  # the API's


def test_the_sort_offers_words_and_keeps_the_api_values():
    form = study_filters("sort=-citations").form
    html = str(form["sort"])
    assert '<option value="">Newest first</option>' in html
    assert '<option value="-citations" selected>Most cited first</option>' in html
    assert study_filters("sort=-citations").is_valid()
    assert not study_filters("sort=cheapest").is_valid()


def test_each_filterset_class_has_its_own_fields():
    interventions = InterventionFilterSet(QueryDict(""), queryset=Intervention.objects.none())
    assert "design" in study_filters().form.fields
    assert "design" not in interventions.form.fields
    assert "setting" in interventions.form.fields


def test_changing_one_forms_field_leaves_the_next_forms_alone():
    first = study_filters().form
    first.offer("topic", [("mentorship", "Mentorship")], "Changed for one page")
    later = study_filters().form
    assert "Mentorship" not in str(later["topic"])
    assert later.fields["topic"].help_text != "Changed for one page"


class DjangosCountedSelect(CountedChoices, forms.Select):
    """The counted select with Django's own widget templates, to compare against."""


class DjangosCountedCheckboxes(CountedChoices, forms.CheckboxSelectMultiple):
    """The counted checkboxes with Django's own widget templates, to compare against."""


@pytest.mark.parametrize(
    ("ours", "djangos"),
    [(CountedSelect, DjangosCountedSelect), (CountedCheckboxes, DjangosCountedCheckboxes)],
)
def test_counted_widgets_write_the_html_of_djangos_own_templates(ours, djangos):
    choices = [("", "Any"), ("Designs", [("rct", "Trial <RCT>"), ("cohort", "Cohort")]), ("q", "Q")]
    renderer = Jinja2()
    html = []
    for widget_class in (ours, djangos):
        widget = widget_class(attrs={"id": "id_design", "class": "wide"}, choices=choices)
        widget.counts = {"rct": 3, "cohort": 0, "q": 1}
        html.append(widget.render("design", ["rct"], renderer=renderer))
    assert html[0] == html[1]
    assert "disabled" in html[0] and "Trial &lt;RCT&gt; · 3" in html[0]
