"""Every change to the evidence is recorded: who, when and what; any version can be restored."""

import pytest
from django.test import SimpleTestCase
from django.urls import reverse

from resources import workflow
from resources.models import EditorialStatus, Intervention, Revision, Study, StudyAuthor
from resources.seeding import load_seed
from tests.factories import StudyAuthorFactory, StudyFactory
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

assert_contains = SimpleTestCase().assertContains


def change_url(study):
    return reverse("admin:resources_study_change", args=[study.pk])


def edit_title(client, study, title):
    response = client.post(change_url(study), form_data(client.get(change_url(study)), title=title))
    assert response.status_code == 302
    study.refresh_from_db()


def test_an_admin_edit_records_who_when_and_what(curator_client, curator):
    study = StudyFactory(title="First wording", status=EditorialStatus.DRAFT)
    edit_title(curator_client, study, "Second wording")
    latest, previous = study.history.all()[:2]
    assert latest.history_user == curator
    assert latest.history_type == "~"
    assert latest.history_date is not None
    delta = latest.diff_against(previous)
    assert delta.changed_fields == ["title"]
    assert (delta.changes[0].old, delta.changes[0].new) == ("First wording", "Second wording")


def test_history_page_shows_the_diff_and_who_made_it(curator_client):
    study = StudyFactory(title="First wording", status=EditorialStatus.DRAFT)
    edit_title(curator_client, study, "Second wording")
    response = curator_client.get(reverse("admin:resources_study_history", args=[study.pk]))
    assert_contains(response, "<strong>Title:</strong>", html=False)
    assert_contains(response, "First wording")
    assert_contains(response, "curator")


def test_a_status_change_is_recorded_with_its_user(editor):
    study = StudyFactory(status=EditorialStatus.DRAFT, published_at=None)
    workflow.transition(study, EditorialStatus.PUBLISHED, editor)
    latest = study.history.first()
    assert (latest.status, latest.history_user) == (EditorialStatus.PUBLISHED, editor)
    assert "status" in latest.diff_against(latest.prev_record).changed_fields


def test_changes_to_authors_are_recorded_too():
    author = StudyAuthorFactory(family_name="Wyatt")
    author.given_names = "Tasha R"
    author.save()
    assert [h.history_type for h in author.history.all()] == ["~", "+"]


def test_restoring_the_first_version_brings_its_fields_back(curator_client):
    # a draft: restoring a published record's version is a revision (tests/test_revisions.py)
    study = StudyFactory(
        title="First wording", journal="Medical Education", status=EditorialStatus.DRAFT
    )
    first = study.history.earliest()
    edit_title(curator_client, study, "Second wording")
    url = reverse("admin:resources_study_simple_history", args=[study.pk, first.history_id])
    response = curator_client.post(url, form_data(curator_client.get(url)))
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.title == "First wording"
    assert study.history.count() == 3  # restoring is itself a recorded change


def test_restoring_a_draft_version_cannot_unpublish_for_a_curator(curator_client):
    study = StudyFactory(status=EditorialStatus.DRAFT, published_at=None, title="Draft wording")
    first = study.history.earliest()
    Study.objects.filter(pk=study.pk).update(
        status=EditorialStatus.PUBLISHED, title="Published wording"
    )
    url = reverse("admin:resources_study_simple_history", args=[study.pk, first.history_id])
    response = curator_client.post(url, form_data(curator_client.get(url)), follow=True)
    assert_contains(response, "wait for an editor")  # a revision, which never moves the status
    study.refresh_from_db()
    assert (study.status, study.title) == (EditorialStatus.PUBLISHED, "Published wording")
    assert "status" not in Revision.objects.get().data["fields"]


def test_loading_the_seed_fixtures_records_no_history_and_still_loads():
    report = load_seed()
    assert report.created > 0
    assert Study.objects.exists()
    assert not Study.history.exists()
    assert not StudyAuthor.history.exists()
    assert not Intervention.history.exclude(history_type="~").exists()
