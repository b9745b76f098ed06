"""The API carries every evidence judgement the pages show, and its schema documents each:
what a study did with a practice, GRADE certainty per outcome level with its reasons,
each finding's GRADE-CERQual components and reasons, and a recommendation's layers."""

import pytest

from resources.certainty import DOWNGRADE_STUDIES, ROW_STUDIES, cite
from resources.models import Certainty, Concern, Intervention
from resources.rating import refresh_rating
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api):
    return api.get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]


def properties(schema, name) -> set[str]:
    return set(schema[name]["properties"])


def test_a_finding_gives_its_four_components_and_the_reasons_for_its_confidence(api):
    finding = FindingFactory(
        study__slug="collectives", adequacy=Concern.MODERATE, coherence=Concern.MINOR
    )
    (row,) = api.get("/api/v1/studies/collectives/").json()["findings"]

    assert (row["adequacy"], row["coherence"]) == ("moderate", "minor")
    assert row["confidence"] == "moderate"
    assert row["confidence_reasons"] == finding.assessment.reasons
    down = "Rated down one level for moderate concerns about adequacy of data."
    assert down in row["confidence_reasons"]


def test_a_recommendation_gives_its_key_information(api):
    RecommendationFactory(
        slug="offer-collectives",
        benefits_and_harms="Trainees reported feeling less alone; no harms were reported.",
        values_and_preferences="Some trainees wanted more coordination than others.",
        practical_considerations="Needs protected time and a place to meet.",
    )
    body = api.get("/api/v1/recommendations/offer-collectives/").json()
    assert body["benefits_and_harms"].startswith("Trainees reported feeling less alone")
    assert body["values_and_preferences"].startswith("Some trainees wanted")
    assert body["practical_considerations"] == "Needs protected time and a place to meet."


