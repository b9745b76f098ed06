"""How serializers are built and where they read nested rows from."""

from unittest import mock

import pytest
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from resources.api import serializers as api_serializers
from resources.api.serializers import StudySerializer
from resources.models import Study, Topic
from tests.factories import InterventionStudyFactory, OutcomeFactory, TopicFactory


def test_a_serializer_class_builds_its_fields_from_the_model_once():
    assert StudySerializer().fields  # built here, or by an earlier test
    with mock.patch.object(
        serializers.ModelSerializer, "build_field", side_effect=AssertionError("rebuilt")
    ):
        fields = StudySerializer().fields
    assert "title" in fields and "authors" in fields


def test_each_serializer_gets_its_own_copy_of_the_fields():
    first, second = StudySerializer(), StudySerializer()
    first.fields["title"].read_only = True
    assert first.fields["title"] is not second.fields["title"]
    assert second.fields["title"].read_only is False
    assert second.fields["authors"].parent is second


def test_a_copied_list_field_holds_its_own_child_bound_to_it():
    first, second = StudySerializer(), StudySerializer()
    for name in ("authors", "topics", "learner_levels"):
        inner = "child_relation" if name == "topics" else "child"
        field = second.fields[name]
        assert getattr(field, inner) is not getattr(first.fields[name], inner)
        assert getattr(field, inner).parent is field and getattr(field, inner).root is second


@pytest.mark.django_db
def test_nested_records_are_linked_on_each_requests_own_host(settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    link = InterventionStudyFactory(intervention__slug="mentoring")
    study = Study.objects.for_api_list().get(pk=link.study_id)

    def intervention_url(host):
        request = Request(APIRequestFactory().get("/", HTTP_HOST=host))
        body = StudySerializer(study, context={"request": request}).data
        return body["interventions"][0]["intervention"]["url"]

    assert intervention_url("one.example") == "http://one.example/api/v1/interventions/mentoring/"
    assert intervention_url("two.example") == "http://two.example/api/v1/interventions/mentoring/"


class TopicNotesSerializer(api_serializers.ModelSerializer):
    """Fields whose sources are not plain columns, to read as DRF reads them."""

    page = serializers.CharField(source="get_absolute_url")
    missing_with_default = serializers.CharField(source="no_such_attribute", default="none")
    missing_optional = serializers.CharField(source="no_such_attribute", required=False)

    class Meta:
        model = Topic
        fields = ["name", "page", "missing_with_default", "missing_optional"]


@pytest.mark.django_db
def test_a_callable_source_is_called_and_a_missing_one_takes_drfs_default_or_is_left_out():
    topic = TopicFactory(name="Anti-racism", slug="anti-racism")
    assert TopicNotesSerializer(topic).data == {
        "name": "Anti-racism",
        "page": "/topics/anti-racism/",
        "missing_with_default": "none",
    }


@pytest.mark.django_db
def test_nested_rows_come_from_the_prefetched_list_when_the_queryset_made_one(
    django_assert_num_queries,
):
    outcome = OutcomeFactory(measure="Confidence in discussing racism")
    study = Study.objects.for_api_list().get(pk=outcome.study_id)
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
