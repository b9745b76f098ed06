"""Curators' scripts write through the API, checked by the same model rules as the admin."""

import pytest
from django.core.exceptions import ValidationError

from resources.models import Outcome, Study, StudyAuthor
from tests.factories import (
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    StudyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

NEW_STUDY = {
    "title": "Reverse mentoring in a medical school",
    "slug": "reverse-mentoring",
    "year": 2024,
    "doi": "https://doi.org/10.1111/MEDU.70055",
    "design": "qualitative",
    "authors": [
        {"position": 1, "family_name": "Ahmed", "given_names": "Sara"},
        {"position": 2, "literal_name": "Student Collective"},
    ],
    "outcomes": [
        {
            "measure": "Staff awareness of barriers",
            "kirkpatrick_level": "2a",
            "intervention_value": "45",
            "comparison_value": "12",
            "unit": "%",
            "p_value": "0.01",
            "direction": "improved",
        }
    ],
    "findings": [{"statement": "Staff saw barriers they had not seen.", "confidence": "low"}],
    "learner_levels": ["undergraduate"],
}


def model_errors(instance, exclude=None) -> dict:
    """What the admin would say: the model's own full_clean() messages."""
    with pytest.raises(ValidationError) as caught:
        instance.full_clean(exclude=exclude)
    return caught.value.message_dict


def test_a_curator_token_creates_a_study_with_authors_and_outcomes(curator_api):
    response = curator_api.post("/api/v1/studies/", NEW_STUDY, format="json")

    assert response.status_code == 201, response.json()
    study = Study.objects.get(slug="reverse-mentoring")
    assert study.doi == "10.1111/medu.70055"  # normalised as the admin does
    assert [a.display_name for a in study.authors.all()] == ["Ahmed Sara", "Student Collective"]
    assert study.outcomes.get().p_value_display == "p = 0.01"
    assert study.findings.count() == 1
    assert list(study.learner_levels.values_list("level", flat=True)) == ["undergraduate"]
    assert study.status == "draft"
    assert response.json()["url"] == "http://testserver/api/v1/studies/reverse-mentoring/"


def test_a_new_draft_is_not_public_until_an_editor_publishes_it(curator_api, editor_api, api):
    curator_api.post("/api/v1/studies/", NEW_STUDY, format="json")
    assert api.get("/api/v1/studies/reverse-mentoring/").status_code == 404

    response = editor_api.patch(
        "/api/v1/studies/reverse-mentoring/", {"status": "published"}, format="json"
    )

    assert response.status_code == 200
    assert Study.objects.get().published_at is not None
    assert api.get("/api/v1/studies/reverse-mentoring/").status_code == 200


def test_an_update_replaces_the_authors_and_keeps_what_it_does_not_name(curator_api):
    curator_api.post("/api/v1/studies/", NEW_STUDY, format="json")
    response = curator_api.patch(
        "/api/v1/studies/reverse-mentoring/",
        {"authors": [{"position": 1, "family_name": "Okafor"}]},
        format="json",
    )
    assert response.status_code == 200
    assert list(StudyAuthor.objects.values_list("family_name", flat=True)) == ["Okafor"]
    assert Outcome.objects.count() == 1


def test_topics_are_set_by_slug(curator_api):
    TopicFactory(slug="mentorship")
    response = curator_api.post(
        "/api/v1/studies/", {**NEW_STUDY, "topics": ["mentorship"]}, format="json"
    )
    assert response.status_code == 201
    assert list(Study.objects.get().topics.values_list("slug", flat=True)) == ["mentorship"]


def test_a_curator_token_cannot_publish(curator_api):
    curator_api.post("/api/v1/studies/", NEW_STUDY, format="json")
    response = curator_api.patch(
        "/api/v1/studies/reverse-mentoring/", {"status": "published"}, format="json"
    )
    assert response.status_code == 403
    assert "publishing needs an editor" in response.json()["errors"]["detail"][0]
    assert Study.objects.get().status == "draft"


def test_a_curator_token_may_send_a_draft_to_review(curator_api):
    curator_api.post("/api/v1/studies/", NEW_STUDY, format="json")
    response = curator_api.patch(
        "/api/v1/studies/reverse-mentoring/", {"status": "in_review"}, format="json"
    )
    assert response.status_code == 200
    assert Study.objects.get().status == "in_review"


def test_publishing_an_unready_record_names_what_is_missing(editor_api):
    InterventionFactory(slug="lonely", status="draft")
    response = editor_api.patch(
        "/api/v1/interventions/lonely/", {"status": "published"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["status"] == ["it needs at least one linked published study"]


def test_publishing_a_study_refreshes_the_rating_of_its_interventions(editor_api):
    link = InterventionStudyFactory(study__status="draft", study__slug="pending")
    OutcomeFactory(study=link.study)  # an outcome of the practice it evaluated
    assert link.intervention.computed_rating == "not_evaluated"
    editor_api.patch("/api/v1/studies/pending/", {"status": "published"}, format="json")
    link.intervention.refresh_from_db()
    assert link.intervention.computed_rating == "very_low"  # non-randomised, numbers unreported


# The admin's rules, with the admin's words ---------------------------------------------


def test_a_malformed_doi_gets_the_admins_message(curator_api):
    response = curator_api.post(
        "/api/v1/studies/", {**NEW_STUDY, "doi": "not a doi"}, format="json"
    )
    assert response.status_code == 400
    expected = model_errors(Study(title="t", slug="t", doi="not a doi"))["doi"]
    assert response.json()["errors"]["doi"] == expected


def test_a_duplicate_doi_gets_the_admins_message(curator_api):
    StudyFactory(doi="10.1111/medu.70055")
    response = curator_api.post("/api/v1/studies/", NEW_STUDY, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == ["Another study already has this DOI."]


def test_an_appraised_study_without_its_appraisal_gets_the_admins_messages(curator_api):
    payload = {**NEW_STUDY, "appraisal_status": "appraised"}
    response = curator_api.post("/api/v1/studies/", payload, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    expected = model_errors(
        Study(title="t", slug="t", design="qualitative", appraisal_status="appraised")
    )
    assert errors["appraisal_tool"] == expected["appraisal_tool"]
    assert errors["risk_of_bias"] == expected["risk_of_bias"]


def test_a_score_above_the_tools_maximum_is_refused(curator_api):
    payload = {**NEW_STUDY, "appraisal_score": "20", "appraisal_score_max": "18"}
    response = curator_api.post("/api/v1/studies/", payload, format="json")
    assert response.json()["errors"]["appraisal_score"] == [
        "The score is higher than the tool's maximum."
    ]


def test_a_p_value_above_one_is_refused_on_its_outcome(curator_api):
    outcome = {**NEW_STUDY["outcomes"][0], "p_value": "1.5"}
    response = curator_api.post(
        "/api/v1/studies/", {**NEW_STUDY, "outcomes": [outcome]}, format="json"
    )
    assert response.status_code == 400
    expected = model_errors(Outcome(**{**outcome, "p_value": 1.5}), exclude=["study"])["p_value"]
    assert response.json()["errors"]["outcomes"]["0"]["p_value"] == expected


def test_an_unknown_kirkpatrick_level_is_refused(curator_api):
    outcome = {**NEW_STUDY["outcomes"][0], "kirkpatrick_level": "5"}
    response = curator_api.post(
        "/api/v1/studies/", {**NEW_STUDY, "outcomes": [outcome]}, format="json"
    )
    assert response.status_code == 400
    assert "kirkpatrick_level" in response.json()["errors"]["outcomes"]["0"]


def test_an_author_without_a_name_gets_the_admins_message(curator_api):
    payload = {**NEW_STUDY, "authors": [{"position": 1, "given_names": "Sara"}]}
    response = curator_api.post("/api/v1/studies/", payload, format="json")
    assert response.status_code == 400
    expected = model_errors(StudyAuthor(position=1, given_names="Sara"), exclude=["study"])
    assert response.json()["errors"]["authors"][0]["non_field_errors"] == expected["__all__"]


def test_two_authors_cannot_share_a_position(curator_api):
    payload = {
        **NEW_STUDY,
        "authors": [{"position": 1, "family_name": "A"}, {"position": 1, "family_name": "B"}],
    }
    response = curator_api.post("/api/v1/studies/", payload, format="json")
    assert response.json()["errors"]["authors"][1]["position"] == [
        "Another row already has this position."
    ]


def test_a_rating_override_needs_a_justification(curator_api):
    curator_api.post(
        "/api/v1/interventions/",
        {"name": "Mentoring", "slug": "m", "intervention_type": "mentoring", "summary": "s"},
        format="json",
    )
    response = curator_api.patch(
        "/api/v1/interventions/m/", {"rating_override": "high"}, format="json"
    )
    assert response.status_code == 400
    assert "rating_override_justification" in response.json()["errors"]
