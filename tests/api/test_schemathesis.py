"""The API keeps the promises of its own OpenAPI schema, checked by Schemathesis."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from library.wsgi import application
from resources.api.views import PublicViewSet
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

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
schema = schema.include(method="GET")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def library(db):
    """A small published library and a draft, so every operation has something to find."""
    topic = TopicFactory(slug="mentorship")
    study = StudyFactory(appraised=True, slug="reverse-mentoring")
    study.topics.add(topic)
    StudyAuthorFactory(study=study)
    OutcomeFactory(study=study)
    FindingFactory(study=study)
    StudyReferenceFactory(citing=study)
    InterventionStudyFactory(study=study, intervention__slug="reverse-mentoring-practice")
    RecommendationEvidenceFactory(study=study, recommendation__slug="offer-mentoring")
    StudyFactory(status="draft", slug="draft-study")


@pytest.fixture(autouse=True)
def no_throttles(monkeypatch):
    """Hundreds of requests in a few seconds: the rate limits are tested elsewhere."""
    monkeypatch.setattr(PublicViewSet, "throttle_classes", [])


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """Requests go straight to the WSGI app, which would close the test's connection after
    each one; Django's own test client disconnects the same signal."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,  # the same cases on every run, so CI never flakes on a new one
    suppress_health_check=list(HealthCheck),
)
def test_every_read_operation_conforms_to_the_schema(case):
    case.call_and_validate()
