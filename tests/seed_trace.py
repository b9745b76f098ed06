"""Seed-trace checks: every fact in fixtures/ comes from the seed document it names.

A plain module shared by `test_seed_trace.py` (the shipped fixtures pass every check) and
`test_seed_trace_mutations.py` (a planted error of each kind is reported). Each check takes
a `Fixtures` (the records, possibly an edited in-memory copy) and returns `Problem`s; none
touches the database. The checks are grouped by the kind of error they catch, in `KINDS`.

Where a fact of a source study is traced to seed text, the span is written out below as a
quotation from the seed, so that a reader sees where it comes from.
"""

import bisect
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Problem:
    kind: str
    where: str  # the record, e.g. "study shahzad-…" or "finding wyatt-… #2"
    message: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.where}: {self.message}"


class Fixtures:
    """The fixture records in load order, with the seed texts they name."""

    def __init__(self, records: list[dict]):
        self.records = records

    @classmethod
    def load(cls, directory: Path = FIXTURES) -> "Fixtures":
        records = []
        for path in sorted(directory.glob("*.json")):
            records.extend(json.loads(path.read_text(encoding="utf-8")))
        return cls(records)

    def of(self, model: str) -> list[dict]:
        return [r["fields"] for r in self.records if r["model"] == f"resources.{model}"]

    def by_slug(self, model: str) -> dict[str, dict]:
        return {fields["slug"]: fields for fields in self.of(model)}

    @cached_property
    def studies(self) -> dict[str, dict]:
        return self.by_slug("study")

    @cached_property
    def cited(self) -> set[str]:
        """Studies catalogued from a reference list (their only source is a reference line)."""
        return {link["cited"][0] for link in self.of("studyreference")}

    def source_text(self, fields: dict) -> str:
        """The text of every seed a record names as its source."""
        documents = self.by_slug("sourcedocument")
        return "\n".join(
            seed_text(documents[key[0]]["file_name"])
            for key in fields.get("sources", [])
            if key[0] in documents
        )

    def study_text(self, slug: str) -> str:
        return self.source_text(self.studies[slug]) if slug in self.studies else ""

    def authors(self, slug: str) -> list[dict]:
        found = [a for a in self.of("studyauthor") if a["study"] == [slug]]
        return sorted(found, key=lambda a: a["position"])

    def learner_levels(self, slug: str) -> list[str]:
        return [row["level"] for row in self.of("studylearnerlevel") if row["study"] == [slug]]

    def lines_citing(self, slug: str) -> list[str]:
        """The reference-list lines that stand for a catalogued study."""
        return self._lines_by_cited.get(slug, [])

    @cached_property
    def _lines_by_cited(self) -> dict[str, list[str]]:
        return {cited["slug"]: lines for _link, cited, lines in self.reference_lines()}

    def reference_lines(self) -> list[tuple[dict, dict, list[str]]]:
        """(reference link, cited study, the lines of the citing seed's list it stands for)."""
        entries = []
        for link in self.of("studyreference"):
            lines = numbered_references(self.study_text(link["citing"][0]))
            cited = self.studies[link["cited"][0]]
            numbers = [int(n) for n in link["numbers"].split(",")]
            entries.append((link, cited, [lines.get(n, "") for n in numbers]))
        return entries


# ----------------------------------------------------------------------------- text helpers
@cache
def seed_text(file_name: str) -> str:
    return (ROOT / file_name).read_text(encoding="utf-8")


def squash(text: str) -> str:
    """Only letters and digits, case folded: punctuation and spacing do not count."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def words(text: str) -> list[str]:
    """Case, punctuation and whitespace normalised away; markup tags dropped."""
    text = re.sub(r"</?[A-Za-z][^<>]*>", " ", unicodedata.normalize("NFKC", text))
    return re.findall(r"\w+", text.casefold())


def has_token(text: str, value: str) -> bool:
    """The value occurs as a whole token: '2021 Dec 2' is not found in '2021 Dec 28'."""
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE) is not None


def is_empty(value) -> bool:
    return value in (None, "", [])


def numbered_references(text: str) -> dict[int, str]:
    """The numbered entries of a seed's reference list."""
    _, _, tail = text.partition("REFERENCES")
    entries = {}
    for line in tail.splitlines():
        if match := re.match(r"^\s*(\d+)\.\s+(.*\S)", line):
            entries[int(match.group(1))] = match.group(2)
    return entries


# ============================================================================ source studies
@dataclass(frozen=True)
class Fact:
    """What a seed's bibliographic part gives for one field: a value and the quotation it
    comes from, or value None where the seed gives nothing and the field stays empty."""

    value: str | None
    quote: str = ""


@dataclass(frozen=True)
class SourceStudy:
    """The three studies whose seed is their own record, with each fact's seed span.

    `header_ends_at` marks where the seed's own bibliographic part (its citation block)
    ends: a year, journal or date found only further down, in the text or its reference
    list, belongs to another work. The non-bibliographic facts map each value the fixture
    may hold to the span of seed text that gives it; a value not listed is not in the seed.
    """

    seed: str
    header_ends_at: str
    bibliography: dict[str, Fact]
    authors: str | None  # the seed's byline, quoted; None: the seed names no authors
    countries: dict[str, str] = field(default_factory=dict)
    sample_size: dict[int, str] = field(default_factory=dict)
    learner_levels: dict[str, str] = field(default_factory=dict)
    designs: dict[str, str] = field(default_factory=dict)
    holds: tuple[str, str] = ("title_only", "")  # the most of the work the seed holds

    def header(self) -> str:
        text = seed_text(self.seed)
        assert self.header_ends_at in text, (self.seed, self.header_ends_at)
        return text.partition(self.header_ends_at)[0]


