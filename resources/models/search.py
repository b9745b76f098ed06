"""The search index: one row of searchable text per published record.

`SearchEntry` holds the text each record is found by, written only by
`resources.search.reindex` / `reindex_all`. The database's own full-text engine indexes it:

- PostgreSQL: `search_vector`, a stored generated tsvector (title weighted A, body B)
  with a GIN index (created by migration 0003, PostgreSQL only).
- SQLite: an FTS5 table, `resources_searchentry_fts`, over this table's rows (external
  content, rowid = entry id), kept in step by triggers created by migration 0003.
  `SearchIndex` is that table as the ORM sees it; it exists on SQLite only.
"""

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q

from .intervention import Intervention
from .recommendation import Recommendation
from .study import Study
from .topic import Topic

FTS_TABLE = "resources_searchentry_fts"


class WeightedDocument(models.Func):
    """The entry's tsvector on PostgreSQL; NULL elsewhere, where FTS5 does the indexing."""

    output_field = SearchVectorField()

    def __init__(self, title, body, **extra):
        super().__init__(title, body, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", []

    def as_postgresql(self, compiler, connection, **extra_context):
        title, body = self.get_source_expressions()
        vector = SearchVector(title, weight="A", config="english") + SearchVector(
            body, weight="B", config="english"
        )
        return compiler.compile(vector.resolve_expression(compiler.query))


def _one_target() -> Q:
    targets = ("study", "intervention", "recommendation", "topic")
    return Q.create(
        [Q(**{f"{target}__isnull": target != chosen for target in targets}) for chosen in targets],
        connector=Q.OR,
    )


class SearchEntry(models.Model):
    """The text one published record is found by; deleted with its record."""

    study = models.OneToOneField(
        Study, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    intervention = models.OneToOneField(
        Intervention, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    recommendation = models.OneToOneField(
        Recommendation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="search_entry",
    )
    topic = models.OneToOneField(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    title = models.TextField()
    body = models.TextField(blank=True)
    search_vector = models.GeneratedField(
        expression=WeightedDocument("title", "body"),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )

    class Meta:
        verbose_name_plural = "search entries"
        constraints = [
            models.CheckConstraint(
                condition=_one_target(),
                name="search_entry_one_target",
                violation_error_message="A search entry belongs to exactly one record.",
            )
        ]

    def __str__(self):
        return self.title


class FullTextMatch(models.Lookup):
    """`fts_column__match=...`: an FTS5 MATCH on SQLite's search table."""

    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class FTS5Column(models.TextField):
    """FTS5's hidden column named after its table: the left side of MATCH and bm25()."""


FTS5Column.register_lookup(FullTextMatch)


class SearchIndex(models.Model):
    """SQLite's FTS5 table over `SearchEntry`; read-only, and absent on PostgreSQL."""

    entry = models.OneToOneField(
        SearchEntry,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        related_name="fts",
    )
    document = FTS5Column(db_column=FTS_TABLE)
    title = models.TextField()
    body = models.TextField()

    class Meta:
        managed = False
        db_table = FTS_TABLE

    def __str__(self):
        return self.title
