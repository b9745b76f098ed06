"""A curator imports a file, reads the preview, confirms and sends a study to review; an
editor publishes it; it appears on the public site; the history shows both changes, and
restoring the first version works."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from django.urls import reverse

from resources.models import EditorialStatus, SourceDocument, Study
from tests.factories import UserFactory
from tests.test_admin import form_data

DATA = Path(__file__).parent / "data" / "imports"
SLUG = "afolabi-2021-student-led-efforts-to-advance-anti"

pytestmark = pytest.mark.django_db

assert_contains = SimpleTestCase().assertContains
assert_not_contains = SimpleTestCase().assertNotContains


def upload(client, name, content):
    return client.post(
        reverse("admin:resources_study_import"), {"file": SimpleUploadedFile(name, content)}
    )


def test_curator_imports_sends_to_review_and_an_editor_publishes(client, curator):
    editor = UserFactory(username="editor", is_staff=True, groups=["editors"])
    client.force_login(curator)

    # the studies list links to the import page
    assert_contains(
        client.get(reverse("admin:resources_study_changelist")),
        reverse("admin:resources_study_import"),
    )

    # upload: a preview of every record, nothing written yet
    preview = upload(client, "zotero_export.ris", (DATA / "zotero_export.ris").read_bytes())
    assert_contains(preview, "zotero_export.ris (RIS): 4 records; 4 to create")
    assert_contains(preview, "Student-led efforts to advance anti-racist medical education")
    assert_contains(preview, "1 (line 1)")
    assert_contains(preview, "Confirm: import 4 new draft studies")
    assert Study.objects.count() == 0
    # what each record becomes, and what a reference file cannot carry
    assert_contains(
        preview, "Create</strong> as a draft, not yet appraised, with no practice links"
    )
    assert_contains(preview, "no abstract in the file", count=4)
    assert_not_contains(preview, "Problem:")  # each row's action, not a blank problem
    assert_contains(preview, "no links to practices (evaluated, explored or described)")

    # confirm: the same file, carried back signed, is imported as drafts
    payload = preview.context["confirm_form"]["payload"].value()
    done = client.post(reverse("admin:resources_study_import"), {"payload": payload}, follow=True)
    assert_contains(done, "Imported 4 new draft studies from zotero_export.ris")
    assert_contains(done, "Link each new study to its practices and appraise it in its form.")
    source = SourceDocument.objects.get(file_name="zotero_export.ris")
    study = Study.objects.get(slug=SLUG)
    assert study.status == EditorialStatus.DRAFT
    assert list(study.sources.all()) == [source]

    # confirming the same preview again creates nothing twice
    client.post(reverse("admin:resources_study_import"), {"payload": payload})
    assert Study.objects.count() == 4

    # send to review; the public page stays closed
    changelist = reverse("admin:resources_study_changelist")
    client.post(changelist, {"action": "send_to_review", "_selected_action": [study.pk]})
    study.refresh_from_db()
    assert study.status == EditorialStatus.IN_REVIEW
    client.logout()
    assert client.get(f"/studies/{SLUG}/").status_code == 404

    # an editor publishes
    client.force_login(editor)
    client.post(changelist, {"action": "publish", "_selected_action": [study.pk]})
    study.refresh_from_db()
    assert study.status == EditorialStatus.PUBLISHED

    # the public site shows it
    client.logout()
    public = client.get(f"/studies/{SLUG}/")
    assert public.status_code == 200
    assert_contains(public, "Student-led efforts to advance anti-racist medical education")

    # the history shows both changes, each by its author
    client.force_login(editor)
    history = client.get(reverse("admin:resources_study_history", args=[study.pk]))
    records = list(study.history.all())
    assert [(r.status, r.history_user) for r in records] == [
        (EditorialStatus.PUBLISHED, editor),
        (EditorialStatus.IN_REVIEW, curator),
        (EditorialStatus.DRAFT, curator),
    ]
    assert_contains(history, "In review")
    assert_contains(history, "&rarr;", count=2)

    # restoring the first version brings the draft back
    first = records[-1]
    url = reverse("admin:resources_study_simple_history", args=[study.pk, first.history_id])
    assert client.post(url, form_data(client.get(url))).status_code == 302
    study.refresh_from_db()
    assert study.status == EditorialStatus.DRAFT
    client.logout()
    assert client.get(f"/studies/{SLUG}/").status_code == 404


def test_the_preview_says_when_a_record_brings_its_abstract(curator_client):
    content = (DATA / "crossref_medu.70055.json").read_bytes()
    assert_contains(upload(curator_client, "medu.70055.json", content), "abstract included")


def test_a_second_confirmation_creates_nothing_and_asks_for_no_appraisal(curator_client):
    preview = upload(curator_client, "refs.ris", (DATA / "zotero_export.ris").read_bytes())
    payload = preview.context["confirm_form"]["payload"].value()
    url = reverse("admin:resources_study_import")
    curator_client.post(url, {"payload": payload}, follow=True)  # its message read
    again = curator_client.post(url, {"payload": payload}, follow=True)
    assert_contains(again, "Imported 0 new draft studies")
    assert_not_contains(again, "appraise it in its form")


def test_a_broken_file_shows_its_problems_and_offers_no_confirm(curator_client):
    content = b"TY  - JOUR\nTI  - Fine\nER  -\nTY  - JOUR\nAU  - Doe, J\nER  -\n"
    response = upload(curator_client, "broken.ris", content)
    assert_contains(response, "Nothing will be imported from this file")
    assert_contains(response, "record 2 (line 4): it has no title")
    assert_not_contains(response, "Confirm: import")
    assert Study.objects.count() == 0


def test_an_unreadable_file_is_explained_on_the_form(curator_client):
    response = upload(
        curator_client, "latin1.ris", "TY  - JOUR\nTI  - Ölveczky\n".encode("latin-1")
    )
    assert_contains(response, "line 2: not UTF-8 text")
    assert Study.objects.count() == 0


def test_a_tampered_preview_cannot_be_confirmed(curator_client):
    response = curator_client.post(
        reverse("admin:resources_study_import"), {"payload": "forged"}, follow=True
    )
    assert_contains(response, "This preview cannot be confirmed: upload the file again.")
    assert Study.objects.count() == 0


def test_the_import_page_offers_the_crossref_lookup_only_when_it_is_on(curator_client, settings):
    url = reverse("admin:resources_study_import")
    page = curator_client.get(url)
    assert_contains(page, 'type="file"')
    assert_not_contains(page, "Fill missing fields from Crossref")
    settings.CROSSREF_LOOKUP = True
    assert_contains(curator_client.get(url), "Fill missing fields from Crossref")
