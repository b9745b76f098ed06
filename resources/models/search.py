"""The search index: one row of searchable text per published record, and the words
and synonyms that searches are read with.

`SearchEntry` holds the text each record is found by, in four parts ranked from first
to last (title, byline, about, body), written only by `resources.search.refresh` /
`rebuild`. The database's own full-text engine indexes it:

- PostgreSQL: `search_vector`, a stored generated tsvector (the parts weighted A to D),
  with a GIN index per kind of record (migrations 0021, 0026).
- SQLite: one FTS5 table per kind of record (`StudySearchIndex` and its siblings), each
  over that kind's entries (external content, through a view), with the record's id as
  its rowid, kept in step by triggers (migrations 0008, 0026). One table per kind, because
  on every query FTS5 gathers all the matches of a prefix ("learners*") and bm25 counts
  all the matches of each word, whatever else the query asks: a search of the twenty
  topics must not read the ninety thousand studies that share a common word. Each table
  also indexes its words' first 3 to 15 characters (migration 0035), so that a prefix
  of those lengths is one list rather than every matching word's merged. These models
  exist on SQLite only.

`SearchWord` is the library's vocabulary, which "Did you mean …?" draws from, and
`SynonymGroup` the curators' list of words and phrases that find each other.
"""

import re

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .intervention import Intervention
from .recommendation import Recommendation
from .study import Study
from .topic import Topic


class WeightedDocument(models.Func):
    """The entry's tsvector on PostgreSQL, its columns weighted A, B, C, D in the order
    given; NULL elsewhere, where FTS5 does the indexing."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", []

    def as_postgresql(self, compiler, connection, **extra_context):
        parts = [
            SearchVector(column, weight=weight, config="english")
            for column, weight in zip(self.get_source_expressions(), "ABCD", strict=False)
        ]
        vector = parts[0]
        for part in parts[1:]:
            vector = vector + part
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
    byline = models.TextField(blank=True, help_text="A study's authors.")
    about = models.TextField(blank=True, help_text="Journal, DOI and topics.")
    body = models.TextField(blank=True)
    search_vector = models.GeneratedField(
        expression=WeightedDocument("title", "byline", "about", "body"),
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


class FullTextIndex(models.Model):
    """SQLite's FTS5 table over one kind's search entries; read-only, absent on PostgreSQL.

    Its rowid is the record's id, so `Model.objects.filter(search_index__document__match=...)`
    joins the record to its index row directly, and rowid order is the records' id order.
    """

    title = models.TextField()
    byline = models.TextField()
    about = models.TextField()
    body = models.TextField()

    class Meta:
        abstract = True
        managed = False

    def __str__(self):
        return self.title


def _record(model: type[models.Model]) -> models.OneToOneField:
    return models.OneToOneField(
        model,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        related_name="search_index",
    )


class StudySearchIndex(FullTextIndex):
    record = _record(Study)
    document = FTS5Column(db_column="resources_searchentry_study_fts")

    class Meta(FullTextIndex.Meta):
        db_table = "resources_searchentry_study_fts"


class InterventionSearchIndex(FullTextIndex):
    record = _record(Intervention)
    document = FTS5Column(db_column="resources_searchentry_intervention_fts")

    class Meta(FullTextIndex.Meta):
        db_table = "resources_searchentry_intervention_fts"


class RecommendationSearchIndex(FullTextIndex):
    record = _record(Recommendation)
    document = FTS5Column(db_column="resources_searchentry_recommendation_fts")

    class Meta(FullTextIndex.Meta):
        db_table = "resources_searchentry_recommendation_fts"


class TopicSearchIndex(FullTextIndex):
    record = _record(Topic)
    document = FTS5Column(db_column="resources_searchentry_topic_fts")

    class Meta(FullTextIndex.Meta):
        db_table = "resources_searchentry_topic_fts"


class SearchWord(models.Model):
    """A word of the library's published text, with the number of records it is in:
    what "Did you mean …?" suggests from. Rebuilt with the index."""

    word = models.CharField(max_length=60, unique=True)
    records = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["word"]

    def __str__(self):
        return self.word


class SynonymGroup(models.Model):
    """Words and phrases that find each other: a search for one also finds the others.

    Curators keep these in the admin; a search reads them when it runs, so a change
    needs no reindexing.
    """

    terms = models.TextField(
        help_text=(
            "Words or phrases that mean the same here, separated by commas, e.g. "
            "“resident, residency, postgraduate trainee”. Plurals and hyphens need no "
            "entry of their own."
        )
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why these belong together.")

    class Meta:
        ordering = ["terms"]

    def __str__(self):
        return self.terms

    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]

    def clean(self):
        terms = self.term_list()
        if len(terms) < 2:
            raise ValidationError(
                {"terms": "Give at least two words or phrases, separated by commas."}
            )
        unsearchable = [term for term in terms if not re.search(r"[^\W_]", term)]
        if unsearchable:
            raise ValidationError(
                {"terms": f"“{unsearchable[0]}” has no letters or digits to search for."}
            )
