"""Curators keep the evidence in the admin.

Every admin page opens for a member of the curators group (staff, not a superuser, so
the group's permissions are what is tested), anonymous visitors are sent to the login,
the workflow actions move records and stamp publication (publishing is an editor's move:
see tests/test_workflow_permissions.py), saves recompute evidence ratings, and bad input
is explained in words on the form.
"""

import factory
import pytest
from django.contrib import admin
from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resources import rating
from resources.models import (
    Country,
    EditorialStatus,
    EffectCertainty,
    Intervention,
    LearnerLevel,
    Recommendation,
    SourceDocument,
    SourceKind,
    Study,
    StudyLearnerLevel,
    SynonymGroup,
    Topic,
)
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyAuthorFactory,
    StudyFactory,
    StudyReferenceFactory,
    SynonymGroupFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

assert_contains = SimpleTestCase().assertContains
assert_not_contains = SimpleTestCase().assertNotContains


class SourceDocumentFactory(factory.django.DjangoModelFactory):
    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Seed document {n}")
    kind = SourceKind.SEED

    class Meta:
        model = SourceDocument


class CountryFactory(factory.django.DjangoModelFactory):
    code = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"Country {n}")

    class Meta:
        model = Country


def make_study():
    """A study with a row in every inline, so that each inline renders."""
    study = StudyFactory(appraised=True)
    StudyAuthorFactory(study=study)
    StudyLearnerLevel.objects.create(study=study, level=LearnerLevel.POSTGRADUATE)
    OutcomeFactory(study=study)
    FindingFactory(study=study)
    StudyReferenceFactory(citing=study)
    study.countries.add(CountryFactory())
    study.topics.add(TopicFactory())
    study.sources.add(SourceDocumentFactory())
    return study


def make_intervention():
    return InterventionStudyFactory().intervention


def make_recommendation():
    recommendation = RecommendationEvidenceFactory().recommendation
    recommendation.interventions.add(InterventionFactory())
    return recommendation


MAKERS = {
    Country: CountryFactory,
    SourceDocument: SourceDocumentFactory,
    Topic: TopicFactory,
    Study: make_study,
    Intervention: make_intervention,
    Recommendation: make_recommendation,
    SynonymGroup: SynonymGroupFactory,
}

# API tokens are the superusers' to issue and revoke, not the curators' (see tests/api);
# revisions are made by saving a published record (tests/test_revisions.py)
REGISTERED = [
    model
    for model in admin.site._registry
    if model._meta.app_label == "resources"
    and model._meta.model_name not in ("apitoken", "revision")
]


def ready_intervention(**kwargs):
    """An intervention with what publishing needs: a linked published study."""
    return InterventionStudyFactory(intervention=InterventionFactory(**kwargs)).intervention


def ready_recommendation(**kwargs):
    """A recommendation with what publishing needs: a published study as evidence."""
    recommendation = RecommendationFactory(**kwargs)
    return RecommendationEvidenceFactory(recommendation=recommendation).recommendation


PUBLISHABLE = [
    (Study, StudyFactory),
    (Intervention, ready_intervention),
    (Recommendation, ready_recommendation),
    (Topic, TopicFactory),
]


def model_id(model):
    return model._meta.model_name


def admin_url(model, view, *args):
    return reverse(f"admin:resources_{model._meta.model_name}_{view}", args=args)


def form_data(response, **changes):
    """What the browser posts back for the change form in `response`, with `changes`."""
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):  # none when restoring
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None:
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, list | tuple):
                value = [str(item) for item in value]
            data[bound.html_name] = value if isinstance(value, list) else str(value)
    data.update(changes)
    return data


def test_every_registered_model_has_a_maker():
    assert set(REGISTERED) == set(MAKERS)


