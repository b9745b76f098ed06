"""Filters that never dead-end: each choice says how many results it gives with the other
filters as they are, a choice that gives none cannot be picked, an empty list names the
filter that emptied it, and a list's address carries only the filters that are set."""

import re

import pytest
from django.http import QueryDict

from resources import changes, facets
from resources.filters import UNREPORTED, InterventionFilterSet, StudyFilterSet
from resources.models import Intervention, PublishedTotal, Study
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationFactory,
    StudyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def studies():
    """Three qualitative studies (one on mentorship, of faculty) and one trial of
    postgraduate trainees; two of the four report no learner level."""
    mentorship = TopicFactory(name="Mentorship", slug="mentorship")
    faculty = StudyFactory(title="Faculty voices", design="qualitative")
    faculty.learner_levels.create(level="faculty")
    faculty.topics.add(mentorship)
    trial = StudyFactory(title="A trial in residency", design="randomised_trial")
    trial.learner_levels.create(level="postgraduate")
    OutcomeFactory(study=trial, kirkpatrick_level="2b")
    StudyFactory.create_batch(2, design="qualitative")
    return {"faculty": faculty, "trial": trial}


def counted(query: str) -> StudyFilterSet:
    filterset = StudyFilterSet(QueryDict(query), queryset=Study.objects.published())
    assert filterset.is_valid()
    facets.show_counts(filterset)
    return filterset


def counts(filterset, name: str) -> dict[str, int]:
    return filterset.form.fields[name].widget.counts


def test_each_choice_counts_the_results_it_would_give(studies):
    filterset = counted("")
    assert counts(filterset, "design")["qualitative"] == 3
    assert counts(filterset, "design")["randomised_trial"] == 1
    assert counts(filterset, "design")["cohort"] == 0
    assert counts(filterset, "outcome_level")["2b"] == 1
    assert counts(filterset, "appraised") == {"true": 0, "false": 4}


def test_an_outcome_level_is_found_in_outcomes_or_findings_and_each_study_counts_once(db):
    by_outcomes = StudyFactory(title="Outcomes at 2b")
    OutcomeFactory.create_batch(3, study=by_outcomes, kirkpatrick_level="2b")
    by_finding = StudyFactory(title="A finding at 2b")
    FindingFactory(study=by_finding, kirkpatrick_level="2b")
    OutcomeFactory(study=by_finding, kirkpatrick_level="1")
    OutcomeFactory(study=StudyFactory(title="Only at 1"), kirkpatrick_level="1")

    filterset = counted("outcome_level=2b")
    assert sorted(study.title for study in filterset.qs) == ["A finding at 2b", "Outcomes at 2b"]
    assert counts(filterset, "outcome_level")["2b"] == 2
    assert counts(filterset, "outcome_level")["1"] == 2


def test_a_choice_is_counted_with_the_other_filters_as_they_are(studies):
    filterset = counted("design=qualitative&learner_level=faculty")
    # the design filter's own choices ignore it, and keep the learner level
    assert counts(filterset, "design")["qualitative"] == 1
    assert counts(filterset, "design")["randomised_trial"] == 0
    # learner levels keep the design and ignore the learner level
    assert counts(filterset, "learner_level") == {
        "undergraduate": 0,
        "postgraduate": 0,
        "faculty": 1,
        UNREPORTED: 2,
    }


def test_every_count_agrees_with_the_list_its_choice_leads_to(studies):
    filterset = counted("design=qualitative")
    for name in ("learner_level", "outcome_level", "design"):
        for value, count in counts(filterset, name).items():
            data = QueryDict(mutable=True)
            data.setlist(name, [value])
            if name != "design":
                data["design"] = "qualitative"
            listed = StudyFilterSet(data, queryset=Study.objects.published()).qs.count()
            assert listed == count, (name, value)


