"""Every list of studies exports in four formats, named after what it holds, and the files
parse back with the libraries reference managers' importers follow."""

import csv
import io
import json

import bibtexparser
import pytest
import rispy
from django.urls import reverse

from resources import search, tallies
from resources.models import EvidenceRelation
from resources.rating import refresh_rating
from tests.factories import (
    InterventionFactory,
    InterventionStudyFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyAuthorFactory,
    StudyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(time_machine):
    time_machine.move_to("2026-12-07 12:00:00+00:00", tick=False)


@pytest.fixture
def topic():
    topic = TopicFactory(slug="anti-racism", name="Anti-racism")
    for number in range(3):
        study = StudyFactory(title=f"Study {number} of anti-racism", slug=f"anti-racism-{number}")
        StudyAuthorFactory(study=study, position=1, family_name="Wyatt", given_names="T R")
        study.topics.add(topic)
    StudyFactory(title="A study on another topic")
    tallies.recount_studies()  # the topic page reads its stored count
    return topic


def _export(client, **params):
    return client.get(reverse("resources:study-export"), params)


def test_a_topics_studies_export_under_a_name_that_says_so(visitor, topic, clock):
    response = _export(visitor, format="ris", topic="anti-racism")
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="studies-topic-anti-racism-2026-12-07.ris"'


def test_the_name_follows_the_filters_order_not_the_addresss(visitor, topic, clock):
    one = _export(visitor, format="csv", topic="anti-racism", q="mentoring")
    other = _export(visitor, q="mentoring", format="csv", topic="anti-racism")
    assert one["Content-Disposition"] == other["Content-Disposition"]
    assert "studies-search-mentoring-topic-anti-racism-2026-12-07.csv" in one["Content-Disposition"]


def test_the_whole_library_is_just_studies(visitor, topic, clock):
    response = _export(visitor, format="bibtex", page="2", sort="-year")
    assert 'filename="studies-2026-12-07.bib"' in response["Content-Disposition"]


def test_ris_holds_records_and_nothing_else(visitor, topic):
    text = _export(visitor, format="ris", topic="anti-racism").content.decode()
    assert text.startswith("TY  - ")
    assert not any(line.rstrip(".").isdigit() for line in text.splitlines())
    assert len(rispy.loads(text)) == 3


@pytest.mark.parametrize("export_format", ["ris", "bibtex", "csv", "csl-json"])
def test_each_format_parses_back_with_every_study(visitor, topic, export_format):
    text = _export(visitor, format=export_format, topic="anti-racism").content.decode()
    if export_format == "ris":
        titles = [entry["title"] for entry in rispy.loads(text)]
    elif export_format == "bibtex":
        library = bibtexparser.parse_string(text)
        assert not library.failed_blocks
        titles = [entry["title"] for entry in library.entries]
    elif export_format == "csv":
        titles = [row["title"] for row in csv.DictReader(io.StringIO(text))]
    else:
        titles = [item["title"] for item in json.loads(text)]
    assert sorted(titles) == [f"Study {n} of anti-racism" for n in range(3)]


def test_a_topic_page_offers_its_studies_as_files(visitor, topic):
    response = visitor.get(topic.get_absolute_url())
    assert "?format=ris&amp;topic=anti-racism" in response.content.decode()
    assert "Export the studies on this topic" in response.content.decode()


def test_a_practices_page_offers_its_studies_as_files(visitor):
    intervention = InterventionFactory(slug="reverse-mentoring")
    InterventionStudyFactory(intervention=intervention)
    refresh_rating(intervention)  # the page reads its stored count of studies
    response = visitor.get(intervention.get_absolute_url())
    assert "?format=bibtex&amp;intervention=reverse-mentoring" in response.content.decode()


def test_a_recommendations_evidence_exports_exactly_its_studies(visitor):
    recommendation = RecommendationFactory(slug="evaluate-programmes")
    cited = StudyFactory(title="The evidence")
    StudyFactory(title="Not the evidence")
    RecommendationEvidenceFactory(
        recommendation=recommendation, study=cited, relation=EvidenceRelation.SUPPORTS
    )
    page = visitor.get(recommendation.get_absolute_url()).content.decode()
    assert "?format=csl-json&amp;recommendation=evaluate-programmes" in page
    items = json.loads(
        _export(visitor, format="csl-json", recommendation="evaluate-programmes").content
    )
    assert [item["title"] for item in items] == ["The evidence"]


def test_search_results_offer_the_matching_studies_as_files(visitor, topic, clock):
    search.reindex_all()
    page = visitor.get("/search/", {"q": "anti-racism"}).content.decode()
    assert "Export every matching study" in page
    assert "/studies/export/?format=ris&amp;q=anti-racism" in page
    exported = _export(visitor, format="ris", q="anti-racism")
    assert 'filename="studies-search-anti-racism-2026-12-07.ris"' in exported["Content-Disposition"]
    assert len(rispy.loads(exported.content.decode())) == 3


def test_an_empty_list_offers_nothing_to_export(visitor):
    topic = TopicFactory(slug="empty-topic")
    assert (
        "Export the studies on this topic"
        not in visitor.get(topic.get_absolute_url()).content.decode()
    )
