"""A file with any unreadable record imports nothing, and says which records and why.

Duplicates are never created twice, whether they repeat an existing study or an earlier
record in the same file. Non-UTF-8 text is refused (not guessed at) with the line of the
first byte that is not UTF-8; an empty file says that no records were found.
"""

from pathlib import Path

import pytest

from resources.importers import ImportFileError, parse_file
from resources.importers.plan import Action, ImportRefused, apply, make_plan
from resources.models import SourceDocument, Study, StudyAuthor
from tests.factories import StudyAuthorFactory, StudyFactory

DATA = Path(__file__).parent / "data" / "imports"

pytestmark = pytest.mark.django_db

GOOD_RECORD = """TY  - JOUR
TI  - Comics as anti-racist education and advocacy
AU  - Obuobi, S
AU  - Vela, MB
AU  - Callender, B
T2  - The Lancet
PY  - 2021
VL  - 397
IS  - 10285
SP  - 1615
EP  - 7
ER  -
"""


def counts():
    return (Study.objects.count(), StudyAuthor.objects.count(), SourceDocument.objects.count())


def refused(parsed, user=None) -> ImportRefused:
    before = counts()
    with pytest.raises(ImportRefused) as caught:
        apply(parsed, user)
    assert counts() == before  # nothing half-imported
    return caught.value


def test_ris_record_without_its_end_imports_nothing_and_names_the_record():
    text = (
        GOOD_RECORD + "\nTY  - JOUR\nTI  - A record that never ends\nPY  - 2021\n\n" + GOOD_RECORD
    )
    parsed = parse_file(text.encode(), "broken.ris")
    error = refused(parsed)
    assert error.plan.problems == [
        "record 2 (line 14): it has no ER line; the next record starts on line 18"
    ]
    assert "Nothing was imported from broken.ris" in str(error)


def test_ris_text_outside_a_record_is_reported_with_its_line():
    parsed = parse_file((GOOD_RECORD + "stray words\n").encode(), "stray.ris")
    assert refused(parsed).plan.problems == [
        "line 13: text outside a record (a record starts with TY)"
    ]


def test_broken_bibtex_record_imports_nothing_and_names_its_line():
    text = (
        (DATA / "references.bib")
        .read_text()
        .replace("  title = {Racial justice", "  title = {Racial justice", 1)
    )
    text = text.replace("  volume = {14},\n  number = {4},", "  volume = {14,\n  number = {4},")
    parsed = parse_file(text.encode(), "broken.bib")
    error = refused(parsed)
    (problem,) = error.plan.problems
    assert problem.startswith("record 2 (line 15): BibTeX cannot read it:")
    assert [e.action for e in error.plan.entries].count(Action.CREATE) == 3


def test_record_without_title_or_with_an_unreadable_year_is_a_problem():
    untitled = "TY  - JOUR\nAU  - Doe, J\nPY  - 2021\nER  -\n"
    text = untitled + "TY  - JOUR\nTI  - Dated\nPY  - soon\nER  -\n"
    assert refused(parse_file(text.encode(), "x.ris")).plan.problems == [
        "record 1 (line 1): it has no title",
        "record 2 (line 5): its year “soon” is not a year",
    ]


def test_model_validation_failure_is_a_problem_of_its_record():
    text = GOOD_RECORD + "\n" + GOOD_RECORD.replace("PY  - 2021", "PY  - 2021\nDO  - not-a-doi")
    text = text.replace("Comics as", "Cartoons as", 1)
    problems = refused(parse_file(text.encode(), "x.ris")).plan.problems
    assert len(problems) == 1
    assert problems[0].startswith("record 2 (line 14): doi: not-a-doi is not a DOI")


def test_duplicate_inside_the_file_is_created_once(curator):
    text = GOOD_RECORD + "\n" + GOOD_RECORD.replace("TI  - Comics", "TI  - COMICS:")
    result = apply(parse_file(text.encode(), "twice.ris"), curator)
    assert len(result.created) == 1
    assert result.plan.entries[1].action == Action.DUPLICATE
    assert result.plan.entries[1].duplicate_of == 1
    assert "duplicate of record 1 in this file" in result.plan.report_lines()[-1]
    assert Study.objects.count() == 1