SOURCE_STUDIES = {
    "wyatt-2025-as-a-resistor-you-are-not-alone": SourceStudy(
        seed="seeds/000_ffa5f3bd8d6b308c.txt",
        header_ends_at="\nAbstract\n",
        bibliography={
            "year": Fact("2025", '"publicationDate":"2025-10-21"'),
            "publication_date": Fact("2025-10-21", '"publicationDate":"2025-10-21"'),
            "journal": Fact("Medical Education", '"journal":{"name":"Medical Education"'),
            "volume": Fact(None, '"volume":" "'),
            "issue": Fact(None, '"journal":{"name":"Medical Education","volume":" ","pages":""}'),
            "pages": Fact(None, '"pages":""'),
            "doi": Fact("10.1111/medu.70055", '"doi":"10.1111/medu.70055"'),
            "url": Fact(None, '"url":null'),
        },
        authors='"authors":"Tasha R Wyatt, Emily Scarlett, Vinayak Jain, TingLan Ma"',
        countries={
            "US": "interviews with 18 trainees from the U.S. and Canada",
            "CA": "interviews with 18 trainees from the U.S. and Canada",
        },
        sample_size={18: "Phase one included interviews with 18 trainees"},
        # "trainees", with no stage of training: no learner level is given
        learner_levels={},
        designs={"qualitative": "with in-depth interviews conducted in two phases"},
        holds=(
            "abstract",
            '"abstract":"<p><strong>Introduction: </strong>When trainees encounter social harm',
        ),
    ),
    "shahzad-medical-learners-anti-racist-activism": SourceStudy(
        seed="seeds/001_bd93d26450c9cc0c.txt",
        header_ends_at="### ABSTRACT:",
        # The header is the title, the byline and affiliations: no year, journal, date,
        # DOI, volume, issue, pages or address. Those in the reference list are other works.
        bibliography={
            name: Fact(None)
            for name in ("year", "publication_date", "journal", "volume", "issue", "pages")
        }
        | {"doi": Fact(None), "url": Fact(None)},
        authors=(
            "<sup>1</sup>Babar Shahzad, <sup>2</sup>Hasnat Jahangir Jarral, "
            "<sup>3</sup>Abubakar Siddique, <sup>4</sup>Noor Fatima, <sup>5</sup>Dr zeenat, "
            "<sup>6</sup>Mansoor Musa"
        ),
        # The affiliations ("UHS, Lahore", "PIMS Islamabad") place the authors, not the
        # participants; the groups are "Control Group (n=100)" and "Intervention Group
        # (n=100)", with no total; "medical learners" has no stage of training.
        countries={},
        sample_size={},
        learner_levels={},
        designs={
            "mixed_methods": "combining qualitative and quantitative methods",
            "non_randomised_comparison": "Control Group (n=100)\tIntervention Group (n=100)",
        },
        holds=("full_text", "## **METHODOLOGY:**"),
    ),
    "challenging-deficit-discourse-reverse-mentoring-2021": SourceStudy(
        seed="seeds/002_f239dd46bf271502.txt",
        header_ends_at="\nAbstract:",
        bibliography={
            "year": Fact("2021", "2021\nDOI: 10.1136/bmjopen-2021-054890"),
            "doi": Fact("10.1136/bmjopen-2021-054890", "DOI: 10.1136/bmjopen-2021-054890"),
        }
        | {
            name: Fact(None)
            for name in ("publication_date", "journal", "volume", "issue", "pages", "url")
        },
        authors=None,
        countries={"GB": "One UK University created a reverse mentoring scheme"},
        learner_levels={
            "faculty": "using discourse analysis to explore staff perceptions",
        },
        designs={"qualitative": "using discourse analysis to explore staff perceptions"},
        holds=(
            "partial_abstract",
            "One UK University created a reverse mentoring scheme e… Show more",
        ),
    ),
}


def byline_names(quote: str) -> list[list[str]]:
    """The words of each author in a quoted byline, honorifics and markup removed."""
    quote = re.sub(r"<sup>\d+</sup>", "", quote.removeprefix('"authors":"').rstrip('"'))
    names = []
    for name in quote.split(","):
        tokens = [t for t in name.split() if t.casefold() not in {"dr", "dr."}]
        names.append(tokens)
    return names


def author_words(author: dict) -> list[str]:
    if author["literal_name"]:
        return author["literal_name"].split()
    return [*author["given_names"].split(), author["family_name"]]


def check_source_bibliography(fixtures: Fixtures) -> list[Problem]:
    """Kinds 1 and 2: a source study's bibliographic facts are those of the seed's own
    citation block; a field it does not give stays empty, and a year, journal or date
    found only in the seed's reference list belongs to another work."""
    problems = []
    for slug, study in fixtures.studies.items():
        if slug in fixtures.cited:
            continue
        where = f"study {slug}"
        trace = SOURCE_STUDIES.get(slug)
        if trace is None:
            problems.append(Problem("source", where, "no seed span is written for this study"))
            continue
        header = trace.header()
        if squash(study["title"]) not in squash(header):
            problems.append(Problem("source", where, "title is not the seed's own title"))
        for name, fact in trace.bibliography.items():
            stored = study[name]
            if fact.quote and fact.quote not in header:
                problems.append(Problem("source", where, f"{name}: span not in the header"))
            if fact.value is None:
                if not is_empty(stored):
                    problems.append(
                        Problem("source", where, f"{name} {stored!r}: the seed gives none")
                    )
            elif str(stored) != fact.value:
                problems.append(
                    Problem("source", where, f"{name} {stored!r}: the seed gives {fact.value!r}")
                )
        authors = fixtures.authors(slug)
        if trace.authors is None:
            if authors:
                problems.append(Problem("source", where, "authors: the seed names none"))
        else:
            if trace.authors not in header:
                problems.append(Problem("source", where, "authors: byline not in the header"))
            expected = [[w.casefold() for w in n] for n in byline_names(trace.authors)]
            stored = [[w.casefold() for w in author_words(a)] for a in authors]
            if stored != expected:
                problems.append(
                    Problem("source", where, f"authors {stored} are not the byline {expected}")
                )
    return problems


