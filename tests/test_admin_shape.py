"""The admin in the order a curator works, with errors where they can be found."""

import pytest
from django.test import SimpleTestCase
from django.urls import reverse

from resources.models import RecommendationEvidence, Study
from tests.factories import (
    InterventionFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyAuthorFactory,
    StudyFactory,
    TopicFactory,
)
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

assert_contains = SimpleTestCase().assertContains
assert_not_contains = SimpleTestCase().assertNotContains


def add_url(model):
    return reverse(f"admin:resources_{model._meta.model_name}_add")


def change_url(obj):
    return reverse(f"admin:resources_{obj._meta.model_name}_change", args=[obj.pk])


def test_the_study_form_runs_bibliography_authors_design_appraisal_results(curator_client):
    page = curator_client.get(add_url(Study)).content.decode()
    order = [
        "Bibliographic",
        'id="authors-group"',
        "Design and participants",
        'id="learner_levels-group"',
        "Appraisal",
        'id="risk_of_bias_domains-group"',
        "Results",
        'id="outcomes-group"',
        'id="findings-group"',
    ]
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_new_authors_without_a_position_take_the_next_numbers(curator_client):
    study = StudyFactory(status="draft")
    StudyAuthorFactory(study=study, position=1, family_name="Wyatt")
    page = curator_client.get(change_url(study))
    data = form_data(
        page,
        **{
            "authors-TOTAL_FORMS": "3",
            "authors-1-family_name": "Rockich",
            "authors-2-literal_name": "Student Collective",
        },
    )
    data["authors-1-study"] = data["authors-2-study"] = str(study.pk)

    response = curator_client.post(change_url(study), data)

    assert response.status_code == 302
    assert list(study.authors.values_list("position", "family_name", "literal_name")) == [
        (1, "Wyatt", ""),
        (2, "Rockich", ""),
        (3, "", "Student Collective"),
    ]


def test_errors_are_summarised_at_the_top_with_links_to_their_fields(curator_client):
    study = StudyFactory(status="draft")
    page = curator_client.get(change_url(study))
    response = curator_client.post(change_url(study), form_data(page, title="", year="1200"))

    content = response.content.decode()
    summary = content.index('id="error-summary"')
    assert summary < content.index('name="title"')
    assert_contains(response, 'href="#id_title"')
    assert_contains(response, 'href="#id_year"')


def test_the_state_column_shows_full_words(curator_client):
    StudyFactory()
    page = curator_client.get(reverse("admin:resources_study_changelist"))
    assert_contains(
        page,
        '<strong class="workflow-state workflow-state--published">Published</strong>',
        html=True,
    )
    assert_not_contains(page, "●")


@pytest.mark.parametrize(
    "make", [StudyFactory, InterventionFactory, RecommendationFactory, TopicFactory]
)
def test_the_internal_note_is_on_the_form_and_nowhere_public(curator_client, make, client):
    obj = make(curator_note="Sample size left empty: the abstract does not give it.")
    assert_contains(curator_client.get(change_url(obj)), "Sample size left empty")
    client.logout()
    api_url = f"/api/v1/{obj._meta.verbose_name_plural.replace(' ', '')}/{obj.slug}/"
    for url in [obj.get_absolute_url(), api_url]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_contains(response, "Sample size left empty")
        assert_not_contains(response, "curator_note")


def test_one_study_may_support_one_part_and_contradict_another(editor):
    link = RecommendationEvidenceFactory(relation="supports")
    RecommendationEvidence(
        recommendation=link.recommendation, study=link.study, relation="contradicts"
    ).full_clean()
    twice = RecommendationEvidence(
        recommendation=link.recommendation, study=link.study, relation="supports"
    )
    with pytest.raises(Exception, match="already evidence of this kind"):
        twice.full_clean()
