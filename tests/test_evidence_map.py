"""The evidence and gap map: interventions by Kirkpatrick level, gaps said plainly.

The cells are counted once per change and stored; the page reads a page of them.
"""

import importlib

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from resources import evidence_map, workflow
from resources.models import (
    ApiToken,
    Certainty,
    EditorialStatus,
    EvidenceMapCell,
    Intervention,
    KirkpatrickLevel,
    Study,
)
from resources.seeding import load_seed
from tests.benchmarks.corpus import generate
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    StudyFactory,
)
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db


def cell(built, slug, level):
    row = next(row for row in built.rows if row.intervention.slug == slug)
    return row.cells[list(KirkpatrickLevel).index(KirkpatrickLevel(level))]


def counted():
    """The map with every cell counted afresh from the library."""
    evidence_map.refresh_all_cells()
    return evidence_map.build()


def stored() -> set[tuple]:
    return set(
        EvidenceMapCell.objects.values_list(
            "intervention__slug", "kirkpatrick_level", "studies", "best_confidence"
        )
    )


def studies_in(slug, level) -> int:
    """What the map, as stored, shows for one cell."""
    return cell(evidence_map.build(), slug, level).count


# The counting rule ---------------------------------------------------------------------


def test_columns_are_the_kirkpatrick_levels_in_order():
    assert evidence_map.build().levels == list(KirkpatrickLevel)


def test_a_cell_counts_each_study_once_across_its_outcomes_and_findings():
    link = InterventionStudyFactory(intervention__slug="mentoring")
    OutcomeFactory(study=link.study, kirkpatrick_level="2a")
    OutcomeFactory(study=link.study, kirkpatrick_level="2a")
    FindingFactory(study=link.study, kirkpatrick_level="2a")
    other = InterventionStudyFactory(intervention=link.intervention)
    FindingFactory(study=other.study, kirkpatrick_level="2a")
    assert cell(counted(), "mentoring", "2a").count == 2


def test_a_cell_gives_the_best_cerqual_confidence_among_its_findings():
    link = InterventionStudyFactory(intervention__slug="mentoring")
    FindingFactory(study=link.study, kirkpatrick_level="3", confidence=Certainty.LOW)
    FindingFactory(study=link.study, kirkpatrick_level="3", confidence=Certainty.MODERATE)
    OutcomeFactory(study=link.study, kirkpatrick_level="2b")
    built = counted()
    assert cell(built, "mentoring", "3").best_confidence == Certainty.MODERATE
    assert cell(built, "mentoring", "2b").best_confidence is None


def test_findings_without_a_level_are_not_placed_on_the_map():
    link = InterventionStudyFactory(intervention__slug="mentoring")
    FindingFactory(study=link.study, kirkpatrick_level="")
    built = counted()
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
    built = counted()
    assert [row.intervention.slug for row in built.rows] == ["mentoring"]
    assert cell(built, "mentoring", "1").is_gap


def test_a_study_that_evaluated_two_interventions_counts_for_each_its_own_outcomes():
    study = StudyFactory()
    one = InterventionStudyFactory(intervention__slug="one", study=study).intervention
    two = InterventionStudyFactory(intervention__slug="two", study=study).intervention
    OutcomeFactory(study=study, intervention=one, kirkpatrick_level="4a")
    OutcomeFactory(study=study, intervention=two, kirkpatrick_level="3")
    built = counted()
    assert (cell(built, "one", "4a").count, cell(built, "one", "3").count) == (1, 0)
    assert (cell(built, "two", "4a").count, cell(built, "two", "3").count) == (0, 1)


def test_an_unnamed_interventions_outcomes_count_for_no_practice():
    """Shahzad et al.'s case: outcomes of an intervention the study never names."""
    link = InterventionStudyFactory(intervention__slug="one", link_type="explored", direction="")
    OutcomeFactory(study=link.study, intervention=None, kirkpatrick_level="3")
    assert cell(counted(), "one", "3").is_gap


def test_a_described_practice_shows_gaps_whatever_its_study_measured():
    link = InterventionStudyFactory(intervention__slug="one", link_type="described", direction="")
    OutcomeFactory(study=link.study, kirkpatrick_level="2a")
    FindingFactory(study=link.study, kirkpatrick_level="2a")
    assert cell(counted(), "one", "2a").is_gap


def test_refreshing_some_interventions_recounts_theirs_and_leaves_the_others():
    one = InterventionStudyFactory(intervention__slug="one")
    two = InterventionStudyFactory(intervention__slug="two")
    evidence_map.refresh_all_cells()
    OutcomeFactory(study=one.study, kirkpatrick_level="1")
    OutcomeFactory(study=two.study, kirkpatrick_level="1")
    evidence_map.refresh_cells([one.intervention])
    assert stored() == {("one", "1", 1, "")}