def test_curators_edit_everything_but_delete_only_the_rows_of_a_record(curator):
    assert not curator.is_superuser
    assert curator.has_perms(
        [
            f"resources.{action}_{model._meta.model_name}"
            for model in REGISTERED
            for action in ("add", "change", "view")
        ]
    )
    assert curator.has_perms(["resources.delete_outcome", "resources.delete_interventionstudy"])
    assert not curator.has_perm("resources.delete_study")


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_curator_opens_list_add_and_change_pages(curator_client, model):
    obj = MAKERS[model]()
    assert_contains(curator_client.get(admin_url(model, "changelist")), str(obj))
    assert curator_client.get(admin_url(model, "changelist"), {"q": "a"}).status_code == 200
    assert curator_client.get(admin_url(model, "add")).status_code == 200
    assert_contains(curator_client.get(admin_url(model, "change", obj.pk)), "Save")


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_anonymous_visitor_is_sent_to_the_admin_login(client, model):
    obj = MAKERS[model]()
    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_changelist_queries_do_not_grow_with_its_rows(curator_client, model):
    url = admin_url(model, "changelist")
    MAKERS[model]()
    curator_client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as one_row:
        curator_client.get(url)
    MAKERS[model]()
    MAKERS[model]()
    with CaptureQueriesContext(connection) as three_rows:
        curator_client.get(url)
    assert len(three_rows) == len(one_row)


AUTOCOMPLETES = [
    (owner.model, field)
    for model_admin in admin.site._registry.values()
    for owner in [model_admin, *model_admin.inlines]
    for field in owner.autocomplete_fields
]


@pytest.mark.parametrize(("model", "field"), AUTOCOMPLETES, ids=lambda v: getattr(v, "__name__", v))
def test_curator_can_use_every_autocomplete(curator_client, model, field):
    response = curator_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "resources", "model_name": model._meta.model_name, "field_name": field},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(("model", "make"), PUBLISHABLE, ids=lambda v: getattr(v, "__name__", v))
def test_workflow_actions_move_status_and_stamp_first_publication(editor_client, model, make):
    obj = make(status=EditorialStatus.DRAFT, published_at=None)
    url = admin_url(model, "changelist")

    def act(action):
        response = editor_client.post(
            url, {"action": action, "_selected_action": [obj.pk]}, follow=True
        )
        obj.refresh_from_db()
        return response

    response = act("send_to_review")
    assert obj.status == EditorialStatus.IN_REVIEW
    assert obj.published_at is None
    assert_contains(response, f"1 {model._meta.verbose_name} moved to “In review”.")

    act("publish")
    assert obj.status == EditorialStatus.PUBLISHED
    first_published = obj.published_at
    assert first_published is not None

    act("move_back_to_draft")
    assert obj.status == EditorialStatus.DRAFT
    assert obj.published_at == first_published  # the first publication is history

    response = act("move_back_to_draft")
    assert_contains(response, f"0 {model._meta.verbose_name_plural} moved to “Draft”.")
    assert_contains(response, "1 was there already.")


