"""The library as open data: a Frictionless Data Package of CSV files, and the same as JSON.

One CSV per kind of record, normalised: each row is known by a stable identifier (a slug,
or its study's slug and its position) and points to others by theirs, so the files join
like the database they come from. Each table's schema is read from its model: a column's
type from the field, its description from the help text, its allowed values from the
choices, and its keys from the unique constraints and foreign keys. A field the evidence
model gains appears in the package with the next build.

Only published records, and only links whose two ends are published, are in it: every
table starts from `published()` or from `published_through` on each of its links.

`build()` writes the files into `settings.DATA_PACKAGE_ROOT` (atomically: a new directory
is filled, then swapped in), which `/data/` serves. It runs after each publication (as a
background task, `rebuild_data_package`) and from `manage.py build_data_package`.
"""

import csv
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import models
from django.tasks import task
from django.utils import timezone
from django.utils.text import capfirst

from resources.models import (
    Country,
    Finding,
    Intervention,
    InterventionStudy,
    Outcome,
    Recommendation,
    RecommendationEvidence,
    Study,
    StudyAuthor,
    StudyBiasDomain,
    StudyLearnerLevel,
    StudyReference,
    Topic,
)
from resources.models.base import Publishable, published_through

PACKAGE_NAME = "evidence-library"
DESCRIPTOR = "datapackage.json"
JSON_FILE = "evidence-library.json"

# Columns a model has that are not public data: editorial bookkeeping, numbers stored
# only to make pages fast, and anything a curator keeps for the team alone.
NOT_PUBLISHED = {
    "id",
    "status",
    "created_at",
    "sources",
    "published_evidence",
    "published_studies",
    "rating_rank",
    "computed_rating_reasons",
}
# Abstracts belong to their publishers, not to the library's licence; a study's DOI and
# URL lead to them.
NOT_LICENSED = {"abstract"}


def _is_private(field_name: str) -> bool:
    """A curator's internal note (and any such field to come) never leaves the library."""
    return "internal" in field_name or "curator" in field_name


@dataclass(frozen=True)
class Table:
    name: str
    model: type[models.Model]
    description: str
    # the key for rows known by a slug; else the model's unique constraint gives it
    key: tuple[str, ...] = ()

    @property
    def fields(self) -> list[models.Field]:
        return [
            field
            for field in self.model._meta.concrete_fields
            if field.name not in NOT_PUBLISHED | NOT_LICENSED and not _is_private(field.name)
        ]

    @property
    def primary_key(self) -> list[str]:
        if self.key:
            return list(self.key)
        opts = self.model._meta
        for constraint in opts.constraints:
            if (
                isinstance(constraint, models.UniqueConstraint)
                and constraint.condition is None
                and constraint.fields
            ):
                return list(constraint.fields)
        for together in opts.unique_together:
            return list(together)
        return []

    def rows(self) -> models.QuerySet:
        """Published records, or rows whose every required publishable end is published.

        An optional link to a record that is not published (an outcome naming a practice
        still in draft) is left empty rather than dropping the row."""
        if issubclass(self.model, Publishable):
            records = self.model.objects.published()
        else:
            records = self.model._default_manager.all()
        columns = []
        for field in self.fields:
            if not (field.is_relation and issubclass(field.related_model, Publishable)):
                columns.append(_lookup(field))
            elif field.null:
                name = f"public_{field.name}"
                records = records.annotate(
                    **{
                        name: models.Case(
                            models.When(published_through(field.name), then=_lookup(field)),
                            default=None,
                        )
                    }
                )
                columns.append(name)
            else:
                records = records.filter(published_through(field.name))
                columns.append(_lookup(field))
        order = [_lookup(self.model._meta.get_field(name)) for name in self.primary_key]
        return records.order_by(*order).values_list(*columns)


def _target_key(field: models.ForeignKey) -> str:
    """The column a foreign key names its record by: the slug, or a country's code."""
    target = field.related_model
    return "code" if target is Country else "slug"


def _lookup(field: models.Field) -> str:
    return f"{field.name}__{_target_key(field)}" if field.is_relation else field.attname


def _through(model, name: str) -> type[models.Model]:
    return model._meta.get_field(name).remote_field.through


