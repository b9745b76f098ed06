"""Backups as portable JSON: natural keys, so a dump restores into any empty database."""

from io import StringIO

from django.core.management import call_command
from django.db import transaction

from library.page_cache import bump_generation

# Rebuilt by `migrate` (content types, permissions) or by the app (the search index, the
# evidence map's cells), or worthless after a restore (sessions).
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "resources.searchentry",
    "resources.studysearchindex",  # the search index's FTS5 tables (SQLite)
    "resources.interventionsearchindex",
    "resources.recommendationsearchindex",
    "resources.topicsearchindex",
    "resources.evidencemapcell",
    "resources.publishedtotal",
]


def dump() -> str:
    out = StringIO()
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=True,
        exclude=EXCLUDED,
        indent=1,
        stdout=out,
    )
    return out.getvalue()


@transaction.atomic
def restore(path: str) -> None:
    """Load a dump into a migrated database in one transaction, then rebuild derived data."""
    from resources.evidence_map import refresh_all_cells
    from resources.rating import refresh_all_ratings
    from resources.search import reindex_all
    from resources.tallies import recount_studies

    call_command("loaddata", path, verbosity=0)
    refresh_all_ratings()
    refresh_all_cells()
    recount_studies()
    reindex_all()
    bump_generation()