def test_publishing_through_the_form_stamps_publication(editor_client):
    topic = TopicFactory(status=EditorialStatus.DRAFT, published_at=None)
    url = admin_url(Topic, "change", topic.pk)
    response = editor_client.post(
        url, form_data(editor_client.get(url), status=EditorialStatus.PUBLISHED)
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.is_published
    assert topic.published_at is not None


def test_override_without_justification_is_explained_on_the_form(editor_client):
    # an evidence judgement: the editors' alone (tests/test_revisions.py)
    intervention = make_intervention()
    url = admin_url(Intervention, "change", intervention.pk)
    response = editor_client.post(
        url,
        form_data(
            editor_client.get(url),
            rating_override=EffectCertainty.HIGH,
            rating_override_justification="",
        ),
    )
    assert_contains(response, "Explain why the rules")
    intervention.refresh_from_db()
    assert intervention.rating_override == ""


def test_override_with_justification_is_saved(editor_client):
    # an evidence judgement: the editors' alone (tests/test_revisions.py)
    intervention = make_intervention()
    url = admin_url(Intervention, "change", intervention.pk)
    response = editor_client.post(
        url,
        form_data(
            editor_client.get(url),
            rating_override=EffectCertainty.LOW,
            rating_override_justification="The single study's groups were not described.",
        ),
    )
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.rating == EffectCertainty.LOW


def test_malformed_doi_is_explained_on_the_study_form(curator_client):
    study = make_study()
    Study.objects.filter(pk=study.pk).update(doi="10.1111/medu.70055")
    url = admin_url(Study, "change", study.pk)
    response = curator_client.post(url, form_data(curator_client.get(url), doi="not-a-doi"))
    assert_contains(response, "not-a-doi is not a DOI")
    study.refresh_from_db()
    assert study.doi == "10.1111/medu.70055"


def test_intervention_page_shows_the_rating_with_its_reasons(curator_client):
    intervention = make_intervention()
    Intervention.objects.filter(pk=intervention.pk).update(
        computed_rating=EffectCertainty.MODERATE,
        computed_rating_reasons=["Rated down one level: a single study is all there is."],
    )
    response = curator_client.get(admin_url(Intervention, "change", intervention.pk))
    assert_contains(response, "Does it work?")
    assert_contains(response, "Moderate")
    assert_contains(
        response,
        "<ul><li>Rated down one level: a single study is all there is.</li></ul>",
        html=True,
    )


def test_saving_an_intervention_recomputes_its_rating(editor_client):
    # an editor's save goes live; a curator's to a published record waits (test_revisions)
    intervention = make_intervention()  # one published, appraised study evaluated it
    OutcomeFactory(study=intervention.study_links.get().study)  # an outcome naming it
    assert intervention.computed_rating == EffectCertainty.NOT_EVALUATED
    url = admin_url(Intervention, "change", intervention.pk)
    editor_client.post(url, form_data(editor_client.get(url)))
    intervention.refresh_from_db()
    assert intervention.computed_rating != EffectCertainty.NOT_EVALUATED
    assert intervention.computed_rating_reasons


def test_adding_an_intervention_rates_it_at_once(curator_client):
    url = admin_url(Intervention, "add")
    response = curator_client.post(
        url,
        form_data(
            curator_client.get(url),
            name="Reverse mentoring",
            slug="reverse-mentoring",
            intervention_type="mentoring",
            summary="Students mentor senior staff.",
        ),
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get(slug="reverse-mentoring")
    assert intervention.status == EditorialStatus.DRAFT
    assert intervention.computed_rating == EffectCertainty.NOT_EVALUATED
    assert intervention.computed_rating_reasons  # says why: no appraised study yet


def test_saving_a_study_recomputes_the_ratings_of_its_interventions(editor_client):
    # an editor's save goes live; a curator's to a published record waits (test_revisions)
    link = InterventionStudyFactory()
    OutcomeFactory(study=link.study)
    url = admin_url(Study, "change", link.study.pk)
    response = editor_client.post(url, form_data(editor_client.get(url)))
    assert response.status_code == 302
    link.intervention.refresh_from_db()
    assert link.intervention.computed_rating != EffectCertainty.NOT_EVALUATED


def test_publishing_a_study_recomputes_the_ratings_of_its_interventions(editor_client):
    link = InterventionStudyFactory(study__status=EditorialStatus.DRAFT, study__published_at=None)
    OutcomeFactory(study=link.study)
    editor_client.post(
        admin_url(Study, "changelist"), {"action": "publish", "_selected_action": [link.study.pk]}
    )
    link.intervention.refresh_from_db()
    assert link.intervention.computed_rating != EffectCertainty.NOT_EVALUATED


def test_deleting_a_study_recomputes_the_ratings_of_its_interventions(admin_client):
    kept = InterventionStudyFactory()
    removed = InterventionStudyFactory(intervention=kept.intervention)
    for link in (kept, removed):
        OutcomeFactory(study=link.study, intervention=kept.intervention)
    rating.refresh_rating(kept.intervention)
    two_studies = kept.intervention.evidence_profile

    response = admin_client.post(admin_url(Study, "delete", removed.study.pk), {"post": "yes"})
    assert response.status_code == 302
    kept.intervention.refresh_from_db()
    assert kept.intervention.evidence_profile != two_studies


def test_view_on_site_links_only_published_records(curator_client):
    published = TopicFactory()
    draft = TopicFactory(status=EditorialStatus.DRAFT, published_at=None)
    assert_contains(
        curator_client.get(admin_url(Topic, "change", published.pk)),
        published.get_absolute_url(),
    )
    assert_not_contains(
        curator_client.get(admin_url(Topic, "change", draft.pk)), draft.get_absolute_url()
    )
