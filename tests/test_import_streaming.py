"""A long RIS file imports in constant memory: read a record at a time, matched and written a
batch at a time, with only fingerprints of the records seen and the first problems by name
kept; and still all or nothing, with the same report as a file read whole.

The batch size is made small here so that a few dozen records span several batches.
"""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.importers import ImportFileError, open_records, parse_file, plan
from resources.importers.plan import ImportRefused, apply, import_records, make_plan
from resources.models import SourceDocument, Study, StudyAuthor
from tests.factories import StudyFactory

DATA = Path(__file__).parent / "data" / "imports"
BATCH = 5

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setattr(plan, "BATCH_SIZE", BATCH)


def record(n: int, *, doi: str = "", year: str = "2020") -> str:
    lines = ["TY  - JOUR", f"TI  - Generated study number {n}", f"AU  - Author{n}, A"]
    lines += [f"PY  - {year}", *([f"DO  - {doi}"] if doi else []), "ER  - ", ""]
    return "\n".join(lines)


def ris_file(tmp_path, records: list[str], name: str = "long.ris") -> Path:
    path = tmp_path / name
    path.write_text("".join(records), encoding="utf-8")
    return path


def counts():
    return (Study.objects.count(), StudyAuthor.objects.count(), SourceDocument.objects.count())


def test_a_ris_file_is_read_a_record_at_a_time(tmp_path):
    path = ris_file(tmp_path, [record(n) for n in range(1, 4)])
    path.write_bytes(path.read_bytes() + b"TY  - JOUR\nTI  - S\xe9dillot\nER  - \n")
    records = open_records(path).read(lambda problem: None)
    # the first records come before the bad byte at the end has been read
    assert [next(records).number for _ in range(3)] == [1, 2, 3]
    with pytest.raises(ImportFileError, match="line 17: not UTF-8 text"):
        next(records)


def test_studies_are_written_a_batch_at_a_time_as_the_file_is_read(tmp_path):
    path = ris_file(tmp_path, [record(n) for n in range(1, 13)])
    source = open_records(path)
    read = source.read
    saved_when_read = {}

    def reading(problem):
        for each in read(problem):
            saved_when_read[each.number] = Study.objects.count()
            yield each

    source.read = reading
    import_records(source)
    assert [saved_when_read[n] for n in (1, 5, 6, 10, 11, 12)] == [0, 0, 5, 5, 10, 10]
    assert Study.objects.count() == 12


def test_each_batch_is_inserted_in_a_few_statements_not_a_record_at_a_time(tmp_path):
    path = ris_file(tmp_path, [record(n) for n in range(1, 13)])
    with CaptureQueriesContext(connection) as captured:
        import_records(open_records(path))
    inserts = [q["sql"] for q in captured if q["sql"].startswith('INSERT INTO "resources_study"')]
    assert len(inserts) == 3  # 12 records in batches of 5


def test_a_bad_record_late_in_a_long_file_imports_nothing(tmp_path):
    records = [record(n) for n in range(1, 31)] + [record(31, year="soon")]
    path = ris_file(tmp_path, records)
    with pytest.raises(ImportRefused) as caught:
        import_records(open_records(path))
    assert caught.value.plan.problems == ["record 31 (line 151): its year “soon” is not a year"]
    assert counts() == (0, 0, 0)  # the six batches before it are undone


def test_a_byte_that_is_not_utf8_late_in_a_long_file_imports_nothing(tmp_path):
    path = ris_file(tmp_path, [record(n) for n in range(1, 31)])
    path.write_bytes(path.read_bytes() + b"TY  - JOUR\nTI  - S\xe9dillot\nER  - \n")
    with pytest.raises(CommandError, match=r"Nothing was imported\. .*line 152: not UTF-8"):
        call_command("import_references", str(path))
    assert counts() == (0, 0, 0)


def test_a_doi_repeated_in_a_later_batch_is_a_duplicate(tmp_path):
    records = [record(1, doi="10.5555/repeated")] + [record(n) for n in range(2, 12)]
    records.append(record(12, doi="https://doi.org/10.5555/REPEATED"))
    tally = import_records(open_records(ris_file(tmp_path, records)))
    assert tally.actions["duplicate"] == 1
    assert list(tally.report_lines())[-1].endswith("duplicate of record 1 in this file")
    assert Study.objects.filter(doi="10.5555/repeated").count() == 1


def test_a_record_matching_a_study_in_the_library_is_not_created(tmp_path):
    existing = StudyFactory(doi="10.5555/in-the-library")
    records = [record(n) for n in range(1, 9)] + [record(9, doi="10.5555/in-the-library")]
    tally = import_records(open_records(ris_file(tmp_path, records)))
    assert tally.actions["existing"] == 1
    assert f"matches an existing study: {existing}" in list(tally.report_lines())[-1]
    assert Study.objects.count() == 9


def test_a_refusal_names_the_first_problems_and_counts_the_rest(tmp_path):
    bad = plan.PROBLEMS_NAMED + 5
    path = ris_file(tmp_path, [record(n, year="soon") for n in range(1, bad + 1)])
    with pytest.raises(ImportRefused) as caught:
        import_records(open_records(path))
    refused = caught.value
    assert len(refused.plan.problems) == plan.PROBLEMS_NAMED
    assert refused.plan.problem_count == bad
    assert str(refused).endswith("its year “soon” is not a year; and 5 more")


def test_the_report_lists_every_record_however_many_problems(tmp_path, capsys):
    bad = plan.PROBLEMS_NAMED + 5
    path = ris_file(tmp_path, [record(n, year="soon") for n in range(1, bad + 1)])
    with pytest.raises(CommandError):
        call_command("import_references", str(path))
    out = capsys.readouterr().out
    assert f"{bad} records; 0 to create, 0 matching existing studies" in out
    assert out.count("problem: its year “soon” is not a year") == bad


def test_the_streamed_report_is_the_report_of_the_file_read_whole(tmp_path):
    text = (DATA / "zotero_export.ris").read_text() + "stray words\r\n" + record(5)
    path = ris_file(tmp_path, [text.replace("\n", "\r\n")], name="export.ris")
    with pytest.raises(ImportRefused) as streamed:
        import_records(open_records(path))
    whole = make_plan(parse_file(path))
    assert list(streamed.value.plan.report_lines()) == whole.report_lines()


def test_a_record_that_cannot_be_saved_refuses_the_file_and_names_it(tmp_path, monkeypatch):
    StudyFactory(doi="10.5555/taken", title="Saved by another curator meanwhile")
    monkeypatch.setattr(plan, "existing_index", plan._Index)  # as if saved after the file opened
    records = [record(n) for n in range(1, 8)] + [record(8, doi="10.5555/taken")]
    with pytest.raises(ImportRefused) as caught:
        import_records(open_records(ris_file(tmp_path, records)))
    (problem,) = caught.value.plan.problems
    assert problem.startswith("record 8 (line 36): it cannot be saved:")
    assert "Another study already has this DOI" in problem
    assert Study.objects.count() == 1


def test_the_whole_file_import_records_who_imported_each_study_and_from_where(tmp_path, curator):
    path = ris_file(tmp_path, [record(n) for n in range(1, 13)])
    result = apply(parse_file(path), curator)
    assert len(result.created) == 12
    assert {study.history.get().history_user for study in result.created} == {curator}
    assert list(result.created[11].sources.all()) == [result.source]
