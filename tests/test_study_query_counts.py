"""The studies pages and the export run a fixed number of queries, however much data there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources import changes
from resources.models import Country, Study
from tests.factories import (
    FindingFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    StudyAuthorFactory,
    StudyFactory,
    StudyReferenceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def make_studies(count: int) -> list:
    topic = TopicFactory()
    country = Country.objects.get_or_create(code="GB", name="United Kingdom")[0]
    studies = StudyFactory.create_batch(count, appraised=True)
    for study in studies:
        StudyAuthorFactory.create_batch(3, study=study)
        OutcomeFactory.create_batch(2, study=study)
        FindingFactory.create_batch(2, study=study)
        study.topics.add(topic)
        study.countries.add(country)
        study.learner_levels.create(level="undergraduate")
        study.risk_of_bias_domains.create(domain="selection", judgement="high")
        study.risk_of_bias_domains.create(domain="measurement", judgement="some_concerns")
    return studies


def link_everything(study, count: int) -> None:
    for _ in range(count):
        InterventionStudyFactory(study=study)
        RecommendationEvidenceFactory(study=study)
        cited = StudyFactory()
        StudyAuthorFactory.create_batch(2, study=cited)
        StudyReferenceFactory(citing=study, cited=cited)
        StudyReferenceFactory(citing=StudyFactory(), cited=study)


# The whole list: its stored count; page of studies; authors; the filter form's
# pick-lists of topics, interventions and countries; the stored facet counts.
LIST_QUERIES = 7
# Filtered: the count; page; authors; pick-lists; the facet counts: the fixed choices
# (design, learner level, outcome level, appraisal) in one aggregate, the filter that is
# set without itself, then topics, interventions and countries each grouped.
FILTERED_LIST_QUERIES = 11


@pytest.mark.parametrize("size", [3, 20])
def test_list_page_queries_do_not_grow_with_studies(visitor, django_assert_num_queries, size):
    make_studies(size)
    changes.rebuild()  # as a bulk load does
    with django_assert_num_queries(LIST_QUERIES):
        assert visitor.get("/studies/").status_code == 200
    with django_assert_num_queries(FILTERED_LIST_QUERIES):
        assert visitor.get("/studies/", {"design": "qualitative"}).status_code == 200


# The export: count; the studies; authors; learner levels; countries; topics.
EXPORT_QUERIES = 6


@pytest.mark.parametrize("size", [3, 20])
def test_export_queries_do_not_grow_with_studies(visitor, django_assert_num_queries, size):
    make_studies(size)
    with django_assert_num_queries(EXPORT_QUERIES):
        assert visitor.get("/studies/export/?format=csv").status_code == 200


# The study page: the study; authors; learner levels; countries; topics; outcomes; findings;
# risk of bias domains; intervention links with interventions; recommendation evidence with
# recommendations; references with cited studies; their authors; citations with citing
# studies; their authors.
DETAIL_QUERIES = 14


@pytest.mark.parametrize("links", [1, 6])
def test_detail_page_queries_do_not_grow_with_links(visitor, django_assert_num_queries, links):
    study = make_studies(1)[0]
    link_everything(study, links)
    with django_assert_num_queries(DETAIL_QUERIES):
        assert visitor.get(study.get_absolute_url()).status_code == 200


def test_a_studys_rows_are_read_without_joining_the_study():
    """Ordered by "study", Django would join every study to sort by the study's own order;
    a study's authors, levels, outcomes and findings need only their own table."""
    make_studies(2)
    with CaptureQueriesContext(connection) as queries:
        list(Study.objects.for_detail())
    child_tables = ("studyauthor", "studylearnerlevel", "outcome", "finding")
    child_queries = [
        query["sql"]
        for query in queries
        if query["sql"].startswith(tuple(f'SELECT "resources_{table}"' for table in child_tables))
    ]
    assert len(child_queries) == len(child_tables)
    assert not [sql for sql in child_queries if '"resources_study"' in sql]