HOLDINGS = ["title_only", "partial_abstract", "abstract", "full_text"]


def _holds_more(study: dict, held: str) -> bool:
    """The study claims more of the work than its seed holds (a title is not an abstract)."""
    claimed = study.get("holdings")
    return bool(claimed) and HOLDINGS.index(claimed) > HOLDINGS.index(held)


def check_source_spans(fixtures: Fixtures) -> list[Problem]:
    """Kind 4: countries, sample size, learner levels and design of a source study are
    each one the seed gives, at the span quoted in SOURCE_STUDIES."""
    problems = []
    for slug, trace in SOURCE_STUDIES.items():
        study = fixtures.studies.get(slug)
        where = f"study {slug}"
        if study is None:
            problems.append(Problem("span", where, "missing from the fixtures"))
            continue
        text = seed_text(trace.seed)
        spans = [
            *trace.countries.values(),
            *trace.sample_size.values(),
            *trace.learner_levels.values(),
            *trace.designs.values(),
            trace.holds[1],
        ]
        for quote in spans:
            if quote not in text:
                problems.append(Problem("span", where, f"quoted span not in the seed: {quote!r}"))
        for (code,) in study["countries"]:
            if code not in trace.countries:
                problems.append(Problem("span", where, f"country {code}: the seed gives none"))
        size = study["sample_size"]
        if size is not None and size not in trace.sample_size:
            problems.append(Problem("span", where, f"sample size {size}: not in the seed"))
        for level in fixtures.learner_levels(slug):
            if level not in trace.learner_levels:
                problems.append(Problem("span", where, f"learner level {level}: not in the seed"))
        if _holds_more(study, trace.holds[0]):
            problems.append(
                Problem("span", where, f"holdings {study['holdings']}: the seed holds less")
            )
        if study["design"] and study["design"] not in trace.designs:
            problems.append(
                Problem("span", where, f"design {study['design']}: not what the seed describes")
            )
    return problems


# ============================================================================ reference list
REFERENCE_TAIL = re.compile(
    r"""^(?:In\s+)?\*?(?P<journal>.+?)\*?\.?\s+
    (?P<date>(?:19|20)\d\d(?:\s[A-Z][a-z]{2})?(?:\s\d{1,2})?)
    (?:;(?P<volume>[^(:.]+)(?:\((?P<issue>[^)]+)\))?)?
    (?::(?P<pages>[^.\s]+))?
    (?:\s\(Vol\.\s(?P<volume2>\w+),\sNo\.\s(?P<issue2>\w+),\spp\.\s(?P<pages2>[\w-]+)\))?
    \.(?:\s.*)?$""",
    re.VERBOSE,
)
# A reference line can give a value the catalogue rightly leaves out; each such case is
# listed with the reason, so that nothing else is left out silently.
NOT_CATALOGUED = {
    ("schreidah-2023-case-for-advocacy-curricula", "pages"): (
        "“2023 Oct 16:10-97” ends in the start of a DOI (10.1097), not pages"
    ),
}
# Words in a reference line that let a catalogued study carry a design or learner level.
DESIGN_WORDS = {
    "narrative_review": r"\breview\b",
    "systematic_review": r"\bsystematic review|meta-analysis",
    "commentary": r"\bpolicy statement|\bcommentary|\bframework\b|\bperspective",
    "programme_description": r"\bimplementation\b|\bprogramme\b|\bprogram\b",
}
LEVEL_WORDS = {
    "undergraduate": r"\bundergraduate|\bmedical students?\b|\bmedical school",
    "postgraduate": r"\bgraduate medical education|\bresiden|\btrainees?\b|\bpostgraduate",
    "faculty": r"\beducators?\b|\bfaculty\b|\bstaff\b",
}


# What a reference line never gives: a catalogued study leaves these empty.
CATALOGUE_EMPTY = (
    "abstract",
    "countries",
    "sample_size",
    "participants",
    "setting",
    "methods_summary",
    "key_findings",
    "limitations",
    "risk_of_bias_notes",
)


def parse_reference(line: str, title: str) -> dict | None:
    """The fields of a reference line, read after its byline and the catalogued title.
    None when the title is not the line's title."""
    byline, _, rest = line.partition(". ")
    for end in range(1, len(rest) + 1):
        if squash(rest[:end]) == squash(title) and (end == len(rest) or not rest[end].isalnum()):
            tail = rest[end:].lstrip(".? ")
            break
    else:
        return None
    parsed = {"byline": byline, "journal": "", "date": "", "volume": "", "issue": ""}
    parsed["pages"] = ""
    if tail:
        match = REFERENCE_TAIL.match(tail)
        if match is None:
            return {**parsed, "unparsed": tail}
        parsed.update(
            journal=match["journal"].strip(),
            date=match["date"],
            volume=match["volume"] or match["volume2"] or "",
            issue=match["issue"] or match["issue2"] or "",
            pages=match["pages"] or match["pages2"] or "",
        )
    return parsed


def line_date(text: str) -> tuple[int | None, date | None]:
    """The year, and the day when the line gives one ('2021 Jun' gives only a year)."""
    if not text:
        return None, None
    parts = text.split()
    year = int(parts[0])
    if len(parts) == 3:
        return year, date(year, MONTHS.index(parts[1]) + 1, int(parts[2]))
    return year, None