TABLES = [
    Table(
        "studies",
        Study,
        "One row per published study: bibliographic facts, design, participants and "
        "appraisal, known by its slug. Abstracts are left out: they belong to their "
        "publishers, and the DOI or URL leads to them.",
        key=("slug",),
    ),
    Table(
        "authors",
        StudyAuthor,
        "Each study's authors, in byline order (one row per author and study).",
    ),
    Table(
        "study_learner_levels",
        StudyLearnerLevel,
        "The learner levels each study's participants were at.",
    ),
    Table(
        "study_bias_domains",
        StudyBiasDomain,
        "Each study's risk of bias judged domain by domain (RoB 2 or ROBINS-I), where a "
        "curator judged the domains one by one.",
    ),
    Table("countries", Country, "Countries studies were done in, by ISO code.", key=("code",)),
    Table(
        "study_countries",
        _through(Study, "countries"),
        "Which countries each study was done in.",
    ),
    Table(
        "outcomes",
        Outcome,
        "Measured results of quantitative studies: what was measured, its Kirkpatrick "
        "level, the groups compared and the direction.",
    ),
    Table(
        "findings",
        Finding,
        "Qualitative findings (themes), in the library's words, with their GRADE-CERQual "
        "confidence.",
    ),
    Table(
        "interventions",
        Intervention,
        "Practices an educator can adopt, with their evidence rating; known by slug.",
        key=("slug",),
    ),
    Table(
        "intervention_studies",
        InterventionStudy,
        "Links between practices and the studies that speak to them, with what each "
        "study found about the practice.",
    ),
    Table(
        "recommendations",
        Recommendation,
        "Advice to educators and institutions: statement, strength and certainty.",
        key=("slug",),
    ),
    Table(
        "recommendation_evidence",
        RecommendationEvidence,
        "The studies each recommendation rests on, and whether each supports or contradicts it.",
    ),
    Table(
        "recommendation_interventions",
        _through(Recommendation, "interventions"),
        "The practices each recommendation concerns.",
    ),
    Table("topics", Topic, "Themes that cut across the library; known by slug.", key=("slug",)),
    Table("study_topics", _through(Study, "topics"), "The topics each study is filed under."),
    Table(
        "intervention_topics",
        _through(Intervention, "topics"),
        "The topics each practice is filed under.",
    ),
    Table(
        "recommendation_topics",
        _through(Recommendation, "topics"),
        "The topics each recommendation is filed under.",
    ),
    Table(
        "study_references",
        StudyReference,
        "References between studies in the library: the citing study lists the cited one.",
    ),
]
TABLES_BY_MODEL = {table.model: table for table in TABLES}


# --- Schemas, from the models ------------------------------------------------------------


def _field_type(field: models.Field) -> tuple[str, dict]:
    """The Table Schema type (and format) of a model field."""
    if isinstance(field, models.GeneratedField):
        field = field.output_field
    if field.is_relation:
        return _field_type(field.related_model._meta.get_field(_target_key(field)))
    if isinstance(field, models.BooleanField):
        return "boolean", {}
    if isinstance(field, (models.IntegerField, models.AutoField)):
        return "integer", {}
    if isinstance(field, (models.DecimalField, models.FloatField)):
        return "number", {}
    if isinstance(field, models.DateTimeField):
        return "datetime", {}
    if isinstance(field, models.DateField):
        return "date", {}
    if isinstance(field, models.URLField):
        return "string", {"format": "uri"}
    if isinstance(field, models.JSONField):
        return "string", {}  # written as JSON text
    return "string", {}


def _choices(field: models.Field) -> list[tuple[str, str]]:
    if isinstance(field, models.GeneratedField):
        field = field.output_field
    return [(str(value), str(label)) for value, label in (field.choices or [])]


def field_schema(table: Table, field: models.Field) -> dict:
    kind, extra = _field_type(field)
    column = {"name": field.name, "title": capfirst(field.verbose_name), "type": kind}
    column.update(extra)
    description = str(field.help_text or "")
    if field.is_relation:
        target = TABLES_BY_MODEL[field.related_model]
        description = (
            f"{description} " if description else ""
        ) + f"The {_target_key(field)} of a row in {target.name}."
    if description:
        column["description"] = description.strip()
    constraints = {}
    if not (field.null or field.blank) or field.name in table.primary_key:
        constraints["required"] = True
    if choices := _choices(field):
        constraints["enum"] = [value for value, _ in choices]
        column["categories"] = [{"value": value, "label": label} for value, label in choices]
    if constraints:
        column["constraints"] = constraints
    return column


