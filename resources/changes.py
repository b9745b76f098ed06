"""The one write path for derived data: what a write changes beyond its own rows.

Derived data is what pages read instead of counting: each intervention's rating and its
studies counted by design (`resources.rating`), the evidence map's cells
(`resources.evidence_map`), the stored counts of published studies (`resources.tallies`)
and of each filter choice of the whole lists (`resources.facets`),
the search index (`resources.search`), the open data package (`resources.datapackage`,
rebuilt in the background once the write commits), the time the library last changed
(the API's Last-Modified) and the cached pages (`library.page_cache`; no other domain
module imports it). Every write calls one of two functions once its rows are saved, inlines
and links included:

- `record(*records, interventions=(), topics=())` after saving, deleting or moving
  records: the admin, the API, `resources.workflow` and the reference importer. The
  records are the ones written (of any model, a deleted one too). A study brings in the
  interventions it is linked to and the topics it is filed under; a write that unlinks or
  unfiles it passes what it was linked to before, read with `linked(records)`.
- `rebuild()` after a bulk load that bypasses the write paths: seeding, restoring a
  backup, the benchmark corpus. It recomputes everything.

Both run inside the caller's transaction and tell the page cache last (which bumps again
on commit), so a page rendered from the old rows does not survive the change.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from library.page_cache import bump_generation
from resources import datapackage, evidence_map, facets, rating, search, tallies
from resources.models import (
    Intervention,
    LibraryChange,
    Recommendation,
    Study,
    Topic,
)

INDEXED = (Study, Intervention, Recommendation, Topic)  # the kinds the search index holds
ROW = 1  # LibraryChange holds one row


def linked(records: Iterable) -> dict:
    """The interventions and topics the studies among `records` are linked to now, to be
    passed to `record` after a write that may unlink them (a delete, new topics)."""
    ids = [obj.pk for obj in records if isinstance(obj, Study) and obj.pk is not None]
    if not ids:
        return {}
    return {
        "interventions": list(Intervention.objects.filter(studies__in=ids).distinct()),
        "topics": list(Topic.objects.filter(studies__in=ids).distinct()),
    }


@transaction.atomic
def record(*records, interventions: Iterable = (), topics: Iterable = ()) -> None:
    """Recompute what writing `records` affects, then mark the library changed."""
    studies = [obj.pk for obj in records if isinstance(obj, Study) and obj.pk is not None]
    rated = {obj.pk: obj for obj in interventions}
    rated |= {obj.pk: obj for obj in records if isinstance(obj, Intervention) and obj.pk}
    filed = {obj.pk for obj in topics}
    filed |= {obj.pk for obj in records if isinstance(obj, Topic) and obj.pk}
    if studies:
        for intervention in Intervention.objects.filter(studies__in=studies).distinct():
            rated.setdefault(intervention.pk, intervention)
        filed |= set(Topic.objects.filter(studies__in=studies).values_list("pk", flat=True))
    for intervention in rated.values():
        rating.refresh_rating(intervention)
    evidence_map.refresh_cells(rated.values())
    if filed or any(isinstance(obj, Study) for obj in records):
        tallies.recount_studies(Topic.objects.filter(pk__in=filed))
    facets.store_whole_list_counts()
    search.refresh(obj for obj in records if isinstance(obj, INDEXED))
    _library_changed(published=any(isinstance(obj, INDEXED) for obj in records))


@transaction.atomic
def rebuild() -> None:
    """Recompute all derived data, after a load that bypassed `record`."""
    rating.refresh_all_ratings()
    evidence_map.refresh_all_cells()
    tallies.recount_studies()
    facets.store_whole_list_counts()
    search.rebuild()
    _library_changed(published=True)


def last_changed():
    """When the library last changed (an aware datetime), or None if it never has."""
    return LibraryChange.objects.filter(pk=ROW).values_list("changed_at", flat=True).first()


def _library_changed(*, published: bool) -> None:
    """Store the time, stale the cached pages and, if a public record may have changed,
    rebuild the data package in the background once the write commits."""
    LibraryChange.objects.update_or_create(pk=ROW, defaults={"changed_at": timezone.now()})
    bump_generation()
    if published:
        transaction.on_commit(datapackage.rebuild_data_package.enqueue)
