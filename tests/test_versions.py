"""Published versions: numbered on each publication, with notes and what moved."""

import pytest
from django.urls import reverse

from resources import versions, workflow
from resources.models import Certainty, EditorialStatus, Recommendation, Version
from tests.factories import (
    FindingFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_recommendation():
    recommendation = RecommendationFactory(
        slug="reverse-mentoring",
        status=EditorialStatus.IN_REVIEW,
        published_at=None,
        certainty=Certainty.LOW,
    )
    RecommendationEvidenceFactory(recommendation=recommendation, study=StudyFactory(slug="s1"))
    return recommendation


def republish(obj, editor, **change):
    workflow.transition(obj, EditorialStatus.DRAFT, editor)
    for name, value in change.pop("fields", {}).items():
        setattr(obj, name, value)
    obj.save()
    workflow.transition(obj, EditorialStatus.PUBLISHED, editor, **change)


def test_the_first_publication_is_version_1(draft_recommendation, editor):
    workflow.transition(draft_recommendation, EditorialStatus.PUBLISHED, editor)

    recommendation = Recommendation.objects.get(pk=draft_recommendation.pk)
    assert recommendation.version == 1
    assert recommendation.version_changed_at is not None
    [version] = versions.history(recommendation)
    assert (version.number, version.note, version.major) == (1, versions.FIRST_NOTE, False)
    assert version.snapshot["certainty"] == "low"
    assert version.snapshot["evidence"] == [{"study": "s1", "relation": "supports", "note": ""}]
    assert version.published_by == editor


def test_a_changed_judgement_makes_a_major_version_that_says_what_moved(
    draft_recommendation, editor
):
    workflow.transition(draft_recommendation, EditorialStatus.PUBLISHED, editor)
    republish(
        draft_recommendation,
        editor,
        fields={"certainty": Certainty.VERY_LOW},
        change_note="A second appraisal found serious risk of bias.",
    )

    newest, first = versions.history(draft_recommendation)
    assert newest.number == 2 and newest.major
    assert newest.note == "A second appraisal found serious risk of bias."
    assert newest.changes == ["Certainty of evidence: Low → Very low"]
    assert Version.objects.get(pk=first.pk).snapshot["certainty"] == "low", "kept as published"
    assert Recommendation.objects.get(pk=draft_recommendation.pk).version == 2


def test_a_wording_change_is_minor_unless_the_editor_says_major(draft_recommendation, editor):
    workflow.transition(draft_recommendation, EditorialStatus.PUBLISHED, editor)
    republish(draft_recommendation, editor, fields={"rationale": "Reworded."}, change_note="Typo.")
    newest = versions.history(draft_recommendation)[0]
    assert (newest.number, newest.major, newest.changes) == (2, False, [])


def test_republishing_an_unchanged_record_makes_no_new_version(draft_recommendation, editor):
    workflow.transition(draft_recommendation, EditorialStatus.PUBLISHED, editor)
    republish(draft_recommendation, editor)
    assert [v.number for v in versions.history(draft_recommendation)] == [1]


def test_a_finding_confidence_that_moves_is_named_by_its_position(editor):
    study = StudyFactory(slug="wyatt-2025")
    FindingFactory(study=study, position=2, confidence=Certainty.MODERATE)
    versions.record_version(study)
    study.findings.update(confidence=Certainty.LOW)

    version = versions.record_version(study, note="Re-assessed with CERQual.", user=editor)

    assert version.major
    assert version.changes == ["CERQual confidence for finding 2: Moderate → Low"]


def test_the_seed_library_starts_at_version_1_and_loading_it_again_keeps_it():
    from django.core.management import call_command

    call_command("load_seed", verbosity=0)
    published = Recommendation.objects.published()
    assert published.exists()
    assert set(published.values_list("version", flat=True)) == {1}
    call_command("load_seed", verbosity=0)
    assert set(Recommendation.objects.published().values_list("version", flat=True)) == {1}
    assert Version.objects.filter(number__gt=1).count() == 0


def test_each_version_has_its_own_address_showing_it_as_published(
    draft_recommendation, editor, visitor
):
    draft_recommendation.statement = "Consider reverse mentoring."
    draft_recommendation.save()
    workflow.transition(draft_recommendation, EditorialStatus.PUBLISHED, editor)
    republish(
        draft_recommendation,
        editor,
        fields={"statement": "We suggest reverse mentoring.", "certainty": Certainty.VERY_LOW},
        change_note="Reworded after review.",
    )

    page = visitor.get("/recommendations/reverse-mentoring/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Version 2 · changed" in html
    assert "Reworded after review." in html
    assert "Certainty of evidence: Low → Very low" in html
    assert 'href="/recommendations/reverse-mentoring/versions/1/"' in html

    old = visitor.get("/recommendations/reverse-mentoring/versions/1/")
    assert old.status_code == 200
    assert "Consider reverse mentoring." in old.content.decode()
    assert "We suggest reverse mentoring." not in old.content.decode()
    assert "This is not the current version" in old.content.decode()
    assert (
        "This is the current version"
        in visitor.get("/recommendations/reverse-mentoring/versions/2/").content.decode()
    )
    assert visitor.get("/recommendations/reverse-mentoring/versions/3/").status_code == 404

    workflow.transition(draft_recommendation, EditorialStatus.DRAFT, editor)
    assert visitor.get("/recommendations/reverse-mentoring/versions/1/").status_code == 404


def test_a_version_page_shows_curator_text_only_through_the_sanitiser(visitor):
    from tests.test_markdown_sanitising import Audit

    study = StudyFactory(slug="s", key_findings="<img src=x onerror=alert(1)> **found**")
    versions.record_version(study)
    html = visitor.get("/studies/s/versions/1/").content.decode()
    assert Audit(html).problems == []
    assert "<strong>found</strong>" in html


def test_an_editor_saving_a_published_record_in_the_admin_gives_its_note_to_a_new_version(
    draft_recommendation, editor, editor_client
):
    from django.urls import reverse

    from tests.test_admin import form_data

    workflow.transition(draft_recommendation, EditorialStatus.PUBLISHED, editor)
    url = reverse("admin:resources_recommendation_change", args=[draft_recommendation.pk])
    page = editor_client.get(url)
    assert "Publishing a change" in page.content.decode()

    response = editor_client.post(
        url,
        form_data(
            page,
            certainty=Certainty.VERY_LOW,
            change_note="A second appraisal found serious risk of bias.",
            major_change="on",
        ),
    )
    assert response.status_code == 302
    newest = versions.history(draft_recommendation)[0]
    assert (newest.number, newest.major) == (2, True)
    assert newest.note == "A second appraisal found serious risk of bias."
    assert newest.changes == ["Certainty of evidence: Low → Very low"]

    editor_client.post(url, form_data(editor_client.get(url)))  # saved, nothing changed
    assert Recommendation.objects.get(pk=draft_recommendation.pk).version == 2


def test_the_citation_box_and_the_exports_name_the_version_and_the_date_accessed(visitor):
    import csv
    import io

    import rispy
    from django.utils import timezone

    study = StudyFactory(slug="wyatt-2025", title="Self-curated collectives")
    versions.record_version(study)
    today = timezone.localdate()

    page = visitor.get("/studies/wyatt-2025/").content.decode()
    assert "This library's record of the study: version 1 of" in page
    assert f"accessed {today.day} {today:%B %Y}" in page

    ris = rispy.loads(visitor.get("/studies/wyatt-2025/cite.ris").content.decode())
    assert ris[0]["notes"] == [
        f"Evidence library record /studies/wyatt-2025/, version 1 of {today.day} "
        f"{today:%B %Y}, accessed {today.day} {today:%B %Y}"
    ]
    exported = visitor.get("/studies/export/?format=csv").content.decode()
    [row] = csv.DictReader(io.StringIO(exported))
    assert (row["library_version"], row["accessed"]) == ("1", today.isoformat())


def test_bulk_publishing_changed_records_asks_once_for_their_note(editor, editor_client):
    def recommendation(slug):
        record = RecommendationFactory(slug=slug, status=EditorialStatus.IN_REVIEW, title=slug)
        RecommendationEvidenceFactory(recommendation=record)
        workflow.transition(record, EditorialStatus.PUBLISHED, editor)
        workflow.transition(record, EditorialStatus.DRAFT, editor)
        return record

    changed = recommendation("changed")
    Recommendation.objects.filter(pk=changed.pk).update(rationale="Reworded.")
    unchanged = recommendation("unchanged")
    new = RecommendationFactory(
        slug="new", title="new", status=EditorialStatus.IN_REVIEW, published_at=None
    )
    RecommendationEvidenceFactory(recommendation=new)
    selected = [changed.pk, unchanged.pk, new.pk]
    changelist = reverse("admin:resources_recommendation_changelist")

    asked = editor_client.post(changelist, {"action": "publish", "_selected_action": selected})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "1 of the selected recommendations was published before and has changed" in page
    assert f'href="{reverse("admin:resources_recommendation_change", args=[changed.pk])}"' in page
    assert "<li>unchanged</li>" in page and "<li>new</li>" in page  # published, with no note
    assert not Recommendation.objects.published().exists(), "nothing is published yet"

    without_note = {
        "action": "publish",
        "_selected_action": selected,
        "confirm_publish": "yes",
        "change_note": " ",
    }
    refused = editor_client.post(changelist, without_note)
    assert "This field is required." in refused.content.decode()
    assert not Recommendation.objects.published().exists()

    editor_client.post(changelist, {**without_note, "change_note": "Rationale reworded."})
    assert Recommendation.objects.published().count() == 3
    newest, _ = versions.history(changed)
    assert (newest.number, newest.note, newest.major) == (2, "Rationale reworded.", False)
    assert newest.published_by == editor
    assert [v.number for v in versions.history(unchanged)] == [1]
    [first] = versions.history(new)
    assert first.note == versions.FIRST_NOTE


def test_bulk_publishing_only_new_or_unchanged_records_asks_nothing(editor, editor_client):
    record = RecommendationFactory(slug="r", status=EditorialStatus.IN_REVIEW, published_at=None)
    RecommendationEvidenceFactory(recommendation=record)
    workflow.transition(record, EditorialStatus.PUBLISHED, editor)
    workflow.transition(record, EditorialStatus.DRAFT, editor)  # withdrawn, not changed
    assert not versions.publishing_changes(record)

    response = editor_client.post(
        reverse("admin:resources_recommendation_changelist"),
        {"action": "publish", "_selected_action": [record.pk]},
    )
    assert response.status_code == 302
    assert Recommendation.objects.get(pk=record.pk).is_published
    assert [v.number for v in versions.history(record)] == [1]
