"""A kind's `parts` name the parts of the search entry its records fill.

The search page marks matches in those parts alone (`search._best`), so a part that a
kind's records fill but its `parts` leave out would never say why a record matched.
"""

import pytest

from resources.search import KINDS
from tests.factories import (
    InterventionFactory,
    RecommendationFactory,
    StudyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = {
    "studies": StudyFactory,
    "interventions": InterventionFactory,
    "recommendations": RecommendationFactory,
    "topics": TopicFactory,
}


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.key)
def test_a_kind_names_every_part_its_entries_fill(kind):
    record = FACTORIES[kind.key]()

    assert tuple(kind.parts_of(record)) == kind.parts
