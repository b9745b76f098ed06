"""How serializers are built and where they read nested rows from."""

from unittest import mock

import pytest
from rest_framework import serializers

from resources.api.serializers import StudySerializer
from resources.models import Study
from tests.factories import OutcomeFactory


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
