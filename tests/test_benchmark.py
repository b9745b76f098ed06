"""The benchmark's ceiling view exists only when a benchmark asks for it."""

import pytest
from django.conf import settings

from library.benchmark import ceiling

pytestmark = pytest.mark.django_db


def test_ceiling_is_not_routed_by_default(client):
    assert settings.BENCHMARK_CEILING is False
    assert client.get("/benchmark/ceiling/").status_code == 404


def test_ceiling_answers_without_touching_the_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = ceiling(rf.get("/benchmark/ceiling/"))
    assert response.content == b"ok"