def test_the_typed_links_migration_leaves_no_cell_the_new_rules_would_not_count():
    """After migration 0022 no outcome names a practice and no finding has a level, so the
    refresh counts nothing; the migration's recount must agree."""
    link = InterventionStudyFactory(intervention__slug="mentoring")
    OutcomeFactory(study=link.study, intervention=None, kirkpatrick_level="1")
    EvidenceMapCell.objects.create(intervention=link.intervention, kirkpatrick_level="1", studies=1)
    migration = importlib.import_module("resources.migrations.0024_typed_links_cerqual_holdings")
    migration.type_existing_links_and_clear_levels(apps, None)
    evidence_map.refresh_all_cells()
    assert stored() == set()


# The page ------------------------------------------------------------------------------


def test_map_page_is_a_table_whose_cells_link_to_the_matching_studies(visitor):
    link = InterventionStudyFactory(intervention__slug="mentoring", intervention__name="Mentoring")
    FindingFactory(study=link.study, kirkpatrick_level="2a", confidence=Certainty.HIGH)
    evidence_map.refresh_all_cells()
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


def test_map_page_shows_a_page_of_interventions_and_links_to_the_next(visitor, monkeypatch):
    monkeypatch.setattr(evidence_map, "PER_PAGE", 2)
    for name in ["Advocacy", "Belonging", "Coaching"]:
        InterventionFactory(name=name)
    first = visitor.get("/evidence-map/").content.decode()
    assert "Advocacy" in first and "Belonging" in first and "Coaching" not in first
    assert 'href="?page=2"' in first
    assert "Coaching" in visitor.get("/evidence-map/?page=2").content.decode()


def test_map_page_counts_the_gaps_of_every_page(visitor, monkeypatch):
    monkeypatch.setattr(evidence_map, "PER_PAGE", 1)
    link = InterventionStudyFactory(intervention__name="Advocacy")
    OutcomeFactory(study=link.study, kirkpatrick_level="1")
    InterventionFactory(name="Belonging")
    evidence_map.refresh_all_cells()
    response = visitor.get("/evidence-map/")
    assert f"{2 * len(KirkpatrickLevel) - 1} gaps" in response.content.decode()


def test_map_page_is_filtered_as_the_interventions_list_is(visitor):
    InterventionFactory(name="Reverse mentoring", intervention_type="mentoring")
    InterventionFactory(name="Curriculum audit", intervention_type="curriculum")
    html = visitor.get("/evidence-map/", {"type": "mentoring"}).content.decode()
    assert "Reverse mentoring" in html
    assert "Curriculum audit" not in html


def test_map_page_filtered_by_outcome_level_keeps_the_rows_with_published_evidence_there(visitor):
    shown = InterventionStudyFactory(intervention__name="Reverse mentoring")
    OutcomeFactory(study=shown.study, kirkpatrick_level="4b")
    hidden = InterventionStudyFactory(intervention__name="Curriculum audit", study__status="draft")
    OutcomeFactory(study=hidden.study, kirkpatrick_level="4b")
    evidence_map.refresh_all_cells()
    html = visitor.get("/evidence-map/", {"outcome_level": "4b"}).content.decode()
    assert "Reverse mentoring" in html
    assert "Curriculum audit" not in html


def test_map_page_says_so_when_no_intervention_matches_the_filters(visitor):
    InterventionFactory(intervention_type="mentoring")
    response = visitor.get("/evidence-map/", {"type": "curriculum"})
    assert "No published intervention matches these filters" in response.content.decode()


