"""What importing a parsed file would do, and doing it: all records or none.

A record matches a study when their normalised DOIs are equal, or when their normalised
titles, years and first authors' family names are. A record that matches an existing
study, or an earlier record of the same file, is never created; so importing the same
file twice changes nothing the second time.
"""

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from resources.models import (
    AppraisalStatus,
    EditorialStatus,
    SourceDocument,
    SourceKind,
    Study,
    StudyAuthor,
)

from .records import ParsedFile, ParsedRecord

SLUG_LENGTH = Study._meta.get_field("slug").max_length
SLUG_TITLE_WORDS = 6


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


@dataclass
class ImportPlan:
    parsed: ParsedFile
    entries: list[Entry] = field(default_factory=list)

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
    def can_apply(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        return (
            f"{self.parsed.file_name} ({self.parsed.format}): {len(self.entries)} records; "
            f"{len(self.to_create)} to create, {len(self.existing)} matching existing "
            f"studies, {len(self.duplicates)} duplicates within the file, "
            f"{len(self.with_problems)} with problems."
        )

    def report_lines(self) -> list[str]:
        lines = [self.summary, *(f"  {problem}" for problem in self.parsed.problems)]
        for entry in self.entries:
            record = entry.record
            byline = record.first_author_family or "no author"
            lines.append(
                f"  {record.label}: {byline} {record.year or 'n.d.'}, "
                f"“{record.title or 'untitled'}”: {entry.description}"
            )
        return lines


class ImportRefused(Exception):
    """An import that would be partial, so is not done at all."""

    def __init__(self, plan: ImportPlan):
        self.plan = plan
        super().__init__(
            f"Nothing was imported from {plan.parsed.file_name}: "
            + "; ".join(plan.problems or ["it has no records"])
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


class _Index:
    """The studies a record may match, by DOI and by title, year and first author."""

    def __init__(self):
        self.by_doi: dict[str, object] = {}
        self.by_key: dict[tuple, object] = {}

    def add(self, target, doi: str, key: tuple | None) -> None:
        if doi:
            self.by_doi.setdefault(doi, target)
        if key:
            self.by_key.setdefault(key, target)

    def find(self, record: ParsedRecord, key: tuple | None):
        return (record.doi and self.by_doi.get(record.doi)) or (key and self.by_key.get(key))


def existing_index() -> _Index:
    index = _Index()
    for study in Study.objects.prefetch_related("authors").order_by("pk"):
        authors = list(study.authors.all())
        family = (authors[0].family_name or authors[0].literal_name) if authors else ""
        index.add(study, study.doi, match_key(study.title, study.year, family))
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


def make_plan(parsed: ParsedFile) -> ImportPlan:
    plan = ImportPlan(parsed)
    existing = existing_index()
    earlier = _Index()
    for record in parsed.records:
        if not record.problems:
            record.problems += validation_problems(record)
        if record.problems:
            plan.entries.append(Entry(record, Action.PROBLEM))
            continue
        key = match_key(record.title, record.year, record.first_author_family)
        if study := existing.find(record, key):
            plan.entries.append(Entry(record, Action.EXISTING, existing=study))
        elif first := earlier.find(record, key):
            plan.entries.append(Entry(record, Action.DUPLICATE, duplicate_of=first.number))
        else:
            earlier.add(record, record.doi, key)
            plan.entries.append(Entry(record, Action.CREATE))
    return plan


def unique_slug(record: ParsedRecord, taken: set[str]) -> str:
    words = normalise_title(record.title).split()[:SLUG_TITLE_WORDS]
    parts = [normalise_name(record.first_author_family), str(record.year or ""), *words]
    base = slugify(" ".join(p for p in parts if p))[: SLUG_LENGTH - 4].strip("-") or "study"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _source(parsed: ParsedFile, user) -> SourceDocument:
    now = timezone.now()
    base = slugify(f"import {parsed.file_name}")[:80] or "import"
    slug = f"{base}-{now:%Y%m%d%H%M%S}"
    taken = set(SourceDocument.objects.filter(slug__startswith=slug).values_list("slug", flat=True))
    while slug in taken:
        slug += "-x"
    who = f" by {user.get_username()}" if user is not None else ""
    return SourceDocument.objects.create(
        slug=slug,
        title=f"Imported references: {parsed.file_name}",
        kind=SourceKind.IMPORT,
        file_name=parsed.file_name,
        notes=f"{parsed.format} file imported{who} on {now:%Y-%m-%d %H:%M} UTC.",
    )


@dataclass
class ImportResult:
    plan: ImportPlan
    created: list[Study]
    source: SourceDocument | None


def apply(
    parsed: ParsedFile,
    user=None,
    progress: Callable[[Iterable], Iterable] = lambda entries: entries,
) -> ImportResult:
    """Import every new record as a draft study, in one transaction; or refuse and write nothing.

    The plan is made again inside the transaction, so a study added since the preview
    is matched rather than duplicated.
    """
    with transaction.atomic():
        plan = make_plan(parsed)
        if not plan.can_apply or not plan.entries:
            raise ImportRefused(plan)
        if not plan.to_create:
            return ImportResult(plan, [], None)
        source = _source(parsed, user)
        taken = set(Study.objects.values_list("slug", flat=True))
        created = []
        for entry in progress(plan.to_create):
            study = build_study(entry.record, unique_slug(entry.record, taken))
            study._history_user = user
            try:
                study.full_clean()
                study.save()
            except (ValidationError, IntegrityError) as error:
                entry.action = Action.PROBLEM
                entry.record.problems.append(f"it cannot be saved: {error}")
                raise ImportRefused(plan) from error
            for author in build_authors(entry.record, study):
                author._history_user = user
                author.save()
            study.sources.add(source)
            created.append(study)
        return ImportResult(plan, created, source)
