"""What importing a file would do, and doing it: all records or none.

A record matches a study when their normalised DOIs are equal, or when their normalised
titles, years and first authors' family names are. A record that matches an existing
study, or an earlier record of the same file, is never created; so importing the same
file twice changes nothing the second time.

Two ways in, one set of rules. `make_plan` and `apply` take a file read whole, for the
admin's preview and confirmation. `import_records` takes a file read lazily and imports
it a batch at a time, keeping only fingerprints of the records seen, counts, and the
first problems by name, so that a file of any length runs in constant memory; its
report is spooled to a temporary file. Either way, any problem refuses the whole file.
"""

import hashlib
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import batched

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from resources import changes
from resources.models import (
    AppraisalStatus,
    EditorialStatus,
    SourceDocument,
    SourceKind,
    Study,
    StudyAuthor,
)

from .records import ParsedFile, ParsedRecord, RecordSource

SLUG_LENGTH = Study._meta.get_field("slug").max_length
SLUG_TITLE_WORDS = 6
BATCH_SIZE = 500  # records matched, and studies written, at a time
# rows per INSERT: a fixed size, so that SQLite's cache of prepared statements (one per
# distinct statement) holds a few small ones, not one large one per batch
INSERT_ROWS = 100
PROBLEMS_NAMED = 20  # problems a refusal names; the report still lists every record's
REPORT_IN_MEMORY = 1024 * 1024  # bytes of a streamed report held before it spools to disk


class Action(StrEnum):
    CREATE = "create"
    EXISTING = "existing"
    DUPLICATE = "duplicate"
    PROBLEM = "problem"


@dataclass
class Entry:
    record: ParsedRecord
    action: Action
    existing: Study | None = None
    duplicate_of: int | None = None  # the number of the earlier record it repeats

    @property
    def description(self) -> str:
        if self.action == Action.CREATE:
            return "will be created as a draft"
        if self.action == Action.EXISTING:
            return f"matches an existing study: {self.existing} [{self.existing.slug}]"
        if self.action == Action.DUPLICATE:
            return f"duplicate of record {self.duplicate_of} in this file"
        return "problem: " + "; ".join(self.record.problems)

    @property
    def report_line(self) -> str:
        record = self.record
        byline = record.first_author_family or "no author"
        return (
            f"  {record.label}: {byline} {record.year or 'n.d.'}, "
            f"“{record.title or 'untitled'}”: {self.description}"
        )


def summary_line(file_name: str, format_name: str, actions: Counter) -> str:
    return (
        f"{file_name} ({format_name}): {actions.total()} records; "
        f"{actions[Action.CREATE]} to create, {actions[Action.EXISTING]} matching existing "
        f"studies, {actions[Action.DUPLICATE]} duplicates within the file, "
        f"{actions[Action.PROBLEM]} with problems."
    )