def check_reference_lines(fixtures: Fixtures) -> list[Problem]:
    """Kind 3: a catalogued reference matches its reference line field by field: the same
    title, journal, volume, issue and pages exactly, a date only where the line gives a
    day (as a whole token), and the byline's family names in order."""
    problems = []
    for _link, cited, lines in fixtures.reference_lines():
        slug = cited["slug"]
        where = f"study {slug}"
        authors = fixtures.authors(slug)
        for line in lines:
            parsed = parse_reference(line, cited["title"])
            if parsed is None:
                problems.append(Problem("reference", where, f"title is not that of {line!r}"))
                continue
            if "unparsed" in parsed:
                problems.append(Problem("reference", where, f"cannot read {parsed['unparsed']!r}"))
                continue
            year, day = line_date(parsed["date"])
            stored_day = cited["publication_date"]
            if cited["year"] != year:
                problems.append(
                    Problem("reference", where, f"year {cited['year']}: the line gives {year}")
                )
            if stored_day != (day.isoformat() if day else None):
                problems.append(
                    Problem("reference", where, f"date {stored_day}: the line gives {day}")
                )
            for name in ("journal", "volume", "issue", "pages"):
                stored, given = cited[name], parsed[name]
                if stored == given or (not stored and (slug, name) in NOT_CATALOGUED):
                    continue
                problems.append(
                    Problem("reference", where, f"{name} {stored!r}: the line gives {given!r}")
                )
            byline = [name.split()[0].casefold() for name in parsed["byline"].split(", ")]
            family = [(a["family_name"] or a["literal_name"]).casefold() for a in authors]
            if family != byline:
                problems.append(Problem("reference", where, f"authors {family} not {byline}"))
            given = [a["given_names"] for a in authors]
            if given != [name.split(maxsplit=1)[-1] for name in parsed["byline"].split(", ")]:
                problems.append(Problem("reference", where, "initials differ from the line"))
            for name in ("doi", "url"):
                if cited[name] and cited[name] not in line:
                    problems.append(Problem("reference", where, f"{name}: not in the line"))
            if _holds_more(cited, "title_only"):
                problems.append(Problem("reference", where, "holdings: the line is a title"))
            for name in CATALOGUE_EMPTY:
                if not is_empty(cited[name]):
                    problems.append(Problem("reference", where, f"{name}: the line gives none"))
            if cited["design"] and not re.search(
                DESIGN_WORDS.get(cited["design"], r"(?!)"), line, re.IGNORECASE
            ):
                problems.append(
                    Problem("reference", where, f"design {cited['design']}: not in the line")
                )
            for level in fixtures.learner_levels(slug):
                if not re.search(LEVEL_WORDS[level], line, re.IGNORECASE):
                    problems.append(
                        Problem("reference", where, f"learner level {level}: not in the line")
                    )
    return problems


# ============================================================================ outcomes
def results_section(text: str) -> str:
    """The seed's results, from its RESULTS heading to the next top-level heading."""
    _, _, tail = text.partition("RESULTS:")
    return tail.partition("\n## ")[0]


# Kirkpatrick (BEME) levels and the words in an outcome's measure that place it there.
# A measure of perception is level 2a whatever else it mentions.
KIRKPATRICK_MEASURE_WORDS = {
    "1": r"\bsatisf|\breaction|\benjoy",
    "2a": r"\battitude|\bperce|\bcompetence|\bawareness|\bconfidence|\bbelief",
    "2b": r"\bknowledge|\bskill|\btest score|\bexam",
    "3": r"\bparticipation|\brole|\bbehaviou?r|\bpractice|\bengage",
    "4a": r"\borganisation|\borganization|\bpolicy|\bpolicies|\badmission|\bhiring",
    "4b": r"\bpatient",
}
PERCEPTION = r"\bperce|\bself-report"


def check_outcomes(fixtures: Fixtures) -> list[Problem]:
    """Kind 5: an outcome's Kirkpatrick level fits what it measured, its figures are its
    row of the seed's results table, and an effect size or direction is only what the
    seed reports."""
    problems = []
    for outcome in fixtures.of("outcome"):
        slug = outcome["study"][0]
        where = f"outcome {slug} #{outcome['position']}"
        measure, level = outcome["measure"], outcome.get("kirkpatrick_level", "")
        results = results_section(fixtures.study_text(slug))
        messages = _table_mismatches(outcome, results)
        if level and not _level_fits(level, measure):
            messages.append(f"Kirkpatrick {level} does not fit {measure!r}")
        if level and not outcome["intervention_label"]:
            messages.append("a Kirkpatrick level with no intervention group")
        effect = outcome["effect_size"]
        if effect and squash(effect) not in squash(results):
            messages.append(f"effect size {effect!r} is not in the seed's results")
        shown = _direction_shown(outcome)
        if outcome["direction"] and shown and outcome["direction"] != shown:
            messages.append(f"direction {outcome['direction']}: the figures show {shown}")
        problems.extend(Problem("outcome", where, message) for message in messages)
    return problems


def _level_fits(level: str, measure: str) -> bool:
    """The measure names something of its level; a perception is never above 2a."""
    if re.search(PERCEPTION, measure, re.IGNORECASE) and level not in {"1", "2a"}:
        return False
    return re.search(KIRKPATRICK_MEASURE_WORDS.get(level, r"(?!)"), measure, re.I) is not None


def _direction_shown(outcome: dict) -> str:
    """What the two groups' figures show (higher is the better), or "" if not both given."""
    treated, compared = outcome["intervention_value"], outcome["comparison_value"]
    if treated is None or compared is None:
        return ""
    p_value = outcome["p_value"]
    significant = p_value is not None and (
        Decimal(str(p_value)) < Decimal("0.05")
        or (outcome["p_value_qualifier"] == "<" and Decimal(str(p_value)) <= Decimal("0.05"))
    )
    difference = Decimal(str(treated)) - Decimal(str(compared))
    if not significant or not difference:
        return "no_difference"
    return "improved" if difference > 0 else "worse"


