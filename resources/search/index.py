"""What each kind of record is found by, and keeping the index in step with the records.

The index (`SearchEntry`, see `resources/models/search.py`) holds one entry per published
study, intervention, recommendation and topic, and the vocabulary (`SearchWord`) the words
of them all. `refresh(records)` and `rebuild()` are their only write path, called after
every change to a record or to what its text is built from (a study's authors, findings
or topics; a topic's name is part of the entries of its studies, interventions and
recommendations).
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from resources.models import (
    Intervention,
    Recommendation,
    SearchEntry,
    SearchWord,
    Study,
    Topic,
)

from .highlight import clean
from .query import MAX_TERM_LENGTH

_VOCABULARY_WORD = re.compile(r"\b[^\W\d_]{3,}\b")


@dataclass(frozen=True)
class Kind:
    key: str  # "studies"
    label: str  # "Studies"
    model: type
    entry_field: str  # SearchEntry's link to the model
    list_url_name: str  # the filtered list that shows every match
    # the parts of the entry that hold text for this kind (`parts_of`); the others are empty
    parts: tuple[str, ...] = ("title", "byline", "about", "body")

    @property
    def list_url(self) -> str:
        return reverse(self.list_url_name)

    def parts_of(self, obj) -> dict[str, str]:
        """The entry's text in the parts it is ranked by: title, byline, about, body."""
        topics = [topic.name for topic in getattr(obj, "published_topics", [])]
        if self.model is Study:
            return {
                "title": obj.title,
                "byline": "; ".join(author_name(author) for author in obj.authors.all()),
                "about": _joined([obj.journal, obj.doi, *topics], "; "),
                "body": _joined(
                    [
                        obj.abstract,
                        obj.key_findings,
                        *(finding.statement for finding in obj.findings.all()),
                        obj.participants,
                        obj.setting,
                    ]
                ),
            }
        if self.model is Intervention:
            body = [obj.summary, obj.audience, obj.how_it_works, obj.implementation_steps]
            return {"title": obj.name, "about": _joined(topics, "; "), "body": _joined(body)}
        if self.model is Recommendation:
            body = [obj.statement, obj.rationale]
            return {"title": obj.title, "about": _joined(topics, "; "), "body": _joined(body)}
        return {"title": obj.name, "body": obj.description}

    def to_index(self) -> QuerySet:
        """The published records of this kind, with what their text is built from."""
        queryset = self.model.objects.published()
        if self.model is Study:
            queryset = queryset.prefetch_related("authors", "findings")
        if self.model is Topic:
            return queryset
        published = Prefetch("topics", Topic.objects.published(), to_attr="published_topics")
        return queryset.prefetch_related(published)

    def for_results(self) -> QuerySet:
        """The published records as a result line shows them: the columns it reads, and
        no more. Its title and snippet come highlighted from the index, and the database
        sorts the row of every ranked match with these columns to find the best."""
        queryset = self.model.objects.published().only(*RESULT_FIELDS[self.model])
        if self.model is Study:
            return queryset.for_rows()
        return queryset


# What a result line reads of its record besides the highlighted title and snippet: its
# link, and a study's byline (`for_rows`), year, journal and design (and a DOI's, its
# title and DOI), an intervention's evidence as its row stores it (`evidence_summary`),
# a recommendation's strength and certainty.
RESULT_FIELDS = {
    Study: ("slug", "title", "year", "journal", "doi", "design"),
    Intervention: ("slug", "rating", "published_evidence", "profile_confidence", "profile_links"),
    Recommendation: ("slug", "strength", "certainty"),
    Topic: ("slug",),
}


KINDS = (
    Kind("studies", "Studies", Study, "study", "resources:study-list"),
    Kind(
        "interventions",
        "Interventions",
        Intervention,
        "intervention",
        "resources:intervention-list",
        ("title", "about", "body"),
    ),
    Kind(
        "recommendations",
        "Recommendations",
        Recommendation,
        "recommendation",
        "resources:recommendation-list",
        ("title", "about", "body"),
    ),
    Kind("topics", "Topics", Topic, "topic", "resources:topic-list", ("title", "body")),
)
KIND_BY_MODEL = {kind.model: kind for kind in KINDS}


def author_name(author) -> str:
    return author.literal_name or " ".join(
        part for part in (author.given_names, author.family_name) if part
    )


def _joined(parts, separator: str = "\n\n") -> str:
    return separator.join(part for part in parts if part)


PARTS = ("title", "byline", "about", "body")