def test_a_pick_list_counts_studies_per_record(studies, visitor):
    html = visitor.get("/studies/").content.decode()
    assert '<option value="mentorship">Mentorship · 1</option>' in html


def test_a_choice_that_gives_nothing_is_disabled_unless_chosen(studies, visitor):
    html = visitor.get("/studies/", {"learner_level": "undergraduate"}).content.decode()
    assert re.search(r'value="undergraduate" id="id_learner_level_0" checked>\s*Undergr', html)
    html = visitor.get("/studies/").content.decode()
    assert re.search(r'value="undergraduate" id="id_learner_level_0" disabled>', html)
    assert re.search(r'value="cohort" id="id_design_3" disabled>\s*Cohort study · 0', html)
    assert re.search(r'value="qualitative" id="id_design_6">\s*Qualitative study · 3', html)


def test_a_count_reads_well_after_a_label_that_ends_in_a_bracket(studies, visitor):
    html = visitor.get("/studies/").content.decode()
    assert re.search(r"Undergraduate \(medical students\) · 0\s*</label>", html)
    assert not re.search(r"\)\s*\(\d+\)", html)  # never "(medical students) (0)"


def test_learner_level_says_how_many_do_not_say_and_can_include_them(studies, visitor):
    html = visitor.get("/studies/").content.decode()
    assert re.search(r"Studies that do not say · 2", html)
    assert "Not every study reports it: “Studies that do not say” includes those" in html
    both = visitor.get("/studies/", {"learner_level": ["postgraduate", UNREPORTED]})
    assert {study.title for study in both.context["page"]} == {
        "A trial in residency",
        *(s.title for s in Study.objects.filter(learner_levels__isnull=True)),
    }


def test_an_intervention_does_not_say_when_none_of_its_studies_does(studies):
    said = InterventionFactory(name="Said")
    InterventionStudyFactory(intervention=said, study=studies["trial"])
    silent = InterventionFactory(name="Silent")
    InterventionStudyFactory(intervention=silent)
    listed = InterventionFilterSet(
        QueryDict(f"learner_level={UNREPORTED}"), queryset=Intervention.objects.published()
    ).qs
    assert [intervention.name for intervention in listed] == ["Silent"]


def test_an_empty_list_names_the_filter_that_emptied_it(studies, visitor):
    response = visitor.get("/studies/", {"design": "randomised_trial", "topic": "mentorship"})
    html = response.content.decode()
    assert response.context["page"].paginator.count == 0
    assert "No published study matches all these filters." in html
    assert '<a href="/studies/?topic=mentorship"' in html
    assert "Remove “Design: Randomised controlled trial”</a>: 1 study" in html
    assert "Remove “Topic: Mentorship”</a>: 1 study" in html


def test_an_empty_learner_level_offers_the_studies_that_do_not_say(studies, visitor):
    response = visitor.get("/studies/", {"learner_level": "undergraduate"})
    html = response.content.decode()
    assert "Include “Studies that do not say”</a>: 2 studies" in html
    assert 'href="/studies/?learner_level=undergraduate&amp;learner_level=unreported"' in html


def test_the_active_filters_sit_above_the_results_each_removable(studies, visitor):
    html = visitor.get("/studies/", {"q": "trial", "design": "randomised_trial"}).content.decode()
    summary = re.search(r'<div class="active-filters">.*?</div>', html, re.S).group()
    assert 'href="/studies/?design=randomised_trial"' in summary  # without the search
    assert 'href="/studies/?q=trial"' in summary  # without the design
    assert "Search: “trial”" in summary
    assert "Design: Randomised controlled trial" in summary
    assert '<a class="clear-all" href="/studies/"' in summary


def test_one_of_several_slugs_is_removed_alone(studies, visitor):
    TopicFactory(name="Curriculum reform", slug="curriculum-reform")
    html = visitor.get("/studies/", {"topic": "mentorship,curriculum-reform"}).content.decode()
    assert 'href="/studies/?topic=curriculum-reform"' in html
    assert 'href="/studies/?topic=mentorship"' in html