def table_row(text: str, measure: str) -> tuple[list[str], list[str]] | None:
    """The tab-separated row for a measure and the header row of the table it sits in."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) > 1 and squash(cells[0]) == squash(measure):
            top = index  # a table is a run of lines with the same number of cells
            while top > 0 and len(lines[top - 1].split("\t")) == len(cells):
                top -= 1
            return [c.strip() for c in lines[top].split("\t")], cells
    return None


def _table_mismatches(outcome: dict, results: str) -> list[str]:
    """The outcome's figures against its row of the seed's results table, cell by cell."""
    found = table_row(results, outcome["measure"])
    if found is None:
        return [f"{outcome['measure']!r} is not a row of the seed's results"]
    header, row = found
    unit = outcome["unit"]
    mismatches = []
    for name in ("intervention", "comparison"):
        label, value, n = (outcome[f"{name}_{part}"] for part in ("label", "value", "n"))
        first = words(label)[:1]
        columns = [i for i, cell in enumerate(header) if words(cell)[:1] == first]
        if len(columns) != 1:
            mismatches.append(f"no single column for {label!r}")
            continue
        cell = row[columns[0]]
        if value is not None and cell != f"{_plain(value)}{unit}":
            mismatches.append(f"{name} value {value}{unit}: the table gives {cell}")
        if n is not None and squash(f"{label} (n={n})") not in squash(results):
            mismatches.append(f"{label} n={n}: not in the seed")
    p_columns = [i for i, cell in enumerate(header) if "p-value" in cell.lower()]
    if outcome["p_value"] is not None:
        given = row[p_columns[0]].replace(" ", "") if p_columns else ""
        stored = f"{outcome['p_value_qualifier']}{_plain(outcome['p_value'])}"
        if given != stored:
            mismatches.append(f"p {stored}: the table gives {given or 'none'}")
    return mismatches


def _plain(value) -> str:
    """A decimal as the seed prints it: 45.000 -> 45, 0.0010 -> 0.001."""
    return format(Decimal(str(value)).normalize(), "f")


# ============================================================================ own words
# Fields that hold a seed's facts word for word (titles, abstracts, names, table labels);
# every other text field of every model is the library's own writing.
FACT_FIELDS = {
    "study": {"title", "abstract", "journal", "volume", "issue", "pages", "doi", "url"},
    "studyauthor": {"family_name", "given_names", "literal_name"},
    "outcome": {"measure", "intervention_label", "comparison_label", "unit", "p_value_qualifier"},
    "sourcedocument": {"file_name"},
    "country": {"code", "name"},
    "studyreference": {"numbers"},
}
CODE_FIELDS = {"slug", "status", "published_at", "code"}  # identifiers and choices, not prose
LONGEST_QUOTE = 10  # a quotation carries over at most this many words


def text_fields(fixtures: Fixtures):
    """(record label, model, record fields, field name, text) for every free-text field
    of every record: what the library writes, not the facts it carries over."""
    for record in fixtures.records:
        model = record["model"].removeprefix("resources.")
        fields = record["fields"]
        label = f"{model} {record_key(model, fields)}"
        for name, value in fields.items():
            if (
                isinstance(value, str)
                and " " in value.strip()
                and name not in FACT_FIELDS.get(model, ())
                and name not in CODE_FIELDS
            ):
                yield label, model, fields, name, value


def record_key(model: str, fields: dict) -> str:
    if "slug" in fields:
        return fields["slug"]
    if "code" in fields:
        return fields["code"]
    parts = [
        fields[name][0] if isinstance(fields[name], list) else str(fields[name])
        for name in ("study", "intervention", "recommendation", "citing", "cited", "position")
        if fields.get(name) not in (None, "", [])
    ]
    return " #".join(parts) if parts else "?"


def seed_windows(fixtures: Fixtures, size: int) -> set[tuple[str, ...]]:
    windows = set()
    for document in fixtures.of("sourcedocument"):
        tokens = words(seed_text(document["file_name"]))
        windows.update(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))
    return windows


def title_mask(tokens: list[str], titles: list[list[str]]) -> set[int]:
    """Positions of the text that cite a study's title, which is a fact and carries over."""
    masked = set()
    for title in titles:
        for start in range(len(tokens) - len(title) + 1):
            if tokens[start : start + len(title)] == title:
                masked.update(range(start, start + len(title)))
    return masked


def check_copying(fixtures: Fixtures) -> list[Problem]:
    """Kind 6: no text field shares a run of more than ten words with a seed, inside
    quotation marks or not, after case, punctuation and spacing are normalised away."""
    size = LONGEST_QUOTE + 1
    seeds = seed_windows(fixtures, size)
    titles = [words(study["title"]) for study in fixtures.studies.values()]
    problems = []
    for label, _model, _fields, name, text in text_fields(fixtures):
        tokens = words(text)
        masked = title_mask(tokens, titles)
        for start in range(len(tokens) - size + 1):
            window = tuple(tokens[start : start + size])
            if window in seeds and not masked.intersection(range(start, start + size)):
                problems.append(
                    Problem("copying", f"{label}", f"{name} copies the seed: {' '.join(window)!r}")
                )
                break
    return problems


