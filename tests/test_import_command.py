"""`manage.py import_references FILE ...`: bulk imports, a dry run, re-runs that change nothing."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from resources.models import EditorialStatus, SourceDocument, Study, StudyAuthor

DATA = Path(__file__).parent / "data" / "imports"
FILES = [DATA / "zotero_export.ris", DATA / "references.bib", DATA / "zotero_export.json"]

pytestmark = pytest.mark.django_db


def counts():
    return (Study.objects.count(), StudyAuthor.objects.count(), SourceDocument.objects.count())


def run(*args):
    call_command("import_references", *map(str, args))


def test_dry_run_prints_the_report_and_writes_nothing(capsys):
    run(*FILES, "--dry-run")
    out = capsys.readouterr().out
    assert "zotero_export.ris (RIS): 4 records; 4 to create" in out
    assert "record 3 (line 27): Garneau 2023" in out
    assert "will be created as a draft" in out
    assert "Dry run: nothing was written." in out
    assert counts() == (0, 0, 0)


def test_a_run_imports_every_file_as_drafts(capsys):
    run(*FILES)
    assert "Imported 11 new draft studies." in capsys.readouterr().out
    assert Study.objects.filter(status=EditorialStatus.DRAFT).count() == 11
    assert set(SourceDocument.objects.values_list("file_name", flat=True)) == {
        "zotero_export.ris",
        "references.bib",
        "zotero_export.json",
    }


def test_running_again_changes_nothing(capsys):
    run(*FILES)
    before = counts()
    run(*FILES)
    out = capsys.readouterr().out
    assert "Imported 0 new draft studies." in out
    assert "4 records; 0 to create, 4 matching existing studies" in out
    assert counts() == before


def test_a_record_repeated_across_files_is_created_once(tmp_path, capsys):
    copy = tmp_path / "copy.ris"
    copy.write_bytes((DATA / "zotero_export.ris").read_bytes())
    run(DATA / "zotero_export.ris", copy)
    assert Study.objects.count() == 4
    assert "copy.ris (RIS): 4 records; 0 to create, 4 matching" in capsys.readouterr().out


def test_a_broken_record_in_any_file_imports_nothing(tmp_path, capsys):
    broken = tmp_path / "broken.ris"
    broken.write_text("TY  - JOUR\nAU  - Doe, J\nPY  - 2021\nER  - \n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run(*FILES, broken)
    assert "Nothing was imported from broken.ris: record 1 (line 1): it has no title" in str(
        caught.value
    )
    assert "record 1 (line 1): Doe 2021" in capsys.readouterr().out
    assert counts() == (0, 0, 0)


def test_an_unreadable_file_imports_nothing(tmp_path):
    empty = tmp_path / "empty.bib"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match=r"Nothing was imported\. .*empty\.bib is empty"):
        run(DATA / "zotero_export.ris", empty)
    assert counts() == (0, 0, 0)


def test_long_files_show_a_progress_bar(tmp_path, capsys):
    records = [
        f"TY  - JOUR\nTI  - Generated study number {n}\nAU  - Author{n}, A\nPY  - 2020\nER  - \n"
        for n in range(60)
    ]
    long_file = tmp_path / "long.ris"
    long_file.write_text("\n".join(records), encoding="utf-8")
    run(long_file)
    assert "Importing: 100%" in capsys.readouterr().err
    assert Study.objects.count() == 60


def test_short_files_need_no_progress_bar(capsys):
    run(DATA / "zotero_export.ris")
    assert "Importing" not in capsys.readouterr().err


def test_crossref_lookup_needs_the_setting(settings):
    settings.CROSSREF_LOOKUP = False
    with pytest.raises(CommandError, match="set CROSSREF_LOOKUP=1"):
        run(DATA / "zotero_export.ris", "--crossref")