@dataclass
class ImportPlan:
    """Every record of a file read whole, with what importing it would do."""

    parsed: ParsedFile
    entries: list[Entry] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return self.parsed.file_name

    def _with(self, action: Action) -> list[Entry]:
        return [entry for entry in self.entries if entry.action == action]

    @property
    def to_create(self) -> list[Entry]:
        return self._with(Action.CREATE)

    @property
    def existing(self) -> list[Entry]:
        return self._with(Action.EXISTING)

    @property
    def duplicates(self) -> list[Entry]:
        return self._with(Action.DUPLICATE)

    @property
    def with_problems(self) -> list[Entry]:
        return self._with(Action.PROBLEM)

    @property
    def problems(self) -> list[str]:
        """Every problem, each naming its record and line: what stops the import."""
        return [*self.parsed.problems] + [
            f"{entry.record.label}: {problem}"
            for entry in self.with_problems
            for problem in entry.record.problems
        ]

    @property
    def problem_count(self) -> int:
        return len(self.problems)

    @property
    def can_apply(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        actions = Counter(entry.action for entry in self.entries)
        return summary_line(self.parsed.file_name, self.parsed.format, actions)

    def report_lines(self) -> list[str]:
        lines = [self.summary, *(f"  {problem}" for problem in self.parsed.problems)]
        return lines + [entry.report_line for entry in self.entries]


class ImportTally:
    """What a streamed import found, kept small: counts by action, the first problems by
    name with a count of all, and the report spooled to a temporary file."""

    def __init__(self, file_name: str, format_name: str):
        self.file_name = file_name
        self.format = format_name
        self.actions: Counter = Counter()
        self.problems: list[str] = []  # the first PROBLEMS_NAMED
        self.problem_count = 0
        self.created = 0
        # the file's own problems are reported before its records, as ImportPlan does
        self._file_problems = _spool()
        self._records = _spool()

    def note_problem(self, problem: str) -> None:
        """A problem of the file rather than of one record."""
        self._name(problem)
        self._file_problems.write(f"  {problem}\n")

    def add(self, entry: Entry) -> None:
        self.actions[entry.action] += 1
        for problem in entry.record.problems if entry.action == Action.PROBLEM else []:
            self._name(f"{entry.record.label}: {problem}")
        self._records.write(entry.report_line + "\n")

    def _name(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_NAMED:
            self.problems.append(problem)

    @property
    def summary(self) -> str:
        return summary_line(self.file_name, self.format, self.actions)

    def report_lines(self) -> Iterator[str]:
        """The summary, then the file's problems, then a line per record: as ImportPlan's."""
        yield self.summary
        for spool in (self._file_problems, self._records):
            spool.seek(0)
            for line in spool:
                yield line.removesuffix("\n")


def _spool():
    return tempfile.SpooledTemporaryFile(
        max_size=REPORT_IN_MEMORY, mode="w+", encoding="utf-8", newline="\n"
    )


def refusal_reasons(problems: list[str], count: int) -> str:
    """The first problems by name, and how many more there are."""
    if not count:
        return "it has no records"
    named = problems[:PROBLEMS_NAMED]
    more = count - len(named)
    return "; ".join(named) + (f"; and {more} more" if more else "")


class ImportRefused(Exception):
    """An import that would be partial, so is not done at all."""

    def __init__(self, plan: ImportPlan | ImportTally):
        self.plan = plan
        super().__init__(
            f"Nothing was imported from {plan.file_name}: "
            + refusal_reasons(plan.problems, plan.problem_count)
        )


def normalise_title(title: str) -> str:
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


def normalise_name(name: str) -> str:
    return normalise_title(name).replace(" ", "")


def match_key(title: str, year: int | None, family: str) -> tuple | None:
    if not title:
        return None
    return (normalise_title(title), year, normalise_name(family))


def _fingerprints(doi: str, key: tuple | None) -> Iterator[bytes]:
    """A record's DOI, then its title key, each as 16 bytes: the DOI is tried first."""
    for kind, value in (("doi", (doi,) if doi else None), ("key", key)):
        if value:
            text = "\x1f".join([kind, *map(str, value)])
            yield hashlib.blake2b(text.encode(), digest_size=16).digest()


class _Index:
    """The studies (or earlier records) a record may match, by DOI and by title, year and
    first author. Held as fingerprints, not keys: a few dozen bytes per record."""

    def __init__(self):
        self._seen: dict[bytes, int] = {}

    def add(self, target: int, doi: str, key: tuple | None) -> None:
        for fingerprint in _fingerprints(doi, key):
            self._seen.setdefault(fingerprint, target)

    def find(self, doi: str, key: tuple | None) -> int | None:
        for fingerprint in _fingerprints(doi, key):
            if (target := self._seen.get(fingerprint)) is not None:
                return target
        return None


def existing_index() -> _Index:
    """Every study in the library by primary key, the oldest first where two match."""
    first_author = StudyAuthor.objects.filter(study=OuterRef("pk")).order_by("position")
    rows = (
        Study.objects.annotate(
            first_family=Subquery(first_author.values("family_name")[:1]),
            first_literal=Subquery(first_author.values("literal_name")[:1]),
        )
        .order_by("pk")
        .values_list("pk", "doi", "title", "year", "first_family", "first_literal")
    )
    index = _Index()
    for pk, doi, title, year, family, literal in rows.iterator(chunk_size=2000):
        index.add(pk, doi, match_key(title, year, family or literal or ""))
    return index


def build_study(record: ParsedRecord, slug: str = "") -> Study:
    return Study(
        title=record.title,
        slug=slug,
        year=record.year,
        publication_date=record.publication_date or None,
        journal=record.journal,
        volume=record.volume,
        issue=record.issue,
        pages=record.pages,
        doi=record.doi,
        url=record.url,
        abstract=record.abstract,
        status=EditorialStatus.DRAFT,
        appraisal_status=AppraisalStatus.NOT_APPRAISED,
    )


def build_authors(record: ParsedRecord, study: Study | None = None) -> list[StudyAuthor]:
    return [
        StudyAuthor(
            study=study,
            position=position,
            family_name=author.family,
            given_names=author.given,
            literal_name=author.literal,
        )
        for position, author in enumerate(record.authors, start=1)
    ]


def validation_problems(record: ParsedRecord) -> list[str]:
    """What the model's own validation says about the study this record would become."""
    problems = []
    try:
        build_study(record).full_clean(
            exclude=["slug"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        problems += [
            f"{name.replace('_', ' ')}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    for author in build_authors(record):
        try:
            author.full_clean(exclude=["study"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            problems += [f"author {author.position}: {m}" for m in error.messages]
    return problems


class Matcher:
    """Says of each record, in file order, whether it is new, a study already in the
    library, a repeat of an earlier record, or has a problem."""

    def __init__(self):
        self.existing = existing_index()  # the library as it was when the file was opened
        self.earlier = _Index()  # the file's new records so far, by number

    def classify(self, records: list[ParsedRecord]) -> list[Entry]:
        keyed = []
        for record in records:
            if not record.problems:
                record.problems += validation_problems(record)
            keyed.append((record, match_key(record.title, record.year, record.first_author_family)))
        matches = {
            record.number: pk
            for record, key in keyed
            if not record.problems and (pk := self.existing.find(record.doi, key))
        }
        studies = Study.objects.in_bulk(set(matches.values()))
        entries = []
        for record, key in keyed:
            if record.problems:
                entries.append(Entry(record, Action.PROBLEM))
            elif study := studies.get(matches.get(record.number)):
                entries.append(Entry(record, Action.EXISTING, existing=study))
            elif first := self.earlier.find(record.doi, key):
                entries.append(Entry(record, Action.DUPLICATE, duplicate_of=first))
            else:
                self.earlier.add(record.number, record.doi, key)
                entries.append(Entry(record, Action.CREATE))
        return entries


def make_plan(parsed: ParsedFile) -> ImportPlan:
    plan = ImportPlan(parsed)
    matcher = Matcher()
    for batch in batched(parsed.records, BATCH_SIZE):
        plan.entries += matcher.classify(list(batch))
    return plan


def slug_base(record: ParsedRecord) -> str:
    words = normalise_title(record.title).split()[:SLUG_TITLE_WORDS]
    parts = [normalise_name(record.first_author_family), str(record.year or ""), *words]
    return slugify(" ".join(p for p in parts if p))[: SLUG_LENGTH - 4].strip("-") or "study"


def unique_slugs(records: list[ParsedRecord]) -> list[str]:
    """A slug for each record, unique among them and among the studies saved so far."""
    bases = [slug_base(record) for record in records]
    taken = set(Study.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    repeated = {base for base, n in Counter(bases).items() if n > 1}
    for base in {base for base in bases if base in taken} | repeated:
        numbered = Study.objects.filter(slug__startswith=f"{base}-")
        taken.update(numbered.values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


class _Unsaveable(Exception):
    """A record that passed every check and still cannot be saved; its entry now says why."""


class _Writer:
    """Saves a file's new studies a batch at a time: bulk inserts of the studies, their
    authors, their history (by `user`) and their link to the import's source document,
    which is made with the first study."""

    def __init__(self, file_name: str, format_name: str, user):
        self.file_name = file_name
        self.format = format_name
        self.user = user
        self.source: SourceDocument | None = None

    def save(self, entries: list[Entry]) -> list[Study]:
        if not entries:
            return []
        if self.source is None:
            self.source = _source(self.file_name, self.format, self.user)
        slugs = unique_slugs([entry.record for entry in entries])
        studies = [build_study(e.record, slug) for e, slug in zip(entries, slugs, strict=True)]
        try:
            with transaction.atomic():
                bulk_create_with_history(
                    studies, Study, batch_size=INSERT_ROWS, default_user=self.user
                )
        except IntegrityError:
            self._save_one_by_one(entries, studies)  # to say which record cannot be saved
        authors = [
            author
            for entry, study in zip(entries, studies, strict=True)
            for author in build_authors(entry.record, study)
        ]
        bulk_create_with_history(
            authors, StudyAuthor, batch_size=INSERT_ROWS, default_user=self.user
        )
        through = Study.sources.through
        through.objects.bulk_create(
            (through(study=study, sourcedocument=self.source) for study in studies),
            batch_size=INSERT_ROWS,
        )
        return studies

    def _save_one_by_one(self, entries: list[Entry], studies: list[Study]) -> None:
        for entry, study in zip(entries, studies, strict=True):
            study.pk, study._state.adding = None, True  # as before the failed bulk insert
            study._history_user = self.user
            try:
                study.full_clean()
                with transaction.atomic():
                    study.save()
            except (ValidationError, IntegrityError) as error:
                entry.action = Action.PROBLEM
                entry.record.problems.append(f"it cannot be saved: {error}")
                raise _Unsaveable from error


def _source(file_name: str, format_name: str, user) -> SourceDocument:
    now = timezone.now()
    base = slugify(f"import {file_name}")[:80] or "import"
    slug = f"{base}-{now:%Y%m%d%H%M%S}"
    taken = set(SourceDocument.objects.filter(slug__startswith=slug).values_list("slug", flat=True))
    while slug in taken:
        slug += "-x"
    who = f" by {user.get_username()}" if user is not None else ""
    return SourceDocument.objects.create(
        slug=slug,
        title=f"Imported references: {file_name}",
        kind=SourceKind.IMPORT,
        file_name=file_name,
        notes=f"{format_name} file imported{who} on {now:%Y-%m-%d %H:%M} UTC.",
    )


@dataclass
class ImportResult:
    plan: ImportPlan
    created: list[Study]
    source: SourceDocument | None


def apply(parsed: ParsedFile, user=None) -> ImportResult:
    """Import every new record as a draft study, in one transaction; or refuse and write nothing.

    The plan is made again inside the transaction, so a study added since the preview
    is matched rather than duplicated.
    """
    with transaction.atomic():
        plan = make_plan(parsed)
        if not plan.can_apply or not plan.entries:
            raise ImportRefused(plan)
        writer = _Writer(parsed.file_name, parsed.format, user)
        created = []
        try:
            for batch in batched(plan.to_create, BATCH_SIZE):
                created += writer.save(list(batch))
        except _Unsaveable as error:
            raise ImportRefused(plan) from error.__cause__
        changes.record()  # drafts only: nothing derived counts them, but the library changed
        return ImportResult(plan, created, writer.source)


def import_records(
    source: RecordSource,
    user=None,
    progress: Callable[[Iterable[ParsedRecord]], Iterable[ParsedRecord]] = lambda records: records,
    fill: Callable[[list[ParsedRecord]], object] | None = None,
) -> ImportTally:
    """Import a file's new records as draft studies, a batch at a time; or refuse and write
    nothing (`ImportRefused`, once the whole file is read, so its report is complete).

    Batches are written as they come, inside one transaction that a refusal rolls back:
    a bad record at the end of a long file undoes the batches before it. `fill` may
    complete each batch of records before it is matched (the Crossref look-up).
    """
    with transaction.atomic():
        tally = ImportTally(source.file_name, source.format)
        matcher = Matcher()
        writer = _Writer(source.file_name, source.format, user)
        for batch in batched(progress(source.read(tally.note_problem)), BATCH_SIZE):
            records = list(batch)
            if fill is not None:
                fill(records)
            entries = matcher.classify(records)
            problems = tally.problem_count or any(e.action == Action.PROBLEM for e in entries)
            if not problems:  # once anything is wrong, nothing more is written
                new = [entry for entry in entries if entry.action == Action.CREATE]
                with suppress(_Unsaveable):  # its entry is a problem now, tallied below
                    tally.created += len(writer.save(new))
            for entry in entries:
                tally.add(entry)
        if tally.problem_count or not tally.actions:
            raise ImportRefused(tally)
        changes.record()  # drafts only: nothing derived counts them, but the library changed
        return tally
