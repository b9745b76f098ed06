"""A write changes the fields a curator may write, and nothing else, whatever else it sends.

Each writable endpoint is sent keys outside its writable set (ids, timestamps, the
computed rating, links that are curated elsewhere, a token's user and hash, another
study's id inside nested rows...). The row is then read back from the database and every
field outside the writable set is compared with what it would be without those keys.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from resources import rating
from resources.api import serializers
from resources.models import (
    ApiToken,
    EditorialStatus,
    Intervention,
    InterventionStudy,
    Recommendation,
    RecommendationEvidence,
    SourceDocument,
    SourceKind,
    Study,
    StudyReference,
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
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# What a curator may write, by model attribute: the specification the serializers follow.
WRITABLE = {
    Study: {
        "slug", "title", "authors", "year", "publication_date", "journal", "volume", "issue",
        "pages", "doi", "url", "abstract", "holdings", "design", "methods_summary", "setting",
        "countries",
        "participants", "learner_levels", "sample_size", "key_findings", "limitations",
        "appraisal_status", "appraisal_tool", "appraisal_score", "appraisal_score_max",
        "appraisal_summary", "risk_of_bias", "risk_of_bias_domains", "risk_of_bias_notes",
        "is_open_access",
        "citation_count", "citation_count_date", "topics", "outcomes", "findings", "status",
    },
    Intervention: {
        "slug", "name", "intervention_type", "setting", "summary", "audience", "how_it_works",
        "implementation_steps", "resources_needed", "barriers", "facilitators", "topics",
        "rating_override", "rating_override_justification", "publication_bias", "status",
    },
    Recommendation: {
        "slug", "title", "statement", "rationale", "audience", "strength", "certainty",
        "benefits_and_harms", "values_and_preferences", "practical_considerations",
        "interventions", "topics", "status",
    },
    Topic: {"slug", "name", "description", "status"},
}  # fmt: skip
SERIALIZERS = {
    Study: serializers.StudySerializer,
    Intervention: serializers.InterventionSerializer,
    Recommendation: serializers.RecommendationSerializer,
    Topic: serializers.TopicSerializer,
}
COLLECTION = {
    Study: "studies",
    Intervention: "interventions",
    Recommendation: "recommendations",
    Topic: "topics",
}
LONG_AGO = "2001-01-01T00:00:00Z"
ALL_MODELS = pytest.mark.parametrize("model", list(WRITABLE), ids=lambda m: m.__name__)


def new_body(model, slug: str) -> dict:
    return {
        Study: {"title": f"Study {slug}", "slug": slug, "year": 2024},
        Intervention: {
            "name": f"Practice {slug}",
            "slug": slug,
            "intervention_type": "mentoring",
            "summary": "Students mentor staff.",
        },
        Recommendation: {
            "title": f"Recommendation {slug}",
            "slug": slug,
            "statement": "Offer it.",
            "rationale": "Studies report it helps.",
            "audience": "educators",
            "strength": "conditional",
            # no higher than its evidence, which measures nothing here
            "certainty": "very_low",
        },
        Topic: {"name": f"Topic {slug}", "slug": slug},
    }[model]


# A writable change per model, for the PATCH tests (field, new value)
CHANGE = {
    Study: ("key_findings", "Changed findings."),
    Intervention: ("how_it_works", "Changed text."),
    Recommendation: ("rationale", "Changed rationale."),
    Topic: ("description", "Changed description."),
}


@pytest.fixture
def elsewhere():
    """Records a forged key could point at: another study, its rows, a token, a source."""
    other = StudyFactory(slug="other-study", appraised=True)
    intervention = InterventionFactory(slug="other-practice")
    recommendation = RecommendationFactory(slug="other-recommendation")
    token, _ = ApiToken.issue(UserFactory(username="bystander"), "bystander's script")
    return {
        "study": other,
        "author": StudyAuthorFactory(study=other, position=1),
        "outcome": OutcomeFactory(study=other, position=1),
        "finding": FindingFactory(study=other, position=1),
        "intervention": intervention,
        "recommendation": recommendation,
        "token": token,
        "source": SourceDocument.objects.create(
            slug="a-source", title="A source", kind=SourceKind.CURATOR
        ),
    }


def forged_keys(model, elsewhere) -> dict:
    """Keys outside the model's writable set, each trying to change something."""
    other = elsewhere["study"]
    link = {"what_it_found": "forged", "direction": "improved"}
    keys = {
        "id": 999_999,
        "pk": 999_999,
        "created_at": LONG_AGO,
        "updated_at": LONG_AGO,
        "published_at": LONG_AGO,
        "computed_rating": "high",
        "computed_rating_reasons": ["typed in"],
        "rating": "high",
        "doi_url": "https://evil.example/doi",
        "url": "https://evil.example/record",
        "html_url": "https://evil.example/page",
        "history": [{"history_user": elsewhere["token"].user_id, "title": "forged"}],
        "history_user": elsewhere["token"].user_id,
        "user": elsewhere["token"].user_id,
        "key_hash": "0" * 64,
        "key_prefix": elsewhere["token"].key_prefix,
        "read_only": False,
        "sources": [elsewhere["source"].pk],
        "studies": [{"study": {"slug": other.slug}, **link}],
        "interventions": [{"intervention": {"slug": elsewhere["intervention"].slug}, **link}],
        "recommendations": [
            {"recommendation": {"slug": elsewhere["recommendation"].slug}, "relation": "supports"}
        ],
        "evidence": [{"study": {"slug": other.slug}, "relation": "supports", "note": "forged"}],
        "references": [{"study": {"slug": other.slug}, "numbers": "1"}],
        "cited_by": [{"study": {"slug": other.slug}, "numbers": "1"}],
    }
    writable_keys = {
        name for name, field in SERIALIZERS[model]().fields.items() if not field.read_only
    }
    return {key: value for key, value in keys.items() if key not in writable_keys}