def test_a_curator_writes_a_recommendations_key_information(curator_api):
    response = curator_api.post(
        "/api/v1/recommendations/",
        {
            "title": "Offer collectives",
            "slug": "offer-collectives",
            "statement": "Consider making room for trainee collectives.",
            "rationale": "One qualitative study.",
            "audience": "institutions",
            "strength": "conditional",
            "certainty": "very_low",
            "values_and_preferences": "Some trainees wanted more coordination than others.",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["values_and_preferences"].startswith("Some trainees wanted")
    assert response.json()["benefits_and_harms"] == ""


def test_a_recommendations_evidence_profile_gives_its_rows_findings_and_ceiling(api):
    link = InterventionStudyFactory(intervention__slug="mentoring")
    OutcomeFactory(study=link.study, kirkpatrick_level="2a")
    FindingFactory(study=link.study, position=1, confidence=Certainty.LOW)
    refresh_rating(link.intervention)
    recommendation = RecommendationFactory(slug="offer-mentoring")
    recommendation.interventions.add(link.intervention)
    RecommendationEvidenceFactory(recommendation=recommendation, study=link.study)

    profile = api.get("/api/v1/recommendations/offer-mentoring/").json()["evidence_profile"]
    listed = api.get("/api/v1/recommendations/").json()["results"][0]

    (row,) = profile["effectiveness"]
    assert (row["intervention"], row["level"], row["certainty"]) == ("mentoring", "2a", "very_low")
    assert row["downgrades"] and row["start"].startswith("Starts Low")
    assert profile["findings"] == [
        {
            "study": link.study.slug,
            "position": 1,
            "statement": link.study.findings.get().statement,
            "confidence": "low",
        }
    ]
    assert profile["certainty_ceiling"] == "low"
    assert "Low" in profile["ceiling_reason"]
    assert "evidence_profile" not in listed  # a page of the list leaves it to the record


def test_a_practices_evidence_profile_names_some_studies_and_counts_them_all(api, monkeypatch):
    """Its lists of studies are bounded; each count gives them all; `studies_url` lists them."""
    monkeypatch.setattr("resources.certainty.ROW_STUDIES", 2)
    monkeypatch.setattr("resources.certainty.DOWNGRADE_STUDIES", 1)
    practice = InterventionFactory(slug="mentoring")
    for size in (10, 20, 30):
        link = InterventionStudyFactory(intervention=practice, study__sample_size=size)
        OutcomeFactory(study=link.study, kirkpatrick_level="2a")
        FindingFactory(study=link.study, confidence=Certainty.LOW)
    for _ in range(3):
        InterventionStudyFactory(intervention=practice, study__appraisal_status="not_appraised")
    refresh_rating(practice)

    body = api.get("/api/v1/interventions/mentoring/").json()
    profile = body["evidence_profile"]

    (row,) = profile["effectiveness"]
    assert (len(row["studies"]), row["study_count"]) == (2, 3)
    assert (len(row["outcomes"]), row["outcome_count"]) == (2, 3)
    assert [(len(d["studies"]), d["study_count"]) for d in row["downgrades"]] == [(1, 3)]
    experience = profile["experience"]
    assert (len(experience["studies"]), experience["study_count"]) == (2, 3)
    assert (len(profile["waiting"]), profile["waiting_count"]) == (2, 3)
    assert api.get(body["studies_url"]).json()["count"] == 6


def test_a_page_of_practices_gives_both_answers_and_leaves_the_profile_to_each_record(api):
    practice = InterventionFactory(slug="mentoring")
    link = InterventionStudyFactory(intervention=practice)
    OutcomeFactory(study=link.study, kirkpatrick_level="2a")
    FindingFactory(study=link.study, confidence=Certainty.LOW)
    refresh_rating(practice)
    record = api.get("/api/v1/interventions/mentoring/").json()

    (listed,) = api.get("/api/v1/interventions/").json()["results"]

    assert (listed["rating"], listed["confidence"]) == (record["rating"], "low")
    assert listed["confidence"] == record["evidence_profile"]["experience"]["confidence"]
    assert "evidence_profile" not in listed and "computed_rating_reasons" not in listed
    assert listed["url"].endswith("/api/v1/interventions/mentoring/")
    assert {name: record[name] for name in listed if name != "confidence"} == {
        name: value for name, value in listed.items() if name != "confidence"
    }


def test_a_profile_stored_before_the_bound_counts_its_lists(api):
    """Until a rebuild or a save recomputes it, its lists hold every study: their length."""
    link = InterventionStudyFactory(intervention__slug="mentoring")
    Intervention.objects.filter(pk=link.intervention_id).update(
        evidence_profile={
            "effectiveness": [
                {
                    "level": "2a",
                    "level_label": "2a",
                    "certainty": "low",
                    "certainty_label": "Low",
                    "start": "Starts Low.",
                    "downgrades": [],
                    "studies": [cite(link.study)],
                    "participants": None,
                    "outcomes": [],
                }
            ],
            "waiting": [cite(link.study)],
        }
    )
    profile = api.get("/api/v1/interventions/mentoring/").json()["evidence_profile"]
    (row,) = profile["effectiveness"]
    assert (row["study_count"], row["outcome_count"], profile["waiting_count"]) == (1, 0, 1)
    assert profile["experience"]["study_count"] == 0


def test_the_schema_documents_every_evidence_judgement(schema):
    link = {"link_type", "what_it_found", "direction", "indirectness", "indirectness_note"}
    assert link <= properties(schema, "InterventionStudyLink")
    assert link <= properties(schema, "StudyInterventionLink")
    assert {
        "level",
        "certainty",
        "start",
        "downgrades",
        "studies",
        "study_count",
        "participants",
        "outcomes",
        "outcome_count",
    } <= properties(schema, "OutcomeCertainty")
    assert {"domain", "levels", "text", "studies", "study_count"} <= properties(schema, "Downgrade")
    assert {"studies", "study_count"} <= properties(schema, "Experience")
    assert {"waiting", "waiting_count"} <= properties(schema, "EvidenceProfile")
    assert {
        "methodological_limitations",
        "methodological_limitations_explanation",
        "coherence",
        "coherence_explanation",
        "adequacy",
        "adequacy_explanation",
        "relevance",
        "relevance_explanation",
        "confidence",
        "confidence_reasons",
    } <= properties(schema, "Finding")
    assert {
        "statement",
        "strength",
        "certainty",
        "benefits_and_harms",
        "values_and_preferences",
        "practical_considerations",
        "rationale",
        "evidence_profile",
    } <= properties(schema, "Recommendation")
    assert {"certainty_ceiling", "ceiling_reason", "effectiveness", "findings"} <= (
        properties(schema, "RecommendationProfile")
    )


def test_the_schema_says_how_many_studies_a_profiles_lists_hold_and_where_the_rest_are(schema):
    row = schema["OutcomeCertainty"]["properties"]
    downgrade = schema["Downgrade"]["properties"]
    experience = schema["Experience"]["properties"]
    waiting = schema["EvidenceProfile"]["properties"]["waiting"]
    for field, bound in [
        (row["studies"], ROW_STUDIES),
        (downgrade["studies"], DOWNGRADE_STUDIES),
        (experience["studies"], ROW_STUDIES),
        (waiting, ROW_STUDIES),
    ]:
        assert f"at most {bound}" in field["description"]
        assert "studies_url" in field["description"]
    for total in (row["study_count"], row["outcome_count"], downgrade["study_count"]):
        assert total["type"] == "integer" and total["readOnly"]


def test_the_schema_describes_the_link_types_and_component_judgements(schema):
    link_type = schema["InterventionStudyLink"]["properties"]["link_type"]
    assert set(resolve(schema, link_type)["enum"]) == {"evaluated", "explored", "described"}
    adequacy = schema["Finding"]["properties"]["adequacy"]
    assert {"none", "minor", "moderate", "serious"} <= set(resolve(schema, adequacy)["enum"])


def resolve(schema, field: dict) -> dict:
    """A property's enum, where drf-spectacular moved it into a component of its own."""
    for part in [field, *field.get("allOf", []), *field.get("oneOf", [])]:
        if "$ref" in part:
            return schema[part["$ref"].rsplit("/", 1)[1]]
        if "enum" in part:
            return part
    raise AssertionError(field)


def test_a_new_recommendation_written_through_the_api_claims_no_more_than_very_low(curator_api):
    """Its evidence rows are written in the admin: until then it rests on nothing."""
    response = curator_api.post(
        "/api/v1/recommendations/",
        {
            "title": "Offer collectives",
            "slug": "offer-collectives",
            "statement": "Consider making room for trainee collectives.",
            "rationale": "One qualitative study.",
            "audience": "institutions",
            "strength": "conditional",
            "certainty": "high",
        },
        format="json",
    )
    assert response.status_code == 400
    (message,) = response.json()["errors"]["certainty"]
    assert message.startswith("Its certainty cannot exceed that of its evidence")


def test_the_interventions_sent_with_a_recommendation_bound_its_certainty(editor_api):
    """A Summary of Findings row counts only for a practice the recommendation concerns."""
    link = InterventionStudyFactory(intervention__slug="mentoring")
    OutcomeFactory(study=link.study, kirkpatrick_level="2a")
    refresh_rating(link.intervention)  # one row: Very low
    Intervention.objects.filter(pk=link.intervention_id).update(
        evidence_profile={
            "effectiveness": [{"level": "2a", "certainty": "low", "studies": [cite(link.study)]}]
        }
    )
    recommendation = RecommendationFactory(slug="offer-mentoring", status="draft")
    RecommendationEvidenceFactory(recommendation=recommendation, study=link.study)
    url = "/api/v1/recommendations/offer-mentoring/"

    alone = editor_api.patch(url, {"certainty": "low"}, format="json")
    with_practice = editor_api.patch(
        url, {"certainty": "low", "interventions": ["mentoring"]}, format="json"
    )

    assert alone.status_code == 400
    assert with_practice.status_code == 200, with_practice.json()
    recommendation.refresh_from_db()
    assert recommendation.certainty == "low"


def test_a_link_gives_the_curators_indirectness_judgement(api):
    link = InterventionStudyFactory(
        intervention__slug="mentoring",
        study__slug="shahzad",
        indirectness="serious",
        indirectness_note="The study does not name its intervention.",
    )
    (row,) = api.get("/api/v1/interventions/mentoring/studies/").json()["results"]
    (from_study,) = api.get("/api/v1/studies/shahzad/").json()["interventions"]
    for shown in (row, from_study):
        assert shown["indirectness"] == "serious"
        assert shown["indirectness_note"] == link.indirectness_note