def test_same_doi_inside_the_file_is_a_duplicate_whatever_its_form():
    first = GOOD_RECORD.replace("PY  - 2021", "PY  - 2021\nDO  - 10.1016/S0140-6736(21)00811-1")
    second = first.replace("DO  - 10.1016/S", "DO  - https://doi.org/10.1016/s").replace(
        "Comics as", "Different title"
    )
    plan = make_plan(parse_file((first + second).encode(), "x.ris"))
    assert [e.action for e in plan.entries] == [Action.CREATE, Action.DUPLICATE]


def test_duplicate_of_an_existing_study_by_doi_is_not_created(curator):
    existing = StudyFactory(doi="10.1016/s0140-6736(21)00811-1", title="Another wording")
    text = GOOD_RECORD.replace("PY  - 2021", "PY  - 2021\nDO  - 10.1016/S0140-6736(21)00811-1")
    result = apply(parse_file(text.encode(), "x.ris"), curator)
    assert result.created == []
    assert result.source is None
    assert result.plan.entries[0].existing == existing
    assert Study.objects.count() == 1


def test_duplicate_of_an_existing_study_by_title_year_and_first_author_is_not_created(curator):
    existing = StudyFactory(title="Comics as Anti-Racist Education and Advocacy.", year=2021)
    StudyAuthorFactory(study=existing, position=1, family_name="Obuobi")
    plan = make_plan(parse_file(GOOD_RECORD.encode(), "x.ris"))
    assert plan.entries[0].action == Action.EXISTING
    assert plan.entries[0].existing == existing


def test_same_title_in_another_year_is_a_different_study():
    existing = StudyFactory(title="Comics as anti-racist education and advocacy", year=2019)
    StudyAuthorFactory(study=existing, position=1, family_name="Obuobi")
    plan = make_plan(parse_file(GOOD_RECORD.encode(), "x.ris"))
    assert plan.entries[0].action == Action.CREATE


def test_reimporting_the_same_file_changes_nothing(curator):
    apply(parse_file(DATA / "references.bib"), curator)
    before = counts()
    result = apply(parse_file(DATA / "references.bib"), curator)
    assert result.created == []
    assert len(result.plan.existing) == 4
    assert counts() == before


def test_non_utf8_file_is_refused_with_the_line_of_the_first_bad_byte():
    data = "TY  - JOUR\nTI  - Sédillot\n".encode() + "AU  - Ölveczky, D\nER  - \n".encode("latin-1")
    before = counts()
    with pytest.raises(ImportFileError) as caught:
        parse_file(data, "latin1.ris")
    assert str(caught.value).startswith("line 3: not UTF-8 text; export the file as UTF-8")
    assert counts() == before


def test_utf8_with_a_byte_order_mark_is_read():
    parsed = parse_file(b"\xef\xbb\xbf" + GOOD_RECORD.encode(), "bom.ris")
    assert parsed.records[0].title == "Comics as anti-racist education and advocacy"


@pytest.mark.parametrize("content", [b"", b"\n  \n"])
def test_empty_file_says_no_records_were_found(content):
    with pytest.raises(ImportFileError, match=r"empty: no records found"):
        parse_file(content, "empty.ris")


def test_json_without_records_says_no_records_were_found():
    with pytest.raises(ImportFileError, match=r"No records found in empty\.json"):
        parse_file(b"[]", "empty.json")


def test_invalid_json_names_its_line():
    with pytest.raises(ImportFileError, match=r"line 2: not valid JSON"):
        parse_file(b'[\n{"title": }]', "bad.json")


def test_a_file_in_no_known_format_is_refused():
    with pytest.raises(ImportFileError, match="not a reference file this library reads"):
        parse_file(b"Just some notes about studies.", "notes.txt")
