"""What each kind of record is found by, and keeping the index in step with the records.

The index (`SearchEntry`, see `resources/models/search.py`) holds one entry per published
study, intervention, recommendation and topic. `refresh(records)` and `rebuild()` are its
only write path, called after every change to a record or to what its text is built from.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import QuerySet
from django.urls import reverse

from resources.models import Intervention, Recommendation, SearchEntry, Study, Topic

from .highlight import clean


@dataclass(frozen=True)
class Kind:
    key: str  # "studies"
    label: str  # "Studies"
    model: type
    entry_field: str  # SearchEntry's link to the model
    list_url_name: str  # the filtered list that shows every match

    @property
    def list_url(self) -> str:
        return reverse(self.list_url_name)

    def title_of(self, obj) -> str:
        return obj.name if self.model in (Intervention, Topic) else obj.title

    def body_of(self, obj) -> str:
        if self.model is Study:
            parts = [obj.abstract, obj.key_findings, *(f.statement for f in obj.findings.all())]
        elif self.model is Intervention:
            parts = [obj.summary, obj.how_it_works]
        elif self.model is Recommendation:
            parts = [obj.statement, obj.rationale]
        else:
            parts = [obj.description]
        return "\n\n".join(part for part in parts if part)

    def to_index(self) -> QuerySet:
        """The published records of this kind, with what their text is built from."""
        queryset = self.model.objects.published()
        return queryset.prefetch_related("findings") if self.model is Study else queryset

    def for_results(self) -> QuerySet:
        """The published records as a result line shows them."""
        queryset = self.model.objects.published()
        if self.model is Study:
            return queryset.for_rows()
        return queryset  # an intervention's row holds its card's evidence counts


KINDS = (
    Kind("studies", "Studies", Study, "study", "resources:study-list"),
    Kind(
        "interventions",
        "Interventions",
        Intervention,
        "intervention",
        "resources:intervention-list",
    ),
    Kind(
        "recommendations",
        "Recommendations",
        Recommendation,
        "recommendation",
        "resources:recommendation-list",
    ),
    Kind("topics", "Topics", Topic, "topic", "resources:topic-list"),
)
KIND_BY_MODEL = {kind.model: kind for kind in KINDS}


def _entry_values(kind: Kind, obj) -> dict:
    return {"title": clean(kind.title_of(obj)), "body": clean(kind.body_of(obj))}


def refresh(records: Iterable) -> None:
    """Bring each record's entry in step: written if it is published, removed if not.

    Call after every change to a record or to what its text is built from (a study's
    findings), once its related rows are saved. A deleted record's entry went with it.
    """
    for instance in records:
        if instance.pk is None:
            continue
        kind = KIND_BY_MODEL[type(instance)]
        entry = {f"{kind.entry_field}_id": instance.pk}
        obj = kind.to_index().filter(pk=instance.pk).first()
        if obj is None:
            SearchEntry.objects.filter(**entry).delete()
        else:
            SearchEntry.objects.update_or_create(**entry, defaults=_entry_values(kind, obj))


@transaction.atomic
def rebuild() -> None:
    """Rebuild the whole index from the published records."""
    SearchEntry.objects.all().delete()
    for kind in KINDS:
        SearchEntry.objects.bulk_create(
            SearchEntry(**{kind.entry_field: obj}, **_entry_values(kind, obj))
            for obj in kind.to_index().iterator(chunk_size=500)
        )
    _refresh_sqlite_statistics()


def _refresh_sqlite_statistics() -> None:
    """Give SQLite's planner row counts for every table, after a bulk change.

    Without them it guesses: it ran the full-text match once per record instead of once
    per search, and walked all the published studies to find a page's recommendation
    evidence rather than the other way round. PostgreSQL keeps its own statistics.
    """
    connection = connections[SearchEntry.objects.db]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
