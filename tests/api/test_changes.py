"""Versions through the API: numbers on records, change notes on publishing, a changes feed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from resources import versions, workflow
from resources.models import Certainty, EditorialStatus
from tests.factories import (
    InterventionFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommendation(editor):
    record = RecommendationFactory(
        slug="reverse-mentoring",
        status=EditorialStatus.IN_REVIEW,
        published_at=None,
        certainty=Certainty.LOW,
    )
    RecommendationEvidenceFactory(recommendation=record)
    workflow.transition(record, EditorialStatus.PUBLISHED, editor)
    return record


def test_records_carry_their_version_and_its_date(api, recommendation):
    record = api.get("/api/v1/recommendations/reverse-mentoring/").json()
    assert record["version"] == 1
    assert record["version_changed_at"]


def test_every_record_lists_its_versions_with_their_notes_and_addresses(
    api, editor, recommendation, visitor
):
    recommendation.statement = "We suggest reverse mentoring, with protected time."
    recommendation.save()
    versions.record_version(recommendation, note="Protected time added.", user=editor)

    record = api.get("/api/v1/recommendations/reverse-mentoring/").json()
    assert record["version"] == 2
    newest, first = record["versions"]
    assert (newest["number"], newest["note"], newest["major"]) == (2, "Protected time added.", True)
    assert newest["changes"][0].startswith("Statement reworded")
    assert newest["published_at"] == record["version_changed_at"]
    assert (first["number"], first["note"], first["major"]) == (1, versions.FIRST_NOTE, False)
    assert first["html_url"] == "http://testserver/recommendations/reverse-mentoring/versions/1/"
    assert visitor.get("/recommendations/reverse-mentoring/versions/1/").status_code == 200
    listed = api.get("/api/v1/recommendations/").json()["results"][0]
    assert listed["versions"] == record["versions"]

    for route, record in [
        ("studies", StudyFactory(slug="a-study")),
        ("interventions", InterventionFactory(slug="a-practice")),
        ("topics", TopicFactory(slug="a-topic")),
    ]:
        versions.record_version(record)
        [version] = api.get(f"/api/v1/{route}/{record.slug}/").json()["versions"]
        assert version["number"] == 1
        assert version["html_url"].endswith(f"/{route}/{record.slug}/versions/1/")


def test_the_schema_documents_the_versions_of_every_record(api):
    components = api.get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]
    version = components["Version"]["properties"]
    assert set(version) == {"number", "published_at", "major", "note", "changes", "html_url"}
    assert all(version[name].get("readOnly") for name in version)
    for record in ("Study", "Intervention", "Recommendation", "Topic"):
        properties = components[record]["properties"]
        assert properties["versions"]["items"] == {"$ref": "#/components/schemas/Version"}
        assert "newest first" in properties["versions"]["description"]
        assert properties["version"]["readOnly"] and properties["version_changed_at"]["readOnly"]


def test_an_editor_publishes_a_change_with_its_note_through_the_api(
    api, editor, editor_api, recommendation
):
    # withdrawn by the workflow itself: the API would refuse any write to a record whose
    # stored certainty (Low) is above what its evidence now allows, which this change fixes
    workflow.transition(recommendation, EditorialStatus.DRAFT, editor)
    response = editor_api.patch(
        "/api/v1/recommendations/reverse-mentoring/",
        {
            "certainty": "very_low",
            "status": "published",
            "change_note": "A second appraisal found serious risk of bias.",
            "major": True,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert api.get("/api/v1/recommendations/reverse-mentoring/").json()["version"] == 2

    changes = api.get("/api/v1/changes/").json()["results"]
    assert [(c["kind"], c["slug"], c["version"]) for c in changes] == [
        ("recommendation", "reverse-mentoring", 2),
        ("recommendation", "reverse-mentoring", 1),
    ]
    assert changes[0]["note"] == "A second appraisal found serious risk of bias."
    assert changes[0]["major"] is True
    assert changes[0]["changes"] == ["Certainty of evidence: Low → Very low"]
    assert changes[0]["record_url"].endswith("/api/v1/recommendations/reverse-mentoring/")


def test_a_bad_change_note_is_a_400(editor_api, recommendation):
    editor_api.patch(
        "/api/v1/recommendations/reverse-mentoring/", {"status": "draft"}, format="json"
    )
    response = editor_api.patch(
        "/api/v1/recommendations/reverse-mentoring/",
        {"status": "published", "major": "perhaps"},
        format="json",
    )
    assert response.status_code == 400


def test_changes_since_a_date_and_bad_dates(api, recommendation):
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    assert api.get(f"/api/v1/changes/?since={tomorrow}").json()["results"] == []
    today = timezone.now().date().isoformat()
    assert len(api.get(f"/api/v1/changes/?since={today}").json()["results"]) == 1
    assert api.get("/api/v1/changes/?since=yesterday").status_code == 400
    assert api.get("/api/v1/changes/?since=2026-13-45").status_code == 400


def test_changes_of_unpublished_records_stay_out(api, editor, recommendation):
    workflow.transition(recommendation, EditorialStatus.DRAFT, editor)
    assert api.get("/api/v1/changes/").json()["results"] == []


def test_the_api_root_links_the_changes_and_the_data_package(api):
    root = api.get("/api/v1/").json()
    assert root["changes"].endswith("/api/v1/changes/")
    assert root["data_package"].endswith("/data/datapackage.json")