# ============================================================================ prose facts
# The library's own vocabulary: names of methods and tools its prose may use though no
# seed does. Keep this short; a name of a person, place or group belongs in a seed.
LIBRARY_VOCABULARY = {
    "beme",
    "casp",
    "cerqual",
    "dei",
    "doi",
    "grade",
    "isoq",
    "kirkpatrick",
    "magicapp",
    "mmat",
    "mersqi",
    "srqr",
    "sof",
    "soqf",
}
LIBRARY_PHRASES = ("Mixed Methods Appraisal Tool", "Critical Appraisal Skills Programme")
SENTENCE_BREAK = r"(?<=[.!?:;])\s+|\n+|[\u201c\"\u2018]"
# Other names for what a seed names: the prose may say the first where the seed says the
# second (the second must then be in the seed).
ALIASES = {
    "United States": "U.S.",
    "US": "U.S.",
    "American": "U.S.",
    "Canadian": "Canada",
    "United Kingdom": "UK",
    "British": "UK",
}
# Words that say who took part: in prose about a study, the study's own part of its seed
# must have a word of the same stem (first five letters).
POPULATION_WORDS = {
    "residents",
    "resident",
    "interns",
    "nurses",
    "nursing",
    "midwives",
    "pharmacists",
    "pharmacy",
    "dentists",
    "dental",
    "surgeons",
    "surgical",
    "physicians",
    "doctors",
    "consultants",
    "paediatric",
    "pediatric",
    "psychiatry",
    "psychiatric",
    "women",
    "men",
    "female",
    "male",
    "black",
    "indigenous",
    "latino",
    "latinx",
    "hispanic",
    "asian",
    "white",
    "lgbtq",
    "queer",
    "transgender",
    "disabled",
    "immigrants",
    "refugees",
    "international",
    "rural",
    "veterans",
    "undergraduates",
    "postgraduates",
    "graduates",
    "students",
    "trainees",
    "learners",
    "faculty",
    "staff",
    "educators",
    "administrators",
    "patients",
    "clinicians",
    "registrars",
    "fellows",
    "student",
    "trainee",
    "learner",
    "nurse",
    "physician",
    "doctor",
    "surgeon",
    "intern",
    "woman",
    "children",
    "adolescents",
    "older",
    "elderly",
    "veteran",
    "migrants",
    "migrant",
    "gay",
    "lesbian",
    "bisexual",
    "nonbinary",
    "deaf",
    "socioeconomic",
    "generation",
    "mothers",
    "fathers",
    "parents",
    "minority",
    "minorities",
    "ethnic",
    "junior",
    "senior",
    "final",
    "preclinical",
}
# Where prose names a group only to say that the study is not about it.
NOT_PARTICIPANTS = {
    (
        "interventionstudy schreidah-2023-case-for-advocacy-curricula #curriculum-advocacy",
        "learners",
    ),
}
# A study's appraisal may discuss the works its seed cites, so it may name what they do.
APPRAISAL_FIELDS = {"limitations", "appraisal_summary", "risk_of_bias_notes"}
STUDY_BOUND = {"study", "finding", "outcome", "interventionstudy", "recommendationevidence"}
NUMBER = r"\d+(?:\.\d+)?"
# Numbers written as words: from eleven up they are figures a seed must give (as a word
# or in digits); below that they are too common to trace ("two phases", "one study").
NUMBER_WORDS = {
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "hundred": "100",
    "thousand": "1000",
}


def study_scope(fixtures: Fixtures, slug: str) -> str:
    """What a seed says about one study: a catalogued study's reference lines, or a source
    study's seed without its reference list (whose entries are other works)."""
    if slug in fixtures.cited:
        return "\n".join(fixtures.lines_citing(slug))
    return fixtures.study_text(slug).partition("## REFERENCES")[0]


def record_scope(fixtures: Fixtures, model: str, fields: dict) -> str:
    """The seed text a record's prose may draw on."""
    if model == "study":
        return study_scope(fixtures, fields["slug"])
    if model in STUDY_BOUND:
        return study_scope(fixtures, fields["study"][0])
    if model == "sourcedocument":
        return seed_text(fields["file_name"])
    return fixtures.source_text(fields)


def _library_lowercase(fixtures: Fixtures) -> tuple[str, ...]:
    """Words written in lower case somewhere in the seeds or the fixtures."""
    texts = [seed_text(d["file_name"]) for d in fixtures.of("sourcedocument")]
    texts += [v for r in fixtures.records for v in r["fields"].values() if isinstance(v, str)]
    return tuple(sorted({w for text in texts for w in re.findall(r"\b[a-z]+\b", text)}))


def _is_ordinary(word: str, lowercase: tuple[str, ...]) -> bool:
    """An ordinary word capitalised to open a sentence or a heading, not a name: it, or its
    stem, is written in lower case somewhere (names of places and people never are)."""
    stem = word[: max(4, len(word) - 2)] if len(word) > 3 else word
    position = bisect.bisect_left(lowercase, stem)
    return position < len(lowercase) and lowercase[position].startswith(stem)


def _unclaimed(text: str) -> str:
    """The text without clauses that say what a seed does not tell ("whether …")."""
    return re.sub(r"\bwhether\b[^.;]*", " ", text)


def check_prose_facts(fixtures: Fixtures) -> list[Problem]:
    """Kind 7: numbers, names (of people, places, groups) and words for who took part in
    the library's prose are in the seed text the record draws on, or in the short
    LIBRARY_VOCABULARY. A finding cannot make up who its participants were or where."""
    ordinary = _library_lowercase(fixtures)
    problems = []
    for label, model, fields, name, text in text_fields(fixtures):
        scope = record_scope(fixtures, model, fields)
        if model == "study" and name in APPRAISAL_FIELDS:
            scope = fixtures.study_text(fields["slug"]) + "\n" + scope
        if model == "interventionstudy":  # it may call the practice by its name
            practice = fixtures.by_slug("intervention").get(fields["intervention"][0], {})
            scope = f"{scope}\n{practice.get('name', '')}"
        problems.extend(
            Problem("prose", label, f"{name}: {message}")
            for message in _untraced(text, scope, ordinary, model in STUDY_BOUND)
            if (label, message.partition(" ")[0].strip("'")) not in NOT_PARTICIPANTS
        )
    return problems


@cache
def _scope_words(scope: str) -> tuple[set[str], set[str], set[str]]:
    """The numbers, words and five-letter stems of a seed text."""
    found = set(words(scope))
    return set(re.findall(NUMBER, scope)), found, {w[:5] for w in found}


