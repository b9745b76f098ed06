"""Where serializers read nested rows from, and the hosts their links name."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from resources.api.serializers import StudySerializer
from resources.models import Study
from tests.factories import InterventionStudyFactory, OutcomeFactory


@pytest.mark.django_db
def test_nested_records_are_linked_on_each_requests_own_host(settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    link = InterventionStudyFactory(intervention__slug="mentoring")
    study = Study.objects.for_detail().get(pk=link.study_id)

    def intervention_url(host):
        request = Request(APIRequestFactory().get("/", HTTP_HOST=host))
        body = StudySerializer(study, context={"request": request}).data
        return body["interventions"][0]["intervention"]["url"]

    assert intervention_url("one.example") == "http://one.example/api/v1/interventions/mentoring/"
    assert intervention_url("two.example") == "http://two.example/api/v1/interventions/mentoring/"


@pytest.mark.django_db
def test_nested_rows_come_from_the_prefetched_list_when_the_queryset_made_one(
    django_assert_num_queries,
):
    outcome = OutcomeFactory(measure="Confidence in discussing racism")
    study = Study.objects.for_detail().get(pk=outcome.study_id)
    with django_assert_num_queries(0):
        rows = StudySerializer().fields["outcomes"].get_attribute(study)
    assert [row.measure for row in rows] == ["Confidence in discussing racism"]


@pytest.mark.django_db
def test_nested_rows_come_from_the_relation_without_a_prefetch():
    outcome = OutcomeFactory(measure="Confidence in discussing racism")
    study = Study.objects.get(pk=outcome.study_id)
    outcomes = StudySerializer().fields["outcomes"]
    rows = outcomes.to_representation(outcomes.get_attribute(study))
    assert [row["measure"] for row in rows] == ["Confidence in discussing racism"]