def row(obj) -> dict:
    """Every column of the record, as stored."""
    fresh = type(obj).objects.get(pk=obj.pk)
    return {field.attname: getattr(fresh, field.attname) for field in obj._meta.concrete_fields}


def links_of(obj) -> dict:
    """The record's links that are curated elsewhere (the admin's inlines), never by this write."""
    links = {"sources": sorted(obj.sources.values_list("pk", flat=True))}
    if isinstance(obj, Study):
        links["intervention_links"] = sorted(obj.intervention_links.values_list("pk", flat=True))
        links["recommendation_evidence"] = sorted(
            obj.recommendation_evidence.values_list("pk", flat=True)
        )
        links["references"] = sorted(obj.reference_links.values_list("pk", flat=True))
        links["cited_by"] = sorted(obj.citation_links.values_list("pk", flat=True))
    if isinstance(obj, Intervention):
        links["study_links"] = sorted(obj.study_links.values_list("pk", flat=True))
    if isinstance(obj, Recommendation):
        links["evidence"] = sorted(obj.evidence.values_list("pk", flat=True))
    return links


def protected(model, values: dict) -> dict:
    """The columns outside the writable set (model attribute names)."""
    fields = (model._meta.get_field(name) for name in WRITABLE[model])
    writable = {field.attname for field in fields if field.concrete}
    return {name: value for name, value in values.items() if name not in writable}


def bystanders(elsewhere) -> dict:
    """What a forged key could reach outside the record: the other study and its rows,
    every token, every link table."""
    other = elsewhere["study"]
    return {
        "other study": row(other),
        "other study's rows": [
            row(elsewhere["author"]),
            row(elsewhere["outcome"]),
            row(elsewhere["finding"]),
        ],
        "tokens": sorted(ApiToken.objects.values_list("pk", "user_id", "key_hash", "read_only")),
        "study links": InterventionStudy.objects.count(),
        "evidence": RecommendationEvidence.objects.count(),
        "references": StudyReference.objects.count(),
    }


def assert_recent(moment):
    assert timezone.now() - moment < timedelta(minutes=1)


def test_the_serializers_writable_fields_are_exactly_the_specified_ones():
    for model, serializer_class in SERIALIZERS.items():
        serializer = serializer_class()
        related = set(serializer.related_names())  # rows and relations, read from prefetches
        writable = {
            name if name in related else field.source
            for name, field in serializer.fields.items()
            if not field.read_only
        }
        assert writable == WRITABLE[model], model.__name__