def _untraced(text: str, scope: str, ordinary: tuple[str, ...], about_a_study: bool):
    """What in one text field the seed text does not give, as messages."""
    numbers, scope_words, stems = _scope_words(scope)
    for alias, seed_form in ALIASES.items():
        if has_token(text, alias):
            if not has_token(scope, seed_form):
                yield f"{alias!r} is not in the seed"
            text = re.sub(rf"(?<!\w){re.escape(alias)}(?!\w)", " ", text)
    for found in re.findall(NUMBER, text):
        if found not in numbers:
            yield f"{found} is not in the seed"
    for word in words(text):
        if word in NUMBER_WORDS and NUMBER_WORDS[word] not in numbers and word not in scope_words:
            yield f"{word!r} is not in the seed"
    for phrase in LIBRARY_PHRASES:
        text = text.replace(phrase, " ")
    for sentence in re.split(SENTENCE_BREAK, text):
        for token in re.findall(r"\w+", sentence)[1:]:  # the first may be capitalised
            part = token.casefold()
            if not token[0].isupper() or part in scope_words:
                continue
            if part in LIBRARY_VOCABULARY or _is_ordinary(part, ordinary):
                continue
            yield f"{token!r} is not in the seed"
    if about_a_study:
        for token in words(_unclaimed(text)):
            if token in POPULATION_WORDS and token[:5] not in stems:
                yield f"{token!r} (who took part) is not in the seed"


# ============================================================================ model rules
# Rules about what the evidence allows, not snapshots of today's values: a legitimate
# curatorial change passes, a claim the evidence cannot bear does not.
CERTAINTY_ORDER = ["very_low", "low", "moderate", "high"]
UNNAMED_INTERVENTION = (
    r"\bunnamed intervention|\bintervention (?:is |was )?(?:never |not )(?:described|named)"
    r"|\bintervention: not described|does not (?:describe|name) (?:the|its) intervention"
    r"|\bwhat (?:the|its) intervention was"
)
# A finding may carry a Kirkpatrick level only if it reports a change after teaching:
# it names the intervention or the comparison the change is measured against.
AFTER_AN_INTERVENTION = (
    r"\b(?:after|following) (?:the |an? |this |their )?(?:intervention|programme|program"
    r"|course|teaching|training|session|workshop|scheme)|\bintervention group"
    r"|\bcompared with (?:a |the )?control"
)
APPRAISAL_TEXT = ("appraisal_summary", "risk_of_bias_notes", "limitations", "key_findings")


# Minimum CERQual concern about methodological limitations, by the study's risk of bias.
LEAST_METHODS_CONCERN = {"high": "moderate", "some_concerns": "minor"}
CONCERNS = ["none", "minor", "moderate", "serious"]
# Words in a catalogued study's title that say it measured the effect of a practice.
EVALUATION_WORDS = r"\bimpact\b|\beffects?\b|\bevaluat|\boutcomes?\b|\btrial\b|\bto improve\b"


def rank(certainty: str) -> int:
    return CERTAINTY_ORDER.index(certainty) if certainty in CERTAINTY_ORDER else -1


def finding_confidence(finding: dict) -> str:
    """A finding's CERQual confidence: derived from its four component judgements where the
    fixtures record them (by `resources.certainty.cerqual`), else as stored."""
    if "methodological_limitations" in finding:
        from types import SimpleNamespace

        from resources.certainty import cerqual

        confidence = cerqual(SimpleNamespace(**finding)).confidence
        return confidence.value if confidence else ""
    return finding.get("confidence", "")


def says_intervention_unnamed(study: dict) -> bool:
    text = " ".join(study.get(name) or "" for name in APPRAISAL_TEXT)
    return re.search(UNNAMED_INTERVENTION, text, re.IGNORECASE) is not None


def effect_certainty_cap(study: dict) -> int:
    """The best GRADE certainty a study's measured effects can have: randomised trials
    start High, other designs Low, and high risk of bias rates them down at least once."""
    start = rank("high") if study["design"] == "randomised_trial" else rank("low")
    return max(0, start - (1 if study["risk_of_bias"] == "high" else 0))


def finding_confidence_cap(study: dict) -> int:
    """The best CERQual confidence a finding of one study can have: it starts High, a
    single study is a concern for adequacy, and concerns about the study's methods
    (its risk of bias) lower it further."""
    concerns = 1 + {"high": 2, "some_concerns": 1}.get(study["risk_of_bias"], 0)
    return max(0, rank("high") - concerns)


def study_evidence_rank(fixtures: Fixtures, slug: str) -> int:
    """The best certainty among the evidence one study gives (findings and effects)."""
    study = fixtures.studies.get(slug)
    if study is None or study["appraisal_status"] != "appraised":
        return -1
    ranks = [rank(finding_confidence(f)) for f in fixtures.of("finding") if f["study"] == [slug]]
    if any(o["study"] == [slug] for o in fixtures.of("outcome")):
        ranks.append(effect_certainty_cap(study))
    return max(ranks, default=-1)


def check_model_rules(fixtures: Fixtures) -> list[Problem]:
    """Kind 8: a link's type and direction, a Kirkpatrick level, a finding's confidence
    and a recommendation's strength and certainty claim no more than the evidence allows."""
    return [
        *_link_rules(fixtures),
        *_outcome_rules(fixtures),
        *_finding_rules(fixtures),
        *_recommendation_rules(fixtures),
        *_design_rules(fixtures),
    ]


def _outcomes_by_study(fixtures: Fixtures) -> dict[str, list[dict]]:
    outcomes = defaultdict(list)
    for outcome in fixtures.of("outcome"):
        outcomes[outcome["study"][0]].append(outcome)
    return outcomes