def test_a_submitted_form_is_sent_to_the_address_of_the_filters_set(visitor):
    response = visitor.get("/studies/?q=&design=qualitative&year_min=&topic=&sort=")
    assert response.status_code == 302
    assert response["Location"] == "/studies/?design=qualitative"
    response = visitor.get("/interventions/?q=&type=mentoring&sort=evidence")
    assert response["Location"] == "/interventions/?type=mentoring"  # the default order
    assert visitor.get("/recommendations/?strength=").headers["Location"] == "/recommendations/"


def test_the_clean_address_lists_filters_in_the_forms_order(visitor):
    response = visitor.get("/studies/?topic=x&design=qualitative&q=&design=qualitative")
    assert response["Location"] == "/studies/?design=qualitative&topic=x"


def test_an_htmx_request_is_answered_and_told_the_clean_address(visitor):
    response = visitor.get("/studies/?q=&design=qualitative", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/studies/?design=qualitative"
    html = response.content.decode()
    assert 'id="filter-fields" hx-swap-oob="true"' in html  # the counts follow the list
    assert 'id="filter-count" hx-swap-oob="true"' in html


def test_a_clean_address_is_served_as_it_is(visitor):
    assert visitor.get("/studies/?design=qualitative").status_code == 200
    assert visitor.get("/studies/?design=qualitative&page=1").status_code == 200


def test_the_recommendations_list_counts_its_choices(visitor):
    RecommendationFactory()  # conditional
    html = visitor.get("/recommendations/").content.decode()
    assert re.search(r'value="strong" id="id_strength_0" disabled>\s*Strong · 0', html)
    assert re.search(r'value="conditional" id="id_strength_1">\s*Conditional · 1', html)


def test_the_api_accepts_the_same_filter_names(studies, client):
    response = client.get("/api/v1/studies/", {"learner_level": UNREPORTED})
    assert response.status_code == 200
    assert response.json()["count"] == 2


def fresh_counts(filterset_class, model) -> dict:
    fresh = filterset_class(QueryDict(), queryset=model.objects.published())
    facets.show_counts(fresh)
    return {name: counts(fresh, name) for name in facets.counted_filters(fresh)}


def test_the_write_path_stores_each_whole_lists_counts_as_counting_gives_them(studies):
    changes.rebuild()
    StudyFactory(design="cohort")  # a factory writes behind the write path's back
    RecommendationFactory().interventions.add(InterventionFactory())
    changes.record(*Study.objects.all(), *Intervention.objects.all())
    for model_name, (filterset_class, model) in facets.WHOLE_LISTS.items():
        stored = PublishedTotal.objects.get(model=model_name)
        assert stored.facets == fresh_counts(filterset_class, model), model_name
        assert stored.count == model.objects.published().count()
    assert PublishedTotal.objects.get(model="study").facets["design"]["cohort"] == 1


def test_a_whole_list_with_nothing_set_shows_the_stored_counts(studies, visitor):
    changes.rebuild()
    assert "Qualitative study · 3" in visitor.get("/studies/").content.decode()
    stored = PublishedTotal.objects.get(model="study")
    stored.facets["design"]["qualitative"] = 41  # as if stored, to tell it from counting
    stored.save()
    assert "Qualitative study · 41" in visitor.get("/studies/").content.decode()
    filtered = visitor.get("/studies/", {"topic": "mentorship"}).content.decode()
    assert "Qualitative study · 1" in filtered, "a filtered list is counted afresh"


def test_a_library_never_written_to_counts_its_whole_lists_afresh(studies):
    filterset = StudyFilterSet(QueryDict(), queryset=Study.objects.published())
    facets.show_stored_counts(filterset)
    assert counts(filterset, "design") == fresh_counts(StudyFilterSet, Study)["design"]
    assert counts(filterset, "design")["qualitative"] == 3