# Creating --------------------------------------------------------------------------------


@ALL_MODELS
def test_a_create_ignores_every_key_outside_the_writable_set(model, curator_api, elsewhere):
    collection = f"/api/v1/{COLLECTION[model]}/"
    before = bystanders(elsewhere)
    plain = curator_api.post(collection, new_body(model, "plain"), format="json")
    forged = curator_api.post(
        collection, {**new_body(model, "forged"), **forged_keys(model, elsewhere)}, format="json"
    )
    assert plain.status_code == forged.status_code == 201, forged.json()

    control, record = (model.objects.get(slug=slug) for slug in ("plain", "forged"))
    expected = protected(model, row(control))
    actual = protected(model, row(record))
    for varying in ("id", "created_at", "updated_at"):
        expected.pop(varying), actual.pop(varying)
    assert actual == expected
    assert record.pk != 999_999
    assert_recent(record.created_at)
    assert_recent(record.updated_at)
    assert record.status == EditorialStatus.DRAFT and record.published_at is None
    assert links_of(record) == links_of(control)
    assert not record.history.exclude(history_user=control.history.first().history_user).exists()
    assert bystanders(elsewhere) == before


@pytest.mark.parametrize("nested", ["authors", "outcomes", "findings"])
def test_nested_rows_belong_to_the_study_written_whatever_study_or_id_they_name(
    nested, curator_api, elsewhere
):
    other = elsewhere["study"]
    forged_row = {
        "authors": {"position": 1, "family_name": "Forged"},
        "outcomes": {"measure": "Forged", "kirkpatrick_level": "2a", "direction": "improved"},
        "findings": {"statement": "Forged"},
    }[nested]
    victim = elsewhere[nested.removesuffix("s")]
    forged_row |= {"study": other.pk, "study_id": other.pk, "id": victim.pk, "pk": victim.pk}
    before = bystanders(elsewhere)

    response = curator_api.post(
        "/api/v1/studies/", {**new_body(Study, "mine"), nested: [forged_row]}, format="json"
    )

    assert response.status_code == 201, response.json()
    mine = Study.objects.get(slug="mine")
    (created,) = getattr(mine, nested).all()
    assert created.pk != victim.pk
    assert bystanders(elsewhere) == before


# Updating --------------------------------------------------------------------------------


def existing(model, status=EditorialStatus.PUBLISHED):
    """A record with links of every kind curated elsewhere; published unless `status` says
    otherwise (a curator's change to a published record waits as a revision)."""
    if model is Study:
        record = StudyFactory(slug="mine", appraised=True, status=status)
        InterventionStudyFactory(study=record)
        RecommendationEvidenceFactory(study=record)
        return record
    if model is Intervention:
        link = InterventionStudyFactory(intervention__slug="mine", intervention__status=status)
        rating.refresh_rating(link.intervention)
        return link.intervention
    if model is Recommendation:
        return RecommendationEvidenceFactory(
            recommendation__slug="mine", recommendation__status=status
        ).recommendation
    return TopicFactory(slug="mine", status=status)


@ALL_MODELS
@pytest.mark.parametrize("method", ["patch", "put"])
def test_an_update_changes_only_what_it_may(model, method, curator_api, elsewhere):
    record = existing(model, status=EditorialStatus.DRAFT)
    before, links, others = row(record), links_of(record), bystanders(elsewhere)
    field, value = CHANGE[model]
    body = {field: value, **forged_keys(model, elsewhere)}
    if method == "put":
        body = {**new_body(model, "mine"), **body}

    response = getattr(curator_api, method)(
        f"/api/v1/{COLLECTION[model]}/mine/", body, format="json"
    )

    assert response.status_code == 200, response.json()
    after = row(record)
    assert after[field] == value
    expected, actual = protected(model, before), protected(model, after)
    expected.pop("updated_at"), actual.pop("updated_at")
    assert actual == expected
    assert_recent(after["updated_at"])
    assert links_of(record) == links
    assert bystanders(elsewhere) == others


