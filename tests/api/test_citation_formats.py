"""A study, or a filtered page of studies, as RIS, BibTeX or CSL-JSON: by Accept or ?format=."""

import json

import pytest

from resources import exports
from resources.models import Study
from tests.factories import StudyAuthorFactory, StudyFactory, TopicFactory

pytestmark = pytest.mark.django_db

FORMATS = [
    ("ris", "application/x-research-info-systems"),
    ("bibtex", "application/x-bibtex"),
    ("csl-json", "application/vnd.citationstyles.csl+json"),
]


@pytest.fixture
def study(db):
    study = StudyFactory(slug="reverse-mentoring", title="Reverse mentoring", doi="10.1/abc")
    StudyAuthorFactory(study=study, family_name="Ahmed", given_names="Sara")
    return study


@pytest.mark.parametrize(("name", "media_type"), FORMATS)
def test_a_study_by_format_parameter_is_the_export_of_that_study(api, study, name, media_type):
    response = api.get("/api/v1/studies/reverse-mentoring/", {"format": name})
    assert response.status_code == 200
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    expected = exports.FORMATS[name].function(Study.objects.for_list().filter(pk=study.pk))
    assert response.content.decode() == expected


@pytest.mark.parametrize(("name", "media_type"), FORMATS)
def test_a_study_by_accept_header(api, study, name, media_type):
    response = api.get("/api/v1/studies/reverse-mentoring/", HTTP_ACCEPT=media_type)
    assert response["Content-Type"].startswith(media_type)
    assert "Ahmed" in response.content.decode()


def test_a_filtered_list_as_ris_holds_only_the_matching_published_studies(api, study):
    topic = TopicFactory(slug="mentorship")
    study.topics.add(topic)
    StudyFactory(title="Not on the topic")
    StudyFactory(title="A draft on the topic", status="draft").topics.add(topic)

    ris = api.get("/api/v1/studies/", {"format": "ris", "topic": "mentorship"}).content.decode()

    assert "TI  - Reverse mentoring" in ris
    assert "Not on the topic" not in ris
    assert "A draft" not in ris


@pytest.mark.parametrize(("name", "media_type"), FORMATS)
def test_drafts_never_appear_in_a_citation_format(api, name, media_type):
    StudyFactory(title="Secret draft", slug="secret", status="draft")
    assert "Secret draft" not in api.get("/api/v1/studies/", {"format": name}).content.decode()
    response = api.get("/api/v1/studies/secret/", {"format": name})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_csl_json_of_a_list_is_an_array_of_items(api, study):
    items = json.loads(api.get("/api/v1/studies/", {"format": "csl-json"}).content)
    assert [item["title"] for item in items] == ["Reverse mentoring"]
    assert items[0]["author"] == [{"family": "Ahmed", "given": "Sara"}]


def test_a_list_export_follows_the_pagination(api):
    StudyFactory.create_batch(3)
    items = json.loads(api.get("/api/v1/studies/", {"format": "csl-json", "page_size": 2}).content)
    assert len(items) == 2
