"""A recommendation in the admin: its layers on the form, and a certainty never above the
evidence saved with it, including evidence added or removed in the same save."""

import pytest
from django.test import SimpleTestCase
from django.urls import reverse

from resources.models import Certainty, EffectCertainty, Intervention, Recommendation
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyFactory,
)
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

assert_contains = SimpleTestCase().assertContains

CAP = "Its certainty cannot exceed that of its evidence"


def add_url():
    return reverse("admin:resources_recommendation_add")


def change_url(recommendation):
    return reverse("admin:resources_recommendation_change", args=[recommendation.pk])


def study_with_a_finding(confidence):
    """A published, appraised study whose one qualitative finding has `confidence`."""
    study = StudyFactory(appraised=True)
    FindingFactory(study=study, confidence=confidence)
    return study


def evidence_row(index: int, study, **fields) -> dict:
    row = {"study": str(study.pk), "relation": "supports", "note": ""} | fields
    return {f"evidence-{index}-{name}": value for name, value in row.items()}


def new_recommendation(client, rows: list, **fields) -> dict:
    data = form_data(
        client.get(add_url()),
        title="Make room for collectives",
        slug="make-room-for-collectives",
        statement="Consider making room for trainee collectives.",
        rationale="One qualitative study.",
        audience="institutions",
        strength="conditional",
        **fields,
    )
    data["evidence-TOTAL_FORMS"] = str(len(rows))
    for index, study in enumerate(rows):
        data |= evidence_row(index, study)
    return data


def test_the_form_holds_the_key_information_between_statement_and_rationale(editor_client):
    page = editor_client.get(add_url()).content.decode()
    order = [
        'name="statement"',
        'name="certainty"',
        "Key information",
        'name="benefits_and_harms"',
        'name="values_and_preferences"',
        'name="practical_considerations"',
        'name="rationale"',
    ]
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_a_new_recommendation_cannot_claim_more_than_the_evidence_added_with_it(editor_client):
    study = study_with_a_finding(Certainty.LOW)
    data = new_recommendation(editor_client, [study], certainty=Certainty.HIGH)

    response = editor_client.post(add_url(), data)

    assert response.status_code == 200
    assert_contains(response, CAP)
    assert_contains(response, "The most certain evidence it rests on is Low")
    assert not Recommendation.objects.exists()


def test_a_new_recommendation_within_the_evidence_added_with_it_is_saved(editor_client):
    study = study_with_a_finding(Certainty.LOW)
    data = new_recommendation(editor_client, [study], certainty=Certainty.LOW)

    response = editor_client.post(add_url(), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    recommendation = Recommendation.objects.get()
    assert recommendation.certainty == Certainty.LOW
    assert [row.study for row in recommendation.evidence.all()] == [study]


def test_raising_the_certainty_with_the_evidence_that_allows_it_is_one_save(editor_client):
    recommendation = RecommendationFactory(certainty=Certainty.VERY_LOW)
    study = study_with_a_finding(Certainty.MODERATE)
    url = change_url(recommendation)
    data = form_data(editor_client.get(url), certainty=Certainty.MODERATE)
    data["evidence-TOTAL_FORMS"] = "1"
    data |= evidence_row(0, study)

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    recommendation.refresh_from_db()
    assert recommendation.certainty == Certainty.MODERATE


def test_removing_the_evidence_a_certainty_rests_on_is_refused(editor_client):
    recommendation = RecommendationFactory(certainty=Certainty.LOW)
    evidence = RecommendationEvidenceFactory(
        recommendation=recommendation, study=study_with_a_finding(Certainty.LOW)
    )
    url = change_url(recommendation)
    data = form_data(editor_client.get(url), **{"evidence-0-DELETE": "on"})

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert_contains(response, CAP)
    assert_contains(response, "can be Very low at most")
    assert recommendation.evidence.get() == evidence


def test_the_interventions_chosen_on_the_form_count_toward_the_cap(editor_client):
    """A Summary of Findings row counts only for a practice the recommendation concerns."""
    practice = InterventionFactory()
    study = StudyFactory(appraised=True)
    InterventionStudyFactory(intervention=practice, study=study)  # evaluated it
    OutcomeFactory(study=study, intervention=practice, kirkpatrick_level="2a")
    practice.evidence_profile = {
        "effectiveness": [
            {"level": "2a", "certainty": "low", "studies": [{"slug": study.slug}]},
        ]
    }
    practice.save()
    without = new_recommendation(editor_client, [study], certainty=Certainty.LOW)

    refused = editor_client.post(add_url(), without)
    saved = editor_client.post(add_url(), without | {"interventions": [str(practice.pk)]})

    assert_contains(refused, CAP)
    assert saved.status_code == 302
    assert list(Recommendation.objects.get().interventions.all()) == [practice]


def test_the_effect_certainty_filter_lists_practices_by_their_answer(editor_client):
    evaluated = InterventionFactory(name="Evaluated practice")
    InterventionFactory(name="Described practice")
    Intervention.objects.filter(pk=evaluated.pk).update(computed_rating=EffectCertainty.LOW)
    url = reverse("admin:resources_intervention_changelist")

    response = editor_client.get(url, {"rating": EffectCertainty.NOT_EVALUATED})

    assert_contains(response, "Described practice")
    SimpleTestCase().assertNotContains(response, "Evaluated practice")
    assert_contains(response, "No evaluation yet")


def test_restoring_an_earlier_version_checks_the_stored_evidence(editor_client):
    """The history's restore form posts no evidence rows: the stored ones are checked."""
    recommendation = RecommendationFactory(status="draft", statement="Consider it.")
    first = recommendation.history.earliest()
    Recommendation.objects.filter(pk=recommendation.pk).update(statement="Consider it now.")
    url = reverse(
        "admin:resources_recommendation_simple_history",
        args=[recommendation.pk, first.history_id],
    )

    response = editor_client.post(url, form_data(editor_client.get(url)))

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.statement == "Consider it."