def _link_rules(fixtures: Fixtures):
    """Only an evaluation of a named practice bears on whether it works."""
    outcomes = _outcomes_by_study(fixtures)
    for link in fixtures.of("interventionstudy"):
        slug, practice = link["study"][0], link["intervention"][0]
        where = f"interventionstudy {slug} #{practice}"
        study = fixtures.studies[slug]
        link_type = link.get("link_type", "")
        appraised = study["appraisal_status"] == "appraised"
        if link_type == "evaluated":
            if says_intervention_unnamed(study):
                yield Problem(
                    "rules",
                    where,
                    "link_type: the study's intervention is unnamed, so it "
                    "evaluated no named practice",
                )
            elif appraised and not outcomes[slug]:
                yield Problem("rules", where, "link_type: the study measured no outcome")
            elif not appraised and not re.search(EVALUATION_WORDS, study["title"], re.IGNORECASE):
                yield Problem("rules", where, "link_type: its title names no evaluation")
        if link_type == "explored" and not (
            any(f["study"] == [slug] for f in fixtures.of("finding"))
            or study["design"] in {"qualitative", "mixed_methods"}
        ):
            yield Problem("rules", where, "link_type: explored, but no qualitative work")
        if not link["direction"]:
            continue
        if link_type != "evaluated":
            yield Problem("rules", where, "direction: on a link that is not an evaluation")
        if not appraised:
            yield Problem("rules", where, "direction: the study is not appraised")
        if link["direction"] not in {o["direction"] for o in outcomes[slug]}:
            yield Problem("rules", where, "direction: no measured outcome of the study shows it")
        if says_intervention_unnamed(study):
            yield Problem(
                "rules",
                where,
                "direction: the study's intervention is unnamed, so no practice is credited",
            )


def _outcome_rules(fixtures: Fixtures):
    """An outcome names only a practice its study evaluated, and never an unnamed one."""
    evaluated = {
        (link["study"][0], link["intervention"][0])
        for link in fixtures.of("interventionstudy")
        if link.get("link_type") == "evaluated"
    }
    for outcome in fixtures.of("outcome"):
        practice = outcome.get("intervention")
        if not practice:
            continue
        slug = outcome["study"][0]
        where = f"outcome {slug} #{outcome['position']}"
        if (slug, practice[0]) not in evaluated:
            yield Problem("rules", where, "intervention: a practice its study did not evaluate")
        if says_intervention_unnamed(fixtures.studies[slug]):
            yield Problem("rules", where, "intervention: the study does not name its own")


def _finding_rules(fixtures: Fixtures):
    """Kirkpatrick levels only on a change after an intervention; confidence no higher
    than one study and its risk of bias allow."""
    outcomes = _outcomes_by_study(fixtures)
    evaluating = {
        link["study"][0]
        for link in fixtures.of("interventionstudy")
        if link.get("link_type") == "evaluated"
    }
    for finding in fixtures.of("finding"):
        slug = finding["study"][0]
        study = fixtures.studies[slug]
        where = f"finding {slug} #{finding['position']}"
        evaluated = bool(outcomes[slug]) or slug in evaluating
        if finding.get("reports_change") and not evaluated:
            yield Problem("rules", where, "reports_change: its study evaluated no intervention")
        if finding["kirkpatrick_level"] and not (
            evaluated
            and finding.get("reports_change", True)
            and re.search(AFTER_AN_INTERVENTION, finding["statement"], re.IGNORECASE)
        ):
            yield Problem(
                "rules",
                where,
                "kirkpatrick_level: the finding reports no change after an intervention",
            )
        confidence = finding_confidence(finding)
        if rank(confidence) > finding_confidence_cap(study):
            yield Problem(
                "rules",
                where,
                f"confidence: {confidence} is above what one study at "
                f"{study['risk_of_bias'] or 'unjudged'} risk of bias allows",
            )
        least = LEAST_METHODS_CONCERN.get(study["risk_of_bias"])
        judged = finding.get("methodological_limitations")
        if least and judged and CONCERNS.index(judged) < CONCERNS.index(least):
            yield Problem(
                "rules",
                where,
                f"methodological_limitations: {judged} concerns for a study at "
                f"{study['risk_of_bias']} risk of bias",
            )


def _recommendation_rules(fixtures: Fixtures):
    """Certainty no higher than the best evidence behind it; strong only on moderate or
    high certainty."""
    supporting = defaultdict(list)
    for evidence in fixtures.of("recommendationevidence"):
        if evidence["relation"] == "supports":
            supporting[evidence["recommendation"][0]].append(evidence["study"][0])
    for slug, recommendation in fixtures.by_slug("recommendation").items():
        where = f"recommendation {slug}"
        best = max(0, *(study_evidence_rank(fixtures, s) for s in supporting[slug]))
        if rank(recommendation["certainty"]) > best:
            yield Problem(
                "rules",
                where,
                f"certainty: {recommendation['certainty']} is above its best evidence "
                f"({CERTAINTY_ORDER[best]})",
            )
        if recommendation["strength"] == "strong" and rank(recommendation["certainty"]) < 2:
            yield Problem("rules", where, "strength: strong on low or very low certainty")


def _design_rules(fixtures: Fixtures):
    """A randomised design needs a seed that reports randomisation."""
    for slug, study in fixtures.studies.items():
        if study["design"] == "randomised_trial" and not re.search(
            r"\brandomi[sz]|\brandom allocation|\brandomly", study_scope(fixtures, slug), re.I
        ):
            yield Problem("rules", f"study {slug}", "design: the seed reports no randomisation")


# ============================================================================ all kinds
KINDS = {
    "source": check_source_bibliography,
    "reference": check_reference_lines,
    "span": check_source_spans,
    "outcome": check_outcomes,
    "copying": check_copying,
    "prose": check_prose_facts,
    "rules": check_model_rules,
}


def check(fixtures: Fixtures, kind: str | None = None) -> list[Problem]:
    """The problems of one kind, or of all."""
    kinds = [kind] if kind else list(KINDS)
    return [problem for name in kinds for problem in KINDS[name](fixtures)]
