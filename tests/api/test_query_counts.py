"""A page of the API costs the same number of queries whatever its size."""

import pytest
from django.db import models
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from resources import versions
from resources.api.views import (
    InterventionViewSet,
    RecommendationViewSet,
    StudyViewSet,
    TopicViewSet,
)
from resources.rating import refresh_rating
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyAuthorFactory,
    StudyFactory,
    StudyReferenceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

LAST_MODIFIED = 1  # when the library last changed, as stored


@pytest.fixture
def library(db):
    topic = TopicFactory()
    for _ in range(50):
        study = StudyFactory(appraised=True)
        study.topics.add(topic)
        StudyAuthorFactory(study=study)
        StudyAuthorFactory(study=study)
        OutcomeFactory(study=study)
        FindingFactory(study=study)
        study.risk_of_bias_domains.create(domain="selection", judgement="high")
        StudyReferenceFactory(citing=study)
        link = InterventionStudyFactory(study=study)
        link.intervention.topics.add(topic)
        evidence = RecommendationEvidenceFactory(study=study)
        evidence.recommendation.interventions.add(link.intervention)
        evidence.recommendation.topics.add(topic)
        for record in (study, link.intervention, evidence.recommendation):
            versions.record_version(record)
            versions.record_version(record, note="Reworded.")  # two versions each
    versions.record_version(topic)


def queries_for(client, django_assert_num_queries, path, expected):
    for page_size in (5, 50):
        with django_assert_num_queries(expected):
            response = client.get(path, {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size


def test_studies(api, library, django_assert_num_queries):
    # count, page, then authors and topics (a listed study is a summary: the rest of its
    # record is on its own URL); then Last-Modified
    queries_for(api, django_assert_num_queries, "/api/v1/studies/", 2 + 2 + LAST_MODIFIED)


def test_interventions(api, library, django_assert_num_queries):
    # count, page (each row holds its studies counted by design; its studies are a list
    # of their own), topics, recommendations, versions
    queries_for(api, django_assert_num_queries, "/api/v1/interventions/", 2 + 3 + LAST_MODIFIED)


def test_topics(api, library, django_assert_num_queries):
    # count, page, versions; then Last-Modified
    with django_assert_num_queries(2 + 1 + LAST_MODIFIED):
        response = api.get("/api/v1/topics/")
    [topic] = response.json()["results"]
    assert [version["number"] for version in topic["versions"]] == [1]


def test_recommendations(api, library, django_assert_num_queries):
    # count, page (with its published evidence counted), interventions, topics, versions
    queries_for(api, django_assert_num_queries, "/api/v1/recommendations/", 2 + 3 + LAST_MODIFIED)


def test_citation_formats(api, library, django_assert_num_queries):
    # count, page, then what a reference file holds: authors, learner levels, countries,
    # topics; then Last-Modified
    for page_size in (5, 50):
        with django_assert_num_queries(2 + 4 + LAST_MODIFIED):
            response = api.get("/api/v1/studies/", {"page_size": page_size, "format": "ris"})
        assert response.content.decode().count("ER  -") == page_size


@pytest.mark.parametrize("studies", [3, 30])
def test_an_intervention_costs_the_same_however_many_studies_it_rests_on(
    api, studies, django_assert_num_queries
):
    intervention = InterventionFactory(slug="practice")
    InterventionStudyFactory.create_batch(studies, intervention=intervention)
    refresh_rating(intervention)

    # the intervention (with its studies counted by design), topics, recommendations,
    # versions
    with django_assert_num_queries(1 + 3 + LAST_MODIFIED):
        response = api.get("/api/v1/interventions/practice/")
    assert response.json()["evidence"]["studies"] == studies


@pytest.mark.parametrize("studies", [3, 30])
def test_a_recommendation_costs_the_same_however_many_studies_it_rests_on(
    api, studies, django_assert_num_queries
):
    practice = InterventionFactory()
    recommendation = RecommendationFactory(slug="advice")
    recommendation.interventions.add(practice)
    for _ in range(studies):
        link = InterventionStudyFactory(intervention=practice)
        OutcomeFactory(study=link.study, intervention=practice)
        FindingFactory(study=link.study)
        RecommendationEvidenceFactory(recommendation=recommendation, study=link.study)
    refresh_rating(practice)

    # the recommendation; its topics; its practices with their stored answers; its
    # evidence with each study; its versions; then its evidence profile, read from those:
    # which of the practices' rows its studies count toward, and their findings
    with django_assert_num_queries(1 + 4 + 2 + LAST_MODIFIED):
        response = api.get("/api/v1/recommendations/advice/")
    record = response.json()
    assert len(record["evidence"]) == len(record["evidence_profile"]["findings"]) == studies
    assert [row["level"] for row in record["evidence_profile"]["effectiveness"]] == ["2a"]


@pytest.mark.parametrize("studies", [3, 30])
def test_a_page_of_an_interventions_studies_costs_the_same_however_many_there_are(
    api, studies, django_assert_num_queries
):
    intervention = InterventionFactory(slug="practice")
    InterventionStudyFactory.create_batch(studies, intervention=intervention)

    # the intervention, then count and page of its links with their studies
    with django_assert_num_queries(1 + 2 + LAST_MODIFIED):
        response = api.get("/api/v1/interventions/practice/studies/", {"page_size": 3})
    assert len(response.json()["results"]) == 3


@pytest.mark.parametrize("links", [1, 6])
def test_a_study_costs_the_same_however_many_studies_it_cites_or_are_citing_it(
    api, links, django_assert_num_queries
):
    study = StudyFactory(slug="cited-and-citing")
    for _ in range(links):
        StudyAuthorFactory(study=StudyReferenceFactory(citing=study).cited)
        StudyAuthorFactory(study=StudyReferenceFactory(cited=study).citing)

    # the study (with its citers counted); its authors, learner levels, countries, topics,
    # outcomes, findings, risk of bias domains, intervention links, recommendation
    # evidence, versions; its references with the studies cited; the newest citing it
    # (named by title: no authors)
    with django_assert_num_queries(1 + 10 + 2 + LAST_MODIFIED):
        response = api.get("/api/v1/studies/cited-and-citing/")
    assert len(response.json()["references"]) == len(response.json()["cited_by"]) == links


@pytest.mark.parametrize(
    "viewset", [StudyViewSet, InterventionViewSet, RecommendationViewSet, TopicViewSet]
)
@pytest.mark.parametrize("shape", ["list_queryset", "queryset"])
def test_a_page_reads_nothing_the_queryset_did_not_load(library, viewset, shape):
    """Under FETCH_RAISE a lazy fetch of a related record or a deferred field fails at once,
    rather than adding a query per record that only a count would notice."""
    queryset = getattr(viewset, shape) or viewset.queryset  # topics have one queryset
    records = list(queryset.published().fetch_mode(models.FETCH_RAISE)[:5])
    serializer_class = viewset.serializer_class
    if shape == "list_queryset":
        serializer_class = viewset.list_serializer_class or serializer_class
    request = Request(APIRequestFactory().get("/"))
    data = serializer_class(records, many=True, context={"request": request}).data
    assert records and len(data) == len(records)
    if "versions" in serializer_class.Meta.fields:  # a listed study gives its version alone
        assert any(record["versions"] for record in data)
        assert all(len(record["versions"]) == record["version"] for record in data)
    else:
        assert all("version" in record for record in data)
