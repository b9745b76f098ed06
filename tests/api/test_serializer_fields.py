"""Serializers build their fields from the model once per class, and each gets a copy."""

from unittest import mock

from rest_framework import serializers

from resources.api.serializers import StudySerializer


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
