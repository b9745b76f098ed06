"""The evidence and gap map: interventions by Kirkpatrick level, gaps said plainly."""

import pytest

from resources import evidence_map
from resources.models import Certainty, EditorialStatus, KirkpatrickLevel
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db


def cell(built, slug, level):
    row = next(row for row in built.rows if row.intervention.slug == slug)
    return row.cells[list(KirkpatrickLevel).index(KirkpatrickLevel(level))]


def test_columns_are_the_kirkpatrick_levels_in_order():
    assert evidence_map.build().levels == list(KirkpatrickLevel)


def test_a_cell_counts_each_study_once_across_its_outcomes_and_findings():
    link = InterventionStudyFactory(intervention__slug="mentoring")
    OutcomeFactory(study=link.study, kirkpatrick_level="2a")
    OutcomeFactory(study=link.study, kirkpatrick_level="2a")
    FindingFactory(study=link.study, kirkpatrick_level="2a")
    other = InterventionStudyFactory(intervention=link.intervention)
    FindingFactory(study=other.study, kirkpatrick_level="2a")
    assert cell(evidence_map.build(), "mentoring", "2a").count == 2


def test_a_cell_gives_the_best_cerqual_confidence_among_its_findings():
    link = InterventionStudyFactory(intervention__slug="mentoring")
    FindingFactory(study=link.study, kirkpatrick_level="3", confidence=Certainty.LOW)
    FindingFactory(study=link.study, kirkpatrick_level="3", confidence=Certainty.MODERATE)
    OutcomeFactory(study=link.study, kirkpatrick_level="2b")
    built = evidence_map.build()
    assert cell(built, "mentoring", "3").best_confidence == Certainty.MODERATE
    assert cell(built, "mentoring", "2b").best_confidence is None


def test_findings_without_a_level_are_not_placed_on_the_map():
    link = InterventionStudyFactory(intervention__slug="mentoring")
    FindingFactory(study=link.study, kirkpatrick_level="")
    built = evidence_map.build()
    assert built.gaps == len(KirkpatrickLevel)


def test_unpublished_studies_and_interventions_are_left_off_the_map():
    link = InterventionStudyFactory(
        intervention__slug="mentoring",
        study=StudyFactory(status=EditorialStatus.DRAFT, published_at=None),
    )
    OutcomeFactory(study=link.study, kirkpatrick_level="1")
    hidden = InterventionStudyFactory(
        intervention__status=EditorialStatus.IN_REVIEW, intervention__published_at=None
    )
    OutcomeFactory(study=hidden.study, kirkpatrick_level="1")
    built = evidence_map.build()
    assert [row.intervention.slug for row in built.rows] == ["mentoring"]
    assert cell(built, "mentoring", "1").is_gap


def test_a_study_linked_to_two_interventions_counts_for_each():
    study = StudyFactory()
    OutcomeFactory(study=study, kirkpatrick_level="4a")
    InterventionStudyFactory(intervention__slug="one", study=study)
    InterventionStudyFactory(intervention__slug="two", study=study)
    built = evidence_map.build()
    assert cell(built, "one", "4a").count == 1
    assert cell(built, "two", "4a").count == 1


def test_map_page_is_a_table_whose_cells_link_to_the_matching_studies(visitor):
    link = InterventionStudyFactory(intervention__slug="mentoring", intervention__name="Mentoring")
    FindingFactory(study=link.study, kirkpatrick_level="2a", confidence=Certainty.HIGH)
    response = visitor.get("/evidence-map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<table" in html
    assert '<th scope="col">2a Attitudes and perceptions</th>' in html
    assert 'href="/studies/?intervention=mentoring&amp;outcome_level=2a"' in html
    assert "best confidence: high" in html


def test_map_page_says_empty_cells_are_gaps(visitor):
    InterventionFactory(name="Untested idea")
    response = visitor.get("/evidence-map/")
    assert response.content.decode().count("No studies — gap") == len(KirkpatrickLevel)


def test_map_page_says_so_when_nothing_is_published(visitor):
    InterventionFactory(status=EditorialStatus.DRAFT, published_at=None)
    response = visitor.get("/evidence-map/")
    assert "nothing to map" in response.content.decode()
