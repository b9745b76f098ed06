"""Through the API too, a curator's change to a published record waits for an editor."""

import pytest

from resources.models import Revision, Study
from tests.factories import InterventionFactory, StudyAuthorFactory, StudyFactory

pytestmark = pytest.mark.django_db


def test_a_curators_patch_to_a_published_study_answers_202_with_the_revision(curator_api, api):
    study = StudyFactory(slug="mentoring", title="The published wording")

    response = curator_api.patch(
        "/api/v1/studies/mentoring/", {"title": "A proposed wording"}, format="json"
    )

    assert response.status_code == 202, response.json()
    revision = Revision.objects.get()
    body = response.json()
    assert (
        response["Location"] == body["url"] == f"http://testserver/api/v1/revisions/{revision.pk}/"
    )
    assert (body["status"], body["author"], body["kind"]) == ("pending", "curator", "study")
    assert body["changes"] == [
        {
            "label": "Title",
            "published": ["The published wording"],
            "proposed": ["A proposed wording"],
        }
    ]
    study.refresh_from_db()
    assert study.title == "The published wording"
    assert api.get("/api/v1/studies/mentoring/").json()["title"] == "The published wording"


def test_a_curators_put_with_new_authors_keeps_them_in_the_revision(curator_api):
    study = StudyFactory(slug="mentoring")
    StudyAuthorFactory(study=study, position=1, family_name="Wyatt")
    record = curator_api.get("/api/v1/studies/mentoring/").json()
    writable = {
        name: record[name]
        for name in ("slug", "title", "year", "design", "status", "topics", "countries")
    }
    writable["authors"] = [{"position": 1, "family_name": "Rockich", "given_names": "K"}]

    response = curator_api.put("/api/v1/studies/mentoring/", writable, format="json")

    assert response.status_code == 202, response.json()
    assert Revision.objects.get().data["rows"]["authors"][0]["family_name"] == "Rockich"
    assert study.authors.get().family_name == "Wyatt"


def test_an_unchanged_put_makes_no_revision(curator_api):
    StudyFactory(slug="mentoring")
    response = curator_api.patch("/api/v1/studies/mentoring/", {}, format="json")
    assert response.status_code == 200
    assert not Revision.objects.exists()


def test_an_invalid_change_is_a_400_and_makes_no_revision(curator_api):
    StudyFactory(slug="mentoring")
    response = curator_api.patch("/api/v1/studies/mentoring/", {"year": 1200}, format="json")
    assert response.status_code == 400
    assert not Revision.objects.exists()


def test_a_curator_cannot_unpublish_through_a_revision(curator_api):
    StudyFactory(slug="mentoring")
    response = curator_api.patch("/api/v1/studies/mentoring/", {"status": "draft"}, format="json")
    assert response.status_code == 403
    assert not Revision.objects.exists()


def test_an_editors_patch_goes_straight_in(editor_api):
    StudyFactory(slug="mentoring")
    response = editor_api.patch("/api/v1/studies/mentoring/", {"title": "New"}, format="json")
    assert response.status_code == 200
    assert Study.objects.get().title == "New"


def test_a_curator_cannot_change_a_rating_override_even_on_a_draft(curator_api):
    InterventionFactory(slug="mentoring", status="draft", published_at=None)
    response = curator_api.patch(
        "/api/v1/interventions/mentoring/",
        {"rating_override": "high", "rating_override_justification": "Because."},
        format="json",
    )
    assert response.status_code == 403
    assert "Only an editor" in str(response.json())


def test_an_editor_publishes_a_revision_with_a_note(curator_api, editor_api, api):
    study = StudyFactory(slug="mentoring", title="The published wording")
    url = curator_api.patch(
        "/api/v1/studies/mentoring/", {"title": "A proposed wording"}, format="json"
    )["Location"]

    assert curator_api.post(f"{url}publish/", {}, format="json").status_code == 403
    response = editor_api.post(
        f"{url}publish/", {"note": "As printed.", "major": True}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["reviewer"]) == ("published", "editor")
    assert api.get("/api/v1/studies/mentoring/").json()["title"] == "A proposed wording"
    assert "As printed." in study.history.first().history_change_reason
    again = editor_api.post(f"{url}publish/", {}, format="json")
    assert again.status_code == 400


def test_an_editor_rejects_a_revision_saying_why(curator_api, editor_api):
    StudyFactory(slug="mentoring", title="The published wording")
    url = curator_api.patch(
        "/api/v1/studies/mentoring/", {"title": "A proposed wording"}, format="json"
    )["Location"]

    assert editor_api.post(f"{url}reject/", {}, format="json").status_code == 400
    response = editor_api.post(f"{url}reject/", {"note": "Not in the source."}, format="json")

    assert response.json()["status"] == "rejected"
    assert Study.objects.get().title == "The published wording"
    assert curator_api.get(url).json()["note"] == "Not in the source."


def test_revisions_are_not_the_publics(api, read_only_api, curator_api):
    StudyFactory(slug="mentoring")
    url = curator_api.patch("/api/v1/studies/mentoring/", {"title": "New"}, format="json")[
        "Location"
    ]
    assert api.get("/api/v1/revisions/").status_code in (401, 403)
    assert api.get(url).status_code in (401, 403)
    assert read_only_api.post(f"{url}reject/", {"note": "x"}, format="json").status_code == 403
    assert curator_api.get("/api/v1/revisions/?status=pending").json()["count"] == 1
    assert curator_api.get("/api/v1/revisions/?status=nonsense").status_code == 400