def test_map_page_refuses_bad_filters_in_words(visitor):
    InterventionFactory()
    response = visitor.get("/evidence-map/", {"rating": "excellent"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_htmx_gets_only_the_map_in_place_of_the_old(visitor):
    InterventionFactory(name="Reverse mentoring")
    response = visitor.get("/evidence-map/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "Reverse mentoring" in html
    assert "<h1>" not in html


# Every write path recounts the cells it changes ----------------------------------------


def test_publishing_a_study_puts_it_on_the_map(editor):
    link = InterventionStudyFactory(
        intervention__slug="mentoring", study__status="draft", study__published_at=None
    )
    OutcomeFactory(study=link.study, kirkpatrick_level="2b")
    workflow.transition(link.study, EditorialStatus.PUBLISHED, editor)
    assert studies_in("mentoring", "2b") == 1


def test_unpublishing_a_study_takes_it_off_the_map(editor):
    link = InterventionStudyFactory(intervention__slug="mentoring")
    OutcomeFactory(study=link.study, kirkpatrick_level="2b")
    evidence_map.refresh_all_cells()
    workflow.transition(link.study, EditorialStatus.DRAFT, editor)
    assert studies_in("mentoring", "2b") == 0


def test_publishing_an_intervention_shows_its_studies_on_the_map(editor):
    intervention = InterventionFactory(slug="mentoring", status="draft", published_at=None)
    link = InterventionStudyFactory(intervention=intervention)
    OutcomeFactory(study=link.study, kirkpatrick_level="3")
    workflow.transition(link.intervention, EditorialStatus.PUBLISHED, editor)
    assert studies_in("mentoring", "3") == 1


def test_changing_a_finding_in_the_study_admin_moves_it_on_the_map(editor_client):
    """An editor's edit goes live at once (a curator's waits as a revision)."""
    link = InterventionStudyFactory(intervention__slug="mentoring")
    FindingFactory(study=link.study, kirkpatrick_level="2a")
    evidence_map.refresh_all_cells()
    url = admin_url(Study, "change", link.study.pk)
    form = form_data(editor_client.get(url), **{"findings-0-kirkpatrick_level": "3"})
    assert editor_client.post(url, form).status_code == 302
    assert (studies_in("mentoring", "2a"), studies_in("mentoring", "3")) == (0, 1)


def test_linking_a_study_in_the_intervention_admin_counts_it_on_the_map(editor_client):
    link = InterventionStudyFactory(intervention__slug="mentoring")
    study = StudyFactory()
    OutcomeFactory(study=study, intervention=link.intervention, kirkpatrick_level="4a")
    url = admin_url(Intervention, "change", link.intervention.pk)
    form = form_data(editor_client.get(url))
    form |= {
        "study_links-TOTAL_FORMS": "2",
        "study_links-1-intervention": str(link.intervention.pk),
        "study_links-1-study": str(study.pk),
        "study_links-1-link_type": "evaluated",
        "study_links-1-what_it_found": "Staff changed their practice.",
    }
    assert editor_client.post(url, form).status_code == 302
    assert studies_in("mentoring", "4a") == 1


def test_deleting_a_study_in_the_admin_takes_it_off_the_map(admin_client):
    link = InterventionStudyFactory(intervention__slug="mentoring")
    OutcomeFactory(study=link.study, kirkpatrick_level="1")
    evidence_map.refresh_all_cells()
    response = admin_client.post(admin_url(Study, "delete", link.study.pk), {"post": "yes"})
    assert response.status_code == 302
    assert studies_in("mentoring", "1") == 0


def test_replacing_a_studys_outcomes_through_the_api_recounts_its_cells(editor):
    link = InterventionStudyFactory(intervention__slug="mentoring", study__slug="wyatt")
    OutcomeFactory(study=link.study, kirkpatrick_level="1")
    evidence_map.refresh_all_cells()
    _, key = ApiToken.issue(editor, "import script", read_only=False)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    outcome = {
        "measure": "Reporting",
        "kirkpatrick_level": "3",
        "intervention": "mentoring",
        "direction": "improved",
    }
    response = api.patch("/api/v1/studies/wyatt/", {"outcomes": [outcome]}, format="json")
    assert response.status_code == 200, response.json()
    assert (studies_in("mentoring", "1"), studies_in("mentoring", "3")) == (0, 1)


def test_loading_the_seed_counts_the_map_and_credits_no_unnamed_intervention():
    load_seed()
    loaded = stored()
    evidence_map.refresh_all_cells()
    assert stored() == loaded
    # Shahzad et al.'s outcomes belong to an intervention the paper never names
    described = {"dei-committees", "curriculum-advocacy", "community-outreach-and-engagement"}
    assert not {slug for slug, *_ in loaded} & {*described, "student-led-anti-racism-programmes"}


def test_generating_a_corpus_counts_the_map():
    generate(50, seed=7)
    generated = stored()
    assert generated
    evidence_map.refresh_all_cells()
    assert stored() == generated


# Queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 15])
def test_refreshing_cells_takes_the_same_queries_at_any_size(django_assert_num_queries, size):
    interventions = []
    for _ in range(size):
        link = InterventionStudyFactory()
        OutcomeFactory(study=link.study, kirkpatrick_level="1")
        FindingFactory(study=link.study, kirkpatrick_level="2a")
        interventions.append(link.intervention)
    # in a savepoint: delete the old cells; count from outcomes; count from findings;
    # insert the new ones
    with django_assert_num_queries(6):
        evidence_map.refresh_cells(interventions)


@pytest.mark.parametrize("size", [3, 15])
def test_filtered_map_page_takes_the_same_queries_at_any_size(
    visitor, django_assert_num_queries, size
):
    for _ in range(size):
        link = InterventionStudyFactory(intervention__intervention_type="mentoring")
        OutcomeFactory(study=link.study, kirkpatrick_level="1")
    evidence_map.refresh_all_cells()
    # topics for the filter's pick-list; count; the page of interventions; their cells;
    # the cells of every matching intervention, counted for the gaps; the facet counts:
    # types without the type filter, the other fixed choices in one aggregate, topics
    # grouped
    with django_assert_num_queries(8):
        assert visitor.get("/evidence-map/", {"type": "mentoring"}).status_code == 200