def _entry_values(kind: Kind, obj) -> dict:
    """Every part of the entry, empty where the kind has nothing for it."""
    parts = kind.parts_of(obj)
    return {part: clean(parts.get(part, "")) for part in PARTS}


def words_of(values: dict) -> set[str]:
    """The words of an entry that "Did you mean …?" may suggest: letters only, three to
    MAX_TERM_LENGTH of them."""
    text = " ".join(values.values()).lower()
    return {word for word in _VOCABULARY_WORD.findall(text) if len(word) <= MAX_TERM_LENGTH}


def _with_filed_records(records: list) -> list:
    """`records`, and for each topic the studies, interventions and recommendations
    filed under it: a topic's name is part of their entries."""
    topics = [record.pk for record in records if isinstance(record, Topic) and record.pk]
    if not topics:
        return records
    filed = [
        *Study.objects.filter(topics__in=topics).distinct().only("pk"),
        *Intervention.objects.filter(topics__in=topics).distinct().only("pk"),
        *Recommendation.objects.filter(topics__in=topics).distinct().only("pk"),
    ]
    return [*records, *filed]


def refresh(records: Iterable) -> None:
    """Bring each record's entry in step: written if it is published, removed if not.

    Call after every change to a record or to what its text is built from (a study's
    authors, findings or topics), once its related rows are saved; a topic brings the
    entries of the records filed under it along. A deleted record's entry went with it.
    Records are read a kind and a chunk at a time, whatever their number.
    """
    pks_by_kind: dict[Kind, set] = {}
    for record in _with_filed_records([record for record in records if record.pk is not None]):
        pks_by_kind.setdefault(KIND_BY_MODEL[type(record)], set()).add(record.pk)
    for kind, pks in pks_by_kind.items():
        ordered = sorted(pks)
        for start in range(0, len(ordered), REFRESH_CHUNK):
            _refresh_chunk(kind, ordered[start : start + REFRESH_CHUNK])


REFRESH_CHUNK = 500


def _refresh_chunk(kind: Kind, pks: list) -> None:
    link = f"{kind.entry_field}_id"
    published = {obj.pk: _entry_values(kind, obj) for obj in kind.to_index().filter(pk__in=pks)}
    SearchEntry.objects.filter(**{f"{link}__in": set(pks) - set(published)}).delete()
    existing = {
        getattr(entry, link): entry
        for entry in SearchEntry.objects.filter(**{f"{link}__in": list(published)})
    }
    new, changed, words = [], [], set()
    for pk, values in published.items():
        words |= words_of(values)
        entry = existing.get(pk) or SearchEntry(**{link: pk})
        for part, text in values.items():
            setattr(entry, part, text)
        (changed if pk in existing else new).append(entry)
    SearchEntry.objects.bulk_create(new)
    SearchEntry.objects.bulk_update(changed, list(PARTS))
    # new words join the vocabulary; counts are made whole by `rebuild`
    SearchWord.objects.bulk_create(
        (SearchWord(word=word) for word in sorted(words)), ignore_conflicts=True
    )


@transaction.atomic
def rebuild() -> None:
    """Rebuild the whole index from the published records."""
    SearchEntry.objects.all().delete()
    records = Counter()
    for kind in KINDS:
        entries = []
        for obj in kind.to_index().iterator(chunk_size=500):
            values = _entry_values(kind, obj)
            records.update(words_of(values))
            entries.append(SearchEntry(**{kind.entry_field: obj}, **values))
            if len(entries) == 500:
                SearchEntry.objects.bulk_create(entries)
                entries = []
        SearchEntry.objects.bulk_create(entries)
    SearchWord.objects.all().delete()
    SearchWord.objects.bulk_create(
        (SearchWord(word=word, records=count) for word, count in sorted(records.items())),
        batch_size=1000,
    )
    _refresh_statistics()


def _refresh_statistics() -> None:
    """Give the planner fresh statistics after the index was written anew.

    Without them it guesses. SQLite ran the full-text match once per record instead of
    once per search, and walked all the published studies to find a page's recommendation
    evidence rather than the other way round; it gets `ANALYZE` of every table. PostgreSQL
    analyses on its own only when autovacuum is on and gets round to it: meanwhile, after a
    rebuild of 100,000 studies, a rare word's search took 77 ms instead of 24, so it gets
    `ANALYZE` of the index's two tables (inside the rebuild's transaction, which counts
    the rows it wrote).
    """
    connection = connections[SearchEntry.objects.db]
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table) for model in (SearchEntry, SearchWord)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else f"ANALYZE {tables}")