def table_schema(table: Table) -> dict:
    schema = {"fields": [field_schema(table, field) for field in table.fields]}
    if table.primary_key:
        schema["primaryKey"] = table.primary_key
    foreign_keys = [
        {
            "fields": [field.name],
            "reference": {
                "resource": TABLES_BY_MODEL[field.related_model].name,
                "fields": [_target_key(field)],
            },
        }
        for field in table.fields
        if field.is_relation
    ]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def descriptor(*, version: str, created: datetime) -> dict:
    """The `datapackage.json`: the package's metadata and a schema for every CSV."""
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": PACKAGE_NAME,
        "title": "Evidence library for medical educators",
        "description": (
            "Every published study, practice (intervention), recommendation and topic in "
            "the library, with the links between them. The same data as one JSON file: "
            f"{JSON_FILE}."
        ),
        "version": version,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [settings.DATA_PACKAGE_LICENSE],
        "resources": [
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": table.description,
                "schema": table_schema(table),
            }
            for table in TABLES
        ],
    }


# --- Values ------------------------------------------------------------------------------


def _cell(value) -> str:
    """A value as Table Schema reads it by default in a CSV cell; empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return timezone.localtime(value, timezone.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _json_value(value):
    if isinstance(value, (datetime, date, Decimal)):
        return _cell(value)
    return value


def table_rows(table: Table) -> Iterator[tuple]:
    return table.rows().iterator(chunk_size=2000)


# --- Building ------------------------------------------------------------------------------


def build(root: Path | None = None, *, now: Callable[[], datetime] = timezone.now) -> dict:
    """Write the package into `root` (DATA_PACKAGE_ROOT) and return its descriptor.

    The files are written into a fresh directory beside `root`, which then replaces it,
    so `/data/` never serves half a build.
    """
    root = Path(root or settings.DATA_PACKAGE_ROOT)
    root.parent.mkdir(parents=True, exist_ok=True)
    created = now()
    package = descriptor(version=created.strftime("%Y.%m.%d.%H%M%S"), created=created)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=root.parent))
    try:
        everything = {key: package[key] for key in ("name", "title", "version", "created")}
        everything["licenses"] = package["licenses"]
        everything["tables"] = {}
        for table in TABLES:
            names = [field.name for field in table.fields]
            records = everything["tables"][table.name] = []
            with open(work / f"{table.name}.csv", "w", newline="", encoding="utf-8") as file:
                writer = csv.writer(file)
                writer.writerow(names)
                for row in table_rows(table):
                    writer.writerow([_cell(value) for value in row])
                    records.append(
                        {name: _json_value(value) for name, value in zip(names, row, strict=True)}
                    )
        (work / DESCRIPTOR).write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n")
        (work / JSON_FILE).write_text(json.dumps(everything, ensure_ascii=False))
        _swap_in(work, root)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return package


def _swap_in(work: Path, root: Path) -> None:
    """Replace `root` by `work`: a rename each, so a reader sees the old or the new."""
    os.chmod(work, 0o755)
    old = None
    if root.exists():
        old = root.with_name(f".old-{root.name}-{os.getpid()}")
        os.replace(root, old)
    os.replace(work, root)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_descriptor(root: Path | None = None) -> dict | None:
    """The descriptor of the package being served, or None before the first build."""
    path = Path(root or settings.DATA_PACKAGE_ROOT) / DESCRIPTOR
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None


def file_names() -> list[str]:
    return [DESCRIPTOR, JSON_FILE, *(f"{table.name}.csv" for table in TABLES)]


def data_dictionary() -> list[dict]:
    """What each file holds, column by column, from the same schema as the package."""
    package = descriptor(version="", created=timezone.now())
    return package["resources"]


@task()
def rebuild_data_package() -> str:
    """The background task that keeps `/data/` current after a publication."""
    return build()["version"]
