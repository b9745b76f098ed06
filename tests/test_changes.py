"""One write path for derived data: after every kind of write, what pages read instead of
counting (ratings, map cells, counts, the search index) is what a full rebuild would make,
and the library is marked changed."""

from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from library.page_cache import current_generation
from resources import changes, workflow
from resources.backup import dump, restore
from resources.importers import parse_file
from resources.importers.plan import apply
from resources.models import (
    ApiToken,
    EditorialStatus,
    EvidenceMapCell,
    Intervention,
    PublishedTotal,
    SearchEntry,
    Study,
    Topic,
)
from resources.seeding import load_seed
from tests.factories import (
    FindingFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    TopicFactory,
)
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db

IMPORTS = Path(__file__).parent / "data" / "imports"


def without_ids(rows) -> list[dict]:
    return sorted(({k: v for k, v in row.items() if k != "id"} for row in rows), key=repr)


def derived() -> dict:
    """Every row that is derived from the evidence rather than entered."""
    return {
        "interventions": list(Intervention.objects.order_by("pk").values()),
        "topics": list(Topic.objects.order_by("pk").values()),
        "totals": without_ids(PublishedTotal.objects.values()),
        "cells": without_ids(EvidenceMapCell.objects.values()),
        "search": without_ids(SearchEntry.objects.values()),
    }


def assert_in_step():
    """The derived data is what recomputing everything from scratch gives."""
    before = derived()
    changes.rebuild()
    assert derived() == before


@pytest.fixture
def filed():
    """A published study behind an intervention, filed under one topic, with an outcome and
    a finding on the map; everything derived from it is in step."""
    link = InterventionStudyFactory(study__slug="filed")
    link.study.topics.add(TopicFactory(slug="old"))
    TopicFactory(slug="new")
    OutcomeFactory(study=link.study)
    FindingFactory(study=link.study)
    changes.rebuild()
    return link.study


def test_recording_a_change_marks_the_library_changed_and_stales_cached_pages():
    generation = current_generation()
    assert changes.last_changed() is None
    changes.record()
    assert changes.last_changed() is not None
    assert current_generation() != generation


def test_after_a_save_in_the_admin(editor_client, filed):
    # an editor's save goes straight to the record (a curator's waits as a revision)
    url = admin_url(Study, "change", filed.pk)
    new = Topic.objects.get(slug="new")
    response = editor_client.post(url, form_data(editor_client.get(url), topics=[new.pk]))
    assert response.status_code == 302
    assert Topic.objects.get(slug="old").published_studies == 0
    assert Topic.objects.get(slug="new").published_studies == 1
    assert_in_step()


def test_after_a_delete_in_the_admin(admin_client, filed):
    response = admin_client.post(admin_url(Study, "delete", filed.pk), {"post": "yes"})
    assert response.status_code == 302
    assert Topic.objects.get(slug="old").published_studies == 0
    assert Intervention.objects.get().published_studies == 0
    assert_in_step()


def test_after_a_write_through_the_api(editor, filed):
    _, key = ApiToken.issue(editor, "publishing script", read_only=False)
    editor_api = APIClient(headers={"Authorization": f"Token {key}"})
    response = editor_api.patch(
        "/api/v1/studies/filed/", {"topics": ["new"], "title": "Renamed"}, format="json"
    )
    assert response.status_code == 200
    assert Topic.objects.get(slug="new").published_studies == 1
    assert SearchEntry.objects.filter(title="Renamed").exists()
    assert_in_step()


def test_after_a_status_change_in_the_workflow(editor, filed):
    before = derived()
    assert workflow.transition(filed, EditorialStatus.DRAFT, editor)
    assert derived() != before  # unpublishing changed the counts, the map and the index
    assert_in_step()


def test_after_an_import(curator):
    apply(parse_file(IMPORTS / "references.bib"), curator)
    assert Study.objects.filter(status=EditorialStatus.DRAFT).exists()
    assert changes.last_changed() is not None
    assert_in_step()


def test_after_seeding():
    load_seed()
    assert changes.last_changed() is not None
    assert_in_step()


@pytest.mark.django_db(transaction=True)
def test_after_a_restore(tmp_path, filed):
    backup = tmp_path / "backup.json"
    backup.write_text(dump(), encoding="utf-8")
    call_command("flush", interactive=False, verbosity=0)
    restore(str(backup))
    assert changes.last_changed() is not None
    assert Topic.objects.get(slug="old").published_studies == 1
    assert_in_step()
