"""Every fact in the shipped seed fixtures can be traced back to the seed text it came from.

These tests read fixtures/*.json and seeds/*.txt directly; they never touch the database,
so they run in a second and fail the moment a figure, a DOI, a title or an author drifts
away from what the seed documents actually say.
"""

import json
import re
import unicodedata
from collections import defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from resources.models.choices import (
    AppraisalStatus,
    AppraisalTool,
    Audience,
    Certainty,
    Concern,
    Direction,
    EditorialStatus,
    EvidenceRelation,
    Holdings,
    InterventionType,
    KirkpatrickLevel,
    LearnerLevel,
    LinkType,
    RecommendationStrength,
    RiskOfBias,
    Setting,
    SourceKind,
    StudyDesign,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PROVENANCED = ("study", "intervention", "recommendation", "topic")
SET_BY_CODE = (
    "computed_rating",
    "computed_rating_reasons",
    "rating",
    "confidence",  # a finding's, derived from its GRADE-CERQual components
    "created_at",
    "updated_at",
)
# Text the library writes in its own voice; it must not lift sentences from the seeds.
OWN_VOICE = {
    "study": (
        "methods_summary",
        "setting",
        "participants",
        "key_findings",
        "limitations",
        "appraisal_summary",
        "risk_of_bias_notes",
    ),
    "finding": (
        "statement",
        "confidence_explanation",
        "methodological_limitations_explanation",
        "coherence_explanation",
        "adequacy_explanation",
        "relevance_explanation",
    ),
    "outcome": ("notes",),
    "intervention": (
        "summary",
        "audience",
        "how_it_works",
        "implementation_steps",
        "resources_needed",
        "barriers",
        "facilitators",
    ),
    "interventionstudy": ("what_it_found",),
    "recommendation": ("statement", "rationale"),
    "recommendationevidence": ("note",),
    "topic": ("description",),
}
COPY_WINDOW = 8  # this many consecutive words shared with a seed counts as copying


# ----------------------------------------------------------------------------- helpers
@cache
def records() -> tuple[dict, ...]:
    """All fixture records in load order, each tagged with its model name and file."""
    loaded = []
    for path in sorted(FIXTURES.glob("*.json")):
        for record in json.loads(path.read_text(encoding="utf-8")):
            model = record["model"].removeprefix("resources.")
            loaded.append({**record, "name": model, "file": path.name})
    return tuple(loaded)


def of(model: str) -> list[dict]:
    return [r for r in records() if r["name"] == model]


def by_slug(model: str) -> dict[str, dict]:
    return {r["fields"]["slug"]: r["fields"] for r in of(model)}


def seed_text(file_name: str) -> str:
    return (ROOT / file_name).read_text(encoding="utf-8")


def sources_text(fields: dict) -> str:
    """The text of every seed a record names as its source."""
    documents = by_slug("sourcedocument")
    return "\n".join(seed_text(documents[key[0]]["file_name"]) for key in fields["sources"])


def study_seed(study_slug: str) -> str:
    return sources_text(by_slug("study")[study_slug])


def squash(text: str) -> str:
    """Case, accents' composition, whitespace and punctuation removed: only letters and digits."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def number(value) -> str:
    """A decimal as the seed would print it: 45.000 -> 45, 0.0010 -> 0.001."""
    return format(Decimal(str(value)).normalize(), "f")


def reference_lines(text: str) -> dict[int, str]:
    """The numbered entries of a seed's reference list."""
    _, _, tail = text.partition("REFERENCES")
    assert tail, "the citing seed has no reference list"
    entries = {}
    for line in tail.splitlines():
        match = re.match(r"^\s*(\d+)\.\s+(.*\S)", line)
        if match:
            entries[int(match.group(1))] = match.group(2)
    return entries


def reference_numbers(link: dict) -> list[int]:
    return [int(n) for n in link["numbers"].split(",")]


def reference_entries() -> list[tuple[dict, dict, list[str]]]:
    """(reference link, cited study, the reference-list lines it stands for)."""
    studies = by_slug("study")
    entries = []
    for record in of("studyreference"):
        link = record["fields"]
        lines = reference_lines(study_seed(link["citing"][0]))
        cited = studies[link["cited"][0]]
        entries.append((link, cited, [lines[n] for n in reference_numbers(link)]))
    return entries


def table_row(text: str, measure: str) -> tuple[list[str], list[str]]:
    """The tab-separated row for a measure and the header row of the table it sits in."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) > 1 and squash(cells[0]) == squash(measure):
            top = index  # a table is a run of lines with the same number of cells
            while top > 0 and len(lines[top - 1].split("\t")) == len(cells):
                top -= 1
            if top == index:
                pytest.fail(f"no header row above the {measure!r} row")
            return [c.strip() for c in lines[top].split("\t")], cells
    pytest.fail(f"{measure!r} is not a row of any results table in its seed")


def column(header: list[str], label: str) -> int:
    """The column whose heading starts with the label's first word, e.g. 'Control'."""
    first = words(label)[0]
    matches = [i for i, cell in enumerate(header) if words(cell)[:1] == [first]]
    assert len(matches) == 1, f"no single column for {label!r} in {header}"
    return matches[0]


def has_word(text: str, phrase: str) -> bool:
    """The phrase occurs as whole words (any case): 'Wyat' is not found in 'Wyatt'."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) is not None


def without_quotations(text: str) -> str:
    """Short attributed quotations are allowed to repeat the source word for word."""
    return re.sub(r"\u201c[^\u201d]*\u201d|\"[^\"]*\"", " ", text)


# ----------------------------------------------------------------------------- figures
def test_each_outcome_figure_appears_in_its_seed_results_table():
    outcomes = of("outcome")
    assert outcomes, "the seed fixtures should carry the Shahzad et al. outcomes"
    for record in outcomes:
        outcome = record["fields"]
        header, row = table_row(study_seed(outcome["study"][0]), outcome["measure"])
        unit = outcome["unit"]
        treated = row[column(header, outcome["intervention_label"])]
        compared = row[column(header, outcome["comparison_label"])]
        p_cell = row[next(i for i, cell in enumerate(header) if "p-value" in cell.lower())]
        assert treated == f"{number(outcome['intervention_value'])}{unit}", outcome["measure"]
        assert compared == f"{number(outcome['comparison_value'])}{unit}", outcome["measure"]
        assert p_cell.replace(" ", "") == (
            f"{outcome['p_value_qualifier']}{number(outcome['p_value'])}"
        ), outcome["measure"]


def test_each_outcome_group_size_is_the_n_its_seed_gives_that_group():
    for record in of("outcome"):
        outcome = record["fields"]
        text = squash(study_seed(outcome["study"][0]))
        for label, n in (
            (outcome["intervention_label"], outcome["intervention_n"]),
            (outcome["comparison_label"], outcome["comparison_n"]),
        ):
            if n is not None:
                assert squash(f"{label} (n={n})") in text, (outcome["measure"], label, n)


def test_each_sample_size_appears_in_its_seed():
    for slug, study in by_slug("study").items():
        if study["sample_size"] is not None:
            pattern = rf"(?<!\d){study['sample_size']}(?!\d)"
            assert re.search(pattern, sources_text(study)), slug


def test_each_citation_count_is_stated_by_its_seed_and_left_undated():
    for slug, study in by_slug("study").items():
        count = study["citation_count"]
        if count is None:
            continue
        text = sources_text(study)
        stated = (f'"citationCount":"{count}"', f"Cited by {count} publications")
        assert any(form in text for form in stated), slug
        # No seed says on what date a count was taken, so none may be invented.
        assert study["citation_count_date"] is None, slug


def test_each_open_access_flag_is_stated_by_its_seed():
    for slug, study in by_slug("study").items():
        flag = study["is_open_access"]
        if flag is not None:
            assert f'"isOpenAccess":{str(flag).lower()}' in sources_text(study), slug


# ----------------------------------------------------------------------------- bibliography
def test_each_doi_appears_in_the_seed_named_by_its_study_sources():
    for slug, study in by_slug("study").items():
        doi = study["doi"]
        if doi:
            assert doi == doi.strip().lower(), f"{slug}: a DOI is stored in lower case"
            assert re.fullmatch(r"10\.\d{4,9}/\S+", doi), f"{slug}: store the bare DOI"
            assert doi in sources_text(study).lower(), slug


def test_dois_are_unique_across_studies():
    dois = [s["doi"] for s in by_slug("study").values() if s["doi"]]
    assert len(dois) == len(set(dois))


def test_each_study_title_appears_word_for_word_in_its_seed():
    for slug, study in by_slug("study").items():
        assert study["title"].strip(), slug
        assert squash(study["title"]) in squash(sources_text(study)), slug


def test_each_abstract_is_the_seeds_own_text():
    for slug, study in by_slug("study").items():
        seed = squash(sources_text(study))
        for paragraph in study["abstract"].split("\n"):
            paragraph = paragraph.replace("[\u2026]", "")
            assert squash(paragraph) in seed, (slug, paragraph[:60])


def test_each_author_family_name_appears_in_its_seed():
    authors = of("studyauthor")
    assert authors
    for record in authors:
        author = record["fields"]
        text = study_seed(author["study"][0])
        name = author["family_name"] or author["literal_name"]
        assert name and has_word(text, name), author
        for given in author["given_names"].split():
            assert has_word(text, given), author


def test_authors_are_numbered_from_one_without_gaps():
    positions = defaultdict(list)
    for record in of("studyauthor"):
        positions[record["fields"]["study"][0]].append(record["fields"]["position"])
    for slug, numbers in positions.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), slug


# ----------------------------------------------------------------------------- reference list
def test_each_catalogued_reference_year_appears_on_its_reference_line():
    entries = reference_entries()
    assert entries
    for link, cited, lines in entries:
        for line in lines:
            if cited["year"] is None:
                assert not re.search(r"\b(19|20)\d\d\b", line), (link, "the line gives a year")
            else:
                assert str(cited["year"]) in line, (cited["slug"], line)


def test_each_catalogued_reference_lists_the_authors_of_its_line_in_order():
    authors = defaultdict(list)
    for record in sorted(of("studyauthor"), key=lambda r: r["fields"]["position"]):
        author = record["fields"]
        authors[author["study"][0]].append(f"{author['family_name']} {author['given_names']}")
    for _link, cited, lines in reference_entries():
        for line in lines:
            byline = line.split(". ")[0]
            assert ", ".join(authors[cited["slug"]]) == byline, cited["slug"]


def test_each_reference_list_entry_is_catalogued_exactly_once():
    by_citing = defaultdict(list)
    for record in of("studyreference"):
        link = record["fields"]
        by_citing[link["citing"][0]].extend(reference_numbers(link))
    assert by_citing
    for citing, numbers in by_citing.items():
        listed = sorted(reference_lines(study_seed(citing)))
        assert sorted(numbers) == listed, citing


def test_duplicate_reference_entries_are_merged_into_one_study():
    for _link, cited, lines in reference_entries():
        assert len(set(lines)) == 1, (cited["slug"], "merged entries differ")
    seen = {}
    for _link, cited, lines in reference_entries():
        key = squash(lines[0])
        assert key not in seen, (cited["slug"], seen.get(key), "same entry, two studies")
        seen[key] = cited["slug"]
    titles = [squash(s["title"]) for s in by_slug("study").values()]
    assert len(titles) == len(set(titles)), "two studies share a title"


def test_catalogued_references_are_published_but_not_yet_appraised():
    for _link, cited, _lines in reference_entries():
        assert cited["status"] == EditorialStatus.PUBLISHED, cited["slug"]
        assert cited["appraisal_status"] == AppraisalStatus.NOT_APPRAISED, cited["slug"]
        assert not cited["appraisal_tool"] and not cited["risk_of_bias"], cited["slug"]


# ----------------------------------------------------------------------------- provenance
def test_every_record_that_should_carry_provenance_names_an_existing_seed():
    documents = by_slug("sourcedocument")
    for model in PROVENANCED:
        assert of(model), f"no {model} records in the fixtures"
        for record in of(model):
            fields = record["fields"]
            assert fields["sources"], (model, fields["slug"])
            for (slug,) in fields["sources"]:
                document = documents[slug]
                assert document["kind"] == SourceKind.SEED, slug
                assert document["file_name"].startswith("seeds/"), slug
                assert (ROOT / document["file_name"]).is_file(), slug


def test_every_source_study_the_library_holds_enough_of_is_fully_appraised():
    """A source study is appraised from its full text or abstract; one held only as a title
    and part of an abstract stays a catalogue entry that says why."""
    cited = {link["cited"][0] for link in (r["fields"] for r in of("studyreference"))}
    sources = {slug: s for slug, s in by_slug("study").items() if slug not in cited}
    assert len(sources) == len(by_slug("sourcedocument"))
    appraised = {}
    for slug, study in sources.items():
        if Holdings(study["holdings"]).enough_to_appraise:
            appraised[slug] = study
        else:
            assert study["appraisal_status"] == AppraisalStatus.NOT_APPRAISED, slug
            assert "Not yet appraised" in study["appraisal_summary"], slug
    assert appraised
    for slug, study in appraised.items():
        assert study["appraisal_status"] == AppraisalStatus.APPRAISED, slug
        for field in ("design", "appraisal_tool", "risk_of_bias", "appraisal_summary"):
            assert study[field], (slug, field)
        if StudyDesign(study["design"]).is_qualitative:
            assert any(f["fields"]["study"] == [slug] for f in of("finding")) or (
                "not in the library's source" in study["key_findings"]
            ), slug


def test_a_comparison_the_methods_never_describe_is_appraised_as_high_risk():
    """The brief's example: qualitative methods, yet results compare a control and an
    intervention group, which also differed at baseline."""
    checked = 0
    for slug, study in by_slug("study").items():
        outcomes = [o["fields"] for o in of("outcome") if o["fields"]["study"] == [slug]]
        seed = study_seed(slug)
        if not outcomes or "qualitative approach" not in seed.lower():
            continue
        checked += 1
        assert study["appraisal_status"] == AppraisalStatus.APPRAISED, slug
        assert study["risk_of_bias"] == RiskOfBias.HIGH, slug
        said = " ".join(
            study[f] for f in ("appraisal_summary", "risk_of_bias_notes", "limitations")
        )
        _header, baseline = table_row(seed, "Previous Activism")
        for cell in baseline[1:]:
            assert cell.split()[0] in said, (slug, "baseline imbalance not named", cell)
    assert checked, "the seed with mismatched methods and results is not in the fixtures"


def test_fixtures_use_natural_keys_and_leave_computed_fields_to_code():
    for record in records():
        assert "pk" not in record, (record["file"], record["fields"])
        for field in SET_BY_CODE:
            assert field not in record["fields"], (record["file"], field)


def test_every_natural_key_points_at_a_record_loaded_earlier():
    targets = {
        "study": "study",
        "citing": "study",
        "cited": "study",
        "intervention": "intervention",
        "interventions": "intervention",
        "recommendation": "recommendation",
        "topics": "topic",
        "sources": "sourcedocument",
        "countries": "country",
    }
    defined = set()
    for record in records():
        for field, target in targets.items():
            value = record["fields"].get(field)
            if not value:
                continue
            keys = value if isinstance(value[0], list) else [value]
            for key in keys:
                assert (target, tuple(key)) in defined, (record["file"], field, key)
        fields = record["fields"]
        key = fields.get("slug") or fields.get("code")
        if key:
            defined.add((record["name"], (key,)))


# ----------------------------------------------------------------------------- vocabularies
def test_published_records_use_only_the_allowed_choices():
    allowed = {
        "study": {
            "design": {*StudyDesign.values, ""},
            "appraisal_status": set(AppraisalStatus.values),
            "appraisal_tool": {*AppraisalTool.values, ""},
            "risk_of_bias": {*RiskOfBias.values, ""},
        },
        "studylearnerlevel": {"level": set(LearnerLevel.values)},
        "outcome": {
            "kirkpatrick_level": set(KirkpatrickLevel.values),
            "direction": set(Direction.values),
            "p_value_qualifier": {"=", "<", ">", ""},
        },
        "finding": {
            "methodological_limitations": set(Concern.values),
            "coherence": set(Concern.values),
            "adequacy": set(Concern.values),
            "relevance": set(Concern.values),
            "kirkpatrick_level": {*KirkpatrickLevel.values, ""},
        },
        "intervention": {
            "intervention_type": set(InterventionType.values),
            "setting": {*Setting.values, ""},
        },
        "interventionstudy": {
            "link_type": set(LinkType.values),
            "direction": {*Direction.values, ""},
        },
        "recommendation": {
            "audience": set(Audience.values),
            "strength": set(RecommendationStrength.values),
            "certainty": set(Certainty.values),
        },
        "recommendationevidence": {"relation": set(EvidenceRelation.values)},
        "sourcedocument": {"kind": set(SourceKind.values)},
    }
    for record in records():
        fields = record["fields"]
        if record["name"] in PROVENANCED:
            assert fields["status"] in EditorialStatus.values, fields["slug"]
            if fields["status"] == EditorialStatus.PUBLISHED:
                assert fields["published_at"], fields["slug"]
        for field, values in allowed.get(record["name"], {}).items():
            assert fields[field] in values, (record["name"], field, fields[field])


def test_interventions_recommendations_and_topics_are_linked_to_evidence():
    linked = defaultdict(set)
    for record in of("interventionstudy"):
        linked[record["fields"]["intervention"][0]].add(record["fields"]["study"][0])
    for slug in by_slug("intervention"):
        assert linked[slug], f"{slug} has no study behind it"
    evidence = defaultdict(set)
    for record in of("recommendationevidence"):
        evidence[record["fields"]["recommendation"][0]].add(record["fields"]["study"][0])
    for slug, recommendation in by_slug("recommendation").items():
        assert evidence[slug], f"{slug} cites no study"
        assert recommendation["interventions"], f"{slug} concerns no intervention"
    used = {
        key[0]
        for model in ("study", "intervention", "recommendation")
        for fields in by_slug(model).values()
        for key in fields["topics"]
    }
    assert set(by_slug("topic")) <= used, "a topic has nothing in it"


# ----------------------------------------------------------------------------- own voice
def test_library_voice_text_does_not_copy_sentences_from_the_seeds():
    seeds = (
        " "
        + " ".join(
            " ".join(words(seed_text(d["file_name"]))) for d in by_slug("sourcedocument").values()
        )
        + " "
    )
    for record in records():
        for field in OWN_VOICE.get(record["name"], ()):
            tokens = words(without_quotations(record["fields"][field]))
            for start in range(len(tokens) - COPY_WINDOW + 1):
                window = " ".join(tokens[start : start + COPY_WINDOW])
                assert f" {window} " not in seeds, (record["name"], field, window)
