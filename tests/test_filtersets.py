"""The FilterSets' forms: one form class per FilterSet class, fields of each form its own."""

from django.http import QueryDict

from resources.filters import InterventionFilterSet, StudyFilterSet
from resources.models import Intervention, Study


def study_filters(query=""):
    return StudyFilterSet(QueryDict(query), queryset=Study.objects.none())


def test_a_filtersets_forms_share_one_form_class():
    assert type(study_filters().form) is type(study_filters("design=rct").form)


def test_each_filterset_class_has_its_own_form_class():
    interventions = InterventionFilterSet(QueryDict(""), queryset=Intervention.objects.none())
    assert "design" in study_filters().form.fields
    assert "design" not in interventions.form.fields
    assert "setting" in interventions.form.fields


def test_changing_one_forms_field_leaves_the_next_forms_alone():
    first = study_filters().form
    declared = list(first.fields["design"].choices)
    first.fields["design"].choices = [("rct", "Only this")]
    first.fields["design"].help_text = "Changed for one page"
    later = study_filters().form.fields["design"]
    assert list(later.choices) == declared
    assert later.help_text != "Changed for one page"
