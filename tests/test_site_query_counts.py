"""Each public page runs a fixed number of queries, whatever the size of the library.

Every test builds the library at two sizes and expects the same count for both: an N+1
would make the larger one fail.
"""

import pytest

from resources import changes
from resources.models import Intervention
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyAuthorFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

SIZES = [3, 15]


def build_library(size):
    """`size` interventions, each with two studies (outcomes, findings, authors), all on
    one topic, and as many recommendations citing those studies."""
    topic = TopicFactory(slug="shared-topic")
    interventions = []
    for _ in range(size):
        intervention = InterventionFactory()
        intervention.topics.add(topic)
        recommendation = RecommendationFactory()
        recommendation.interventions.add(intervention)
        recommendation.topics.add(topic)
        for _ in range(2):
            link = InterventionStudyFactory(intervention=intervention)
            link.study.topics.add(topic)
            link.study.learner_levels.create(level="postgraduate")
            StudyAuthorFactory(study=link.study)
            OutcomeFactory(study=link.study, kirkpatrick_level="2b")
            FindingFactory(study=link.study, kirkpatrick_level="3")
            RecommendationEvidenceFactory(recommendation=recommendation, study=link.study)
        interventions.append(intervention)
    changes.rebuild()  # what a bulk load does: ratings, map cells, tallies, facet counts
    return interventions


@pytest.mark.parametrize("size", SIZES)
def test_home_page_query_count(visitor, django_assert_num_queries, size):
    build_library(size)
    # 4 counts; strongest interventions (their rows hold their evidence counts) + their
    # topics; recent studies + their authors; recent recommendations
    with django_assert_num_queries(9):
        assert visitor.get("/").status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_intervention_list_query_count(visitor, django_assert_num_queries, size):
    build_library(size)
    # topics for the filter's pick-list; count; the page of interventions (their rows
    # hold their evidence counts); their published topics; the facet counts: learner
    # levels without the learner-level filter, the other fixed choices in one aggregate,
    # topics grouped
    with django_assert_num_queries(7):
        assert visitor.get("/interventions/", {"learner_level": "postgraduate"}).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_intervention_page_query_count(visitor, django_assert_num_queries, size):
    intervention = build_library(size)[0]
    # the intervention (with its stored answers and evidence counts); its published
    # topics; its published recommendations; the newest links of studies that evaluated or
    # explored it, with studies; their learner levels; the studies that only describe it;
    # its Summary of Qualitative Findings (findings with their studies); related
    # interventions sharing a topic
    with django_assert_num_queries(8):
        assert visitor.get(intervention.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_recommendation_list_query_count(visitor, django_assert_num_queries, size):
    build_library(size)
    # topics and interventions for the filter's pick-lists; count; the page of
    # recommendations; their published interventions; the whole list's stored facet counts
    with django_assert_num_queries(6):
        assert visitor.get("/recommendations/").status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_recommendation_page_query_count(visitor, django_assert_num_queries, size):
    build_library(size)
    recommendation = RecommendationFactory()
    for intervention in InterventionFactory._meta.model.objects.all():
        recommendation.interventions.add(intervention)
        for link in intervention.study_links.all():
            RecommendationEvidenceFactory(recommendation=recommendation, study=link.study)
    # the recommendation; its published interventions with their stored answers; its
    # published evidence with studies; its published topics; its evidence profile, from
    # those: which of the practices' rows its appraised studies count toward, and those
    # studies' findings
    with django_assert_num_queries(6):
        assert visitor.get(recommendation.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_topic_page_query_count(visitor, django_assert_num_queries, size):
    build_library(size)
    # the topic (with its stored count of studies); the count of interventions and of
    # recommendations (the page shows the newest 20 of each kind and links to all N); the
    # newest of each kind; the interventions' published topics
    with django_assert_num_queries(7):
        assert visitor.get("/topics/shared-topic/").status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_evidence_map_query_count(visitor, django_assert_num_queries, size):
    build_library(size)
    # topics for the filter's pick-list; count; the page of published interventions;
    # their stored cells; the cells of all of them, counted for the gaps; the whole
    # list's stored facet counts
    with django_assert_num_queries(6):
        assert visitor.get("/evidence-map/").status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_feed_query_count(visitor, django_assert_num_queries, size):
    build_library(size)
    # the newest studies, interventions and recommendations
    with django_assert_num_queries(3):
        assert visitor.get("/feeds/latest/").status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_sitemap_query_count(visitor, django_assert_num_queries, size):
    build_library(size)
    # one count and one page per sitemap of records (interventions, studies,
    # recommendations, topics)
    with django_assert_num_queries(8):
        assert visitor.get("/sitemap.xml").status_code == 200


def test_an_interventions_links_are_sorted_without_the_studies_long_texts():
    """The newest links are found by sorting every link's row with its study's columns:
    a study's abstract and long texts in them made that twice as slow."""
    intervention = InterventionFactory()
    InterventionStudyFactory.create_batch(2, intervention=intervention)
    links = list(intervention.published_study_links("design"))
    assert len(links) == 2
    for link in links:
        assert {"abstract", "key_findings", "limitations"} <= link.study.get_deferred_fields()
        assert not {"slug", "title", "year", "design"} & link.study.get_deferred_fields()


def test_a_cards_answers_are_read_without_decoding_the_evidence_profile():
    """A card shows two values of the stored profile (the best CERQual confidence and the
    studies by what they did with it); the profile names tens of studies and their
    results, so the write stores the two beside it and a list leaves the profile behind."""
    intervention = build_library(1)[0]
    card = Intervention.objects.published().for_list().get(pk=intervention.pk)
    assert {"evidence_profile", "computed_rating_reasons"} <= card.get_deferred_fields()
    whole = Intervention.objects.get(pk=intervention.pk)
    assert whole.evidence_profile["links"]  # the rules have been applied
    assert card.profile_links == whole.evidence_profile["links"]
    assert card.profile_confidence == whole.evidence_profile["experience"]["confidence"]
    assert card.evidence_summary == whole.evidence_summary
