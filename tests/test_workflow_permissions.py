"""Curators draft and send to review; editors publish and unpublish; anonymous users reach nothing.

Publishing needs what the public pages depend on: an appraised study its appraisal, an
intervention a linked published study, a recommendation published evidence.
"""

import pytest
from django.contrib.auth.models import Group
from django.test import SimpleTestCase
from django.urls import reverse

from resources import workflow
from resources.models import (
    AppraisalStatus,
    EditorialStatus,
    Intervention,
    Recommendation,
    Study,
    Topic,
)
from tests.factories import (
    InterventionFactory,
    InterventionStudyFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyFactory,
    TopicFactory,
    UserFactory,
)
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

assert_contains = SimpleTestCase().assertContains
assert_not_contains = SimpleTestCase().assertNotContains

DRAFT, IN_REVIEW, PUBLISHED = (
    EditorialStatus.DRAFT,
    EditorialStatus.IN_REVIEW,
    EditorialStatus.PUBLISHED,
)


def changelist(model):
    return reverse(f"admin:resources_{model._meta.model_name}_changelist")


def act(client, obj, action):
    response = client.post(
        changelist(type(obj)), {"action": action, "_selected_action": [obj.pk]}, follow=True
    )
    obj.refresh_from_db()
    return response


def draft_study(**kwargs):
    return StudyFactory(status=DRAFT, published_at=None, **kwargs)


# Who may do what --------------------------------------------------------------------


def test_editors_hold_the_curators_permissions_and_may_publish():
    curators = set(Group.objects.get(name="curators").permissions.all())
    editors = set(Group.objects.get(name="editors").permissions.all())
    assert curators < editors
    assert {p.codename for p in editors - curators} == {
        "publish_study",
        "publish_intervention",
        "publish_recommendation",
        "publish_topic",
    }


def offered_actions(client, model) -> set[str]:
    response = client.get(changelist(model))
    return {name for name, _ in response.context["action_form"].fields["action"].choices}


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (Study, StudyFactory),
        (Intervention, InterventionFactory),
        (Recommendation, RecommendationFactory),
        (Topic, TopicFactory),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_curator_is_not_offered_publish_but_editor_is(curator, editor, client, model, make):
    make()
    client.force_login(curator)
    assert {"send_to_review", "move_back_to_draft"} <= offered_actions(client, model)
    assert "publish" not in offered_actions(client, model)
    client.force_login(editor)
    assert "publish" in offered_actions(client, model)


def test_curator_cannot_publish_with_the_action(curator_client):
    study = draft_study()
    act(curator_client, study, "publish")
    assert study.status == DRAFT


def test_curator_sends_to_review_and_back_to_draft(curator_client):
    study = draft_study()
    act(curator_client, study, "send_to_review")
    assert study.status == IN_REVIEW
    act(curator_client, study, "move_back_to_draft")
    assert study.status == DRAFT


def test_curator_cannot_unpublish(curator_client):
    study = StudyFactory()
    response = act(curator_client, study, "move_back_to_draft")
    assert study.status == PUBLISHED
    assert_contains(response, "you do not have permission to publish studies")


def test_curator_cannot_choose_published_in_the_form(curator_client):
    study = draft_study()
    response = curator_client.get(reverse("admin:resources_study_change", args=[study.pk]))
    assert_contains(response, '<option value="in_review">')
    assert_not_contains(response, '<option value="published">')


def test_curator_sees_the_status_of_a_published_record_read_only(curator_client):
    study = StudyFactory()
    response = curator_client.get(reverse("admin:resources_study_change", args=[study.pk]))
    assert "status" not in response.context["adminform"].form.fields


def test_editor_publishes_and_unpublishes(editor_client):
    study = draft_study()
    act(editor_client, study, "publish")
    assert study.status == PUBLISHED
    act(editor_client, study, "move_back_to_draft")
    assert study.status == DRAFT


def test_the_changelist_shows_the_state_in_words(curator_client):
    draft_study()
    assert_contains(curator_client.get(changelist(Study)), "Draft</strong>")


def test_anonymous_user_reaches_none_of_the_curation_pages(client):
    study = StudyFactory()
    urls = [
        reverse("admin:index"),
        changelist(Study),
        reverse("admin:resources_study_change", args=[study.pk]),
        reverse("admin:resources_study_history", args=[study.pk]),
        reverse("admin:resources_study_import"),
        reverse("admin:resources_study_check_evidence"),
    ]
    for url in urls:
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url


def test_staff_without_curation_permissions_cannot_import(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:resources_study_import")).status_code == 403
    assert client.get(reverse("admin:resources_study_check_evidence")).status_code == 403


# What publishing needs ----------------------------------------------------------------


def test_intervention_without_a_published_study_cannot_be_published(editor_client):
    intervention = InterventionFactory(status=DRAFT, published_at=None)
    InterventionStudyFactory(intervention=intervention, study=draft_study())
    response = act(editor_client, intervention, "publish")
    assert intervention.status == DRAFT
    assert_contains(response, "it needs at least one linked published study")


def test_recommendation_without_evidence_cannot_be_published(editor):
    recommendation = RecommendationFactory(status=DRAFT, published_at=None)
    with pytest.raises(workflow.TransitionError, match="it needs evidence"):
        workflow.transition(recommendation, PUBLISHED, editor)
    RecommendationEvidenceFactory(recommendation=recommendation)
    assert workflow.transition(recommendation, PUBLISHED, editor)


def test_appraised_study_needs_its_appraisal_to_be_published(editor):
    study = draft_study(appraised=True, appraisal_summary="")
    with pytest.raises(workflow.TransitionError) as caught:
        workflow.transition(study, PUBLISHED, editor)
    assert caught.value.reasons == [
        "an appraised study needs its appraisal summary (or mark it not yet appraised to "
        "publish it as a catalogue entry)"
    ]


def test_unappraised_study_is_published_as_a_catalogue_entry(editor):
    study = draft_study()
    assert study.appraisal_status == AppraisalStatus.NOT_APPRAISED
    assert workflow.transition(study, PUBLISHED, editor)
    assert study.published_at is not None


def test_topic_publishes_without_conditions(editor):
    assert workflow.publication_problems(TopicFactory(status=DRAFT)) == []


def test_publishing_through_the_form_is_refused_with_reasons_but_edits_are_kept(editor_client):
    intervention = InterventionFactory(status=DRAFT, published_at=None)
    url = reverse("admin:resources_intervention_change", args=[intervention.pk])
    data = form_data(editor_client.get(url), status=PUBLISHED, summary="A clearer summary.")
    response = editor_client.post(url, data, follow=True)
    assert_contains(response, "Saved, but not moved to “Published”")
    intervention.refresh_from_db()
    assert (intervention.summary, intervention.status) == ("A clearer summary.", DRAFT)


def test_the_change_form_says_whether_the_record_is_ready(curator_client):
    intervention = InterventionFactory(status=DRAFT)
    url = reverse("admin:resources_intervention_change", args=[intervention.pk])
    assert_contains(curator_client.get(url), "it needs at least one linked published study")


def test_can_transition_follows_the_permissions(curator, editor):
    study = draft_study()
    assert workflow.allowed_targets(curator, study) == [DRAFT, IN_REVIEW]
    assert workflow.allowed_targets(editor, study) == [DRAFT, IN_REVIEW, PUBLISHED]
    study.status = PUBLISHED
    assert workflow.can_transition(curator, study, DRAFT) is False
    assert workflow.can_transition(editor, study, DRAFT) is True