@pytest.mark.parametrize("nested", ["authors", "outcomes", "findings"])
def test_replacing_nested_rows_never_reaches_another_studys_rows(nested, curator_api, elsewhere):
    StudyFactory(slug="mine", status=EditorialStatus.DRAFT)
    victim = elsewhere[nested.removesuffix("s")]
    forged_row = {
        "authors": {"position": 1, "family_name": "Forged"},
        "outcomes": {"measure": "Forged", "kirkpatrick_level": "2a", "direction": "improved"},
        "findings": {"statement": "Forged"},
    }[nested] | {"study": elsewhere["study"].pk, "id": victim.pk}
    before = bystanders(elsewhere)

    response = curator_api.patch("/api/v1/studies/mine/", {nested: [forged_row]}, format="json")

    assert response.status_code == 200, response.json()
    assert getattr(Study.objects.get(slug="mine"), nested).get().pk != victim.pk
    assert bystanders(elsewhere) == before


@ALL_MODELS
@pytest.mark.parametrize("method", ["patch", "put"])
def test_a_record_cannot_take_another_records_slug(model, method, curator_api):
    existing(model)
    other = {
        Study: StudyFactory,
        Intervention: InterventionFactory,
        Recommendation: RecommendationFactory,
        Topic: TopicFactory,
    }[model](slug="theirs")
    mine_before, theirs_before = row(model.objects.get(slug="mine")), row(other)
    body = {"slug": "theirs"}
    if method == "put":
        body = {**new_body(model, "theirs"), **body}

    response = getattr(curator_api, method)(
        f"/api/v1/{COLLECTION[model]}/mine/", body, format="json"
    )

    assert response.status_code == 400
    assert "slug" in response.json()["errors"]
    assert row(model.objects.get(pk=mine_before["id"])) == mine_before
    assert row(other) == theirs_before


# Status: only through the workflow ----------------------------------------------------------


@ALL_MODELS
def test_a_curator_cannot_publish_by_create(model, curator_api):
    body = {**new_body(model, "mine"), "status": "published"}
    response = curator_api.post(f"/api/v1/{COLLECTION[model]}/", body, format="json")
    assert response.status_code == 403
    assert not model.objects.filter(slug="mine").exists()


@ALL_MODELS
@pytest.mark.parametrize(
    "current, target",
    [("draft", "published"), ("in_review", "published"), ("published", "draft")],
)
def test_a_curator_cannot_publish_or_unpublish_by_update(model, current, target, curator_api):
    record = existing(model)
    type(record).objects.filter(pk=record.pk).update(status=current)
    before = row(record)
    field, value = CHANGE[model]

    response = curator_api.patch(
        f"/api/v1/{COLLECTION[model]}/mine/", {"status": target, field: value}, format="json"
    )

    assert response.status_code == 403
    assert row(record) == before  # the other change is rolled back too


@ALL_MODELS
def test_a_curator_may_send_back_the_status_a_record_already_has(model, curator_api):
    """A script reads a published record, edits it and PUTs it back whole: the change waits
    for an editor as a revision, and the published record stays as it was."""
    before = row(existing(model))
    field, value = CHANGE[model]
    body = {**new_body(model, "mine"), "status": "published", field: value}
    response = curator_api.put(f"/api/v1/{COLLECTION[model]}/mine/", body, format="json")
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "pending"
    record = model.objects.get(slug="mine")
    assert record.status == EditorialStatus.PUBLISHED
    assert row(record) == before


@ALL_MODELS
def test_a_status_outside_the_workflow_is_refused(model, editor_api):
    record = existing(model)
    before = row(record)
    response = editor_api.patch(
        f"/api/v1/{COLLECTION[model]}/mine/", {"status": "archived"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    assert row(record) == before


def test_an_editor_publishing_cannot_choose_the_publication_date(editor_api):
    StudyFactory(slug="mine", status=EditorialStatus.DRAFT, published_at=None)
    response = editor_api.patch(
        "/api/v1/studies/mine/",
        {"status": "published", "published_at": LONG_AGO, "created_at": LONG_AGO},
        format="json",
    )
    assert response.status_code == 200, response.json()
    study = Study.objects.get(slug="mine")
    assert_recent(study.published_at)
    assert_recent(study.created_at)
