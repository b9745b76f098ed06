"""A curator's change to a published record waits for an editor, as a revision.

The public pages keep the published version; an editor reads the revision as a diff,
then publishes or rejects it with a note, and the history records both.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, SimpleTestCase
from django.urls import reverse

from resources import revisions
from resources.models import EditorialStatus, Revision, Study, Version
from tests.factories import (
    InterventionFactory,
    InterventionStudyFactory,
    RecommendationFactory,
    StudyAuthorFactory,
    StudyFactory,
)
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

assert_contains = SimpleTestCase().assertContains
assert_not_contains = SimpleTestCase().assertNotContains


@pytest.fixture
def editor_client(editor):
    """The editor in a browser of their own (the `client` fixture is the curator's)."""
    client = Client()
    client.force_login(editor)
    return client


def change_url(obj):
    return reverse(f"admin:resources_{obj._meta.model_name}_change", args=[obj.pk])


def review_url(revision):
    return reverse("admin:resources_revision_change", args=[revision.pk])


def edit(client, obj, **changes):
    return client.post(change_url(obj), form_data(client.get(change_url(obj)), **changes))


def test_a_curators_edit_to_a_published_study_waits_and_the_public_keeps_the_old(
    curator_client, curator, visitor
):
    study = StudyFactory(title="The published wording")
    StudyAuthorFactory(study=study, position=1, family_name="Wyatt")

    response = edit(
        curator_client, study, title="A proposed wording", **{"authors-0-family_name": "Rockich"}
    )

    revision = Revision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == review_url(revision)
    assert (revision.status, revision.author, revision.record) == ("pending", curator, study)
    assert revision.data["fields"]["title"] == "A proposed wording"
    assert revision.data["rows"]["authors"][0]["family_name"] == "Rockich"
    study.refresh_from_db()
    assert study.title == "The published wording"
    assert study.authors.get().family_name == "Wyatt"
    curator_client.logout()
    page = visitor.get(study.get_absolute_url())
    assert_contains(page, "The published wording")
    assert_not_contains(page, "A proposed wording")
    assert_not_contains(page, "Rockich")


def test_the_curators_form_says_edits_to_a_published_record_wait(curator_client):
    study = StudyFactory()
    page = curator_client.get(change_url(study))
    assert_contains(page, "waits for an editor")


def test_saving_with_no_change_makes_no_revision(curator_client):
    study = StudyFactory()
    edit(curator_client, study)
    assert not Revision.objects.exists()


def test_an_editor_sees_the_diff_and_publishes_with_a_note(
    curator_client, editor_client, editor, visitor
):
    study = StudyFactory(title="The published wording")
    StudyAuthorFactory(study=study, position=1, family_name="Wyatt")
    edit(curator_client, study, title="A proposed wording", **{"authors-0-family_name": "Rockich"})
    revision = Revision.objects.get()

    page = editor_client.get(review_url(revision))
    assert_contains(page, "<del>The published wording</del>", html=True)
    assert_contains(page, "<ins>A proposed wording</ins>", html=True)
    assert_contains(page, "Rockich")
    response = editor_client.post(
        review_url(revision), {"note": "Title as printed.", "is_major": "on", "_publish": "1"}
    )

    assert response.status_code == 302
    study.refresh_from_db()
    assert study.title == "A proposed wording"
    assert study.authors.get().family_name == "Rockich"
    revision.refresh_from_db()
    assert (revision.status, revision.reviewer, revision.note, revision.is_major) == (
        "published",
        editor,
        "Title as printed.",
        True,
    )
    version = Version.objects.of(study).order_by("-number").first()
    assert (version.note, version.major, version.published_by) == (
        "Title as printed.",
        True,
        editor,
    )
    latest = study.history.first()
    assert latest.history_user == editor
    assert "Title as printed." in latest.history_change_reason
    assert "curator" in latest.history_change_reason
    assert_contains(visitor.get(study.get_absolute_url()), "A proposed wording")


def test_an_editor_rejects_with_a_note_and_nothing_changes(curator_client, editor_client, editor):
    study = StudyFactory(title="The published wording")
    edit(curator_client, study, title="A proposed wording")
    revision = Revision.objects.get()

    without_note = editor_client.post(review_url(revision), {"note": "", "_reject": "1"})
    assert_contains(without_note, "Say why the revision is rejected")
    editor_client.post(
        review_url(revision), {"note": "The source gives the first.", "_reject": "1"}
    )

    revision.refresh_from_db()
    assert (revision.status, revision.reviewer) == ("rejected", editor)
    study.refresh_from_db()
    assert study.title == "The published wording"
    # the curator reads why on the revision's page
    assert_contains(curator_client.get(review_url(revision)), "The source gives the first.")


def test_a_curator_may_read_a_revision_but_not_review_it(curator_client):
    study = StudyFactory()
    edit(curator_client, study, title="A proposed wording")
    revision = Revision.objects.get()
    page = curator_client.get(review_url(revision))
    assert_contains(page, "A proposed wording")
    assert_not_contains(page, "_publish")
    assert curator_client.post(review_url(revision), {"_publish": "1"}).status_code == 403
    assert Revision.objects.get().is_pending


def test_an_editors_edit_and_a_curators_edit_to_a_draft_go_straight_in(
    curator_client, editor_client
):
    draft = StudyFactory(status=EditorialStatus.DRAFT, published_at=None)
    edit(curator_client, draft, title="Draft wording")
    published = StudyFactory()
    edit(editor_client, published, title="Editor's wording")

    assert not Revision.objects.exists()
    assert Study.objects.get(pk=draft.pk).title == "Draft wording"
    assert Study.objects.get(pk=published.pk).title == "Editor's wording"


def test_a_curators_revert_of_a_published_record_becomes_a_revision(
    curator_client, editor_client, editor
):
    study = StudyFactory(title="First wording")
    edit(editor_client, study, title="Second wording")
    first = study.history.last()
    url = reverse("admin:resources_study_simple_history", args=[study.pk, first.history_id])

    curator_client.post(url, form_data(curator_client.get(url)))

    study.refresh_from_db()
    assert study.title == "Second wording"
    assert Revision.objects.get().data["fields"]["title"] == "First wording"


def test_publishing_validates_again_and_leaves_all_as_it_was_when_it_fails(curator, editor):
    study = StudyFactory(title="The published wording")
    data = revisions.snapshot(study)
    data["fields"]["title"] = "A proposed wording"
    data["fields"]["year"] = 1200  # refused by the model's validators
    revision = revisions.propose(study, data, curator)

    with pytest.raises(ValidationError):
        revisions.publish(revision, editor, note="")

    study.refresh_from_db()
    assert study.title == "The published wording"
    assert Revision.objects.get().is_pending


def test_only_an_editor_publishes_or_rejects(curator, editor):
    study = StudyFactory()
    data = revisions.snapshot(study) | {}
    data["fields"] = {**data["fields"], "title": "New"}
    revision = revisions.propose(study, data, curator)
    with pytest.raises(PermissionDenied):
        revisions.publish(revision, curator)
    revisions.reject(revision, editor, "Not in the source.")
    with pytest.raises(revisions.RevisionError):
        revisions.publish(revision, editor)


def test_a_revision_of_an_interventions_study_links_refreshes_its_rating_on_publishing(
    curator, editor
):
    intervention = InterventionFactory()
    link = InterventionStudyFactory(intervention=intervention)
    data = revisions.snapshot(intervention)
    data["rows"]["study_links"] = []
    revision = revisions.propose(intervention, data, curator)
    assert intervention.study_links.exists()

    revisions.publish(revision, editor)

    assert not intervention.study_links.exists()
    intervention.refresh_from_db()
    assert intervention.published_studies == 0
    assert link.study.pk  # the study itself stays


@pytest.mark.parametrize(
    ("make", "field", "value"),
    [
        (InterventionFactory, "rating_override", "high"),
        (InterventionFactory, "rating_override_justification", "Because."),
        (RecommendationFactory, "strength", "strong"),
        (RecommendationFactory, "certainty", "high"),
    ],
)
def test_evidence_judgements_are_the_editors_alone(curator_client, curator, make, field, value):
    obj = make()
    assert_contains(curator_client.get(change_url(obj)), '<div class="readonly">', html=False)
    page = curator_client.get(change_url(obj))
    assert f'name="{field}"' not in page.content.decode()
    data = revisions.snapshot(obj)
    data["fields"][field] = value
    with pytest.raises(PermissionDenied, match="Only an editor"):
        revisions.propose(obj, data, curator)


def test_the_review_queue_lists_what_waits_oldest_first(curator_client, editor_client):
    in_review = StudyFactory(title="Sent to review", status=EditorialStatus.DRAFT)
    curator_client.post(
        reverse("admin:resources_study_changelist"),
        {"action": "send_to_review", "_selected_action": [in_review.pk]},
    )
    published = StudyFactory(title="Published one")
    edit(curator_client, published, title="Published one, revised")

    assert_contains(editor_client.get(reverse("admin:index")), reverse("admin:review_queue"))
    page = editor_client.get(reverse("admin:review_queue"))

    content = page.content.decode()
    assert content.index("Sent to review") < content.index("Published one")
    assert_contains(page, "Record in review")
    assert_contains(page, review_url(Revision.objects.get()))
    assert content.count(">curator<") == 2


def test_a_revision_of_a_record_changed_since_says_so(curator_client, editor_client, editor):
    study = StudyFactory(title="First wording")
    edit(curator_client, study, title="Curator's wording")
    edit(editor_client, study, journal="Another journal")

    assert_contains(editor_client.get(review_url(Revision.objects.get())), "has changed since")
