"""Public versions of published records: numbered, with a change note and what moved.

`record_version` is the one write path for a version. It is called when an editor
publishes: the workflow's move to published (the first publication is version 1), an
editor's save of a published record in the admin, and the publication of a revision.

Each version keeps a snapshot of the record's public representation, the same columns
the open data package holds (`resources.datapackage`) with the rows that belong to it
(authors, outcomes, findings, links, evidence), so its own address shows it as it was.
A version is major when the editor says so or when a judgement moved: a rating, a
certainty or confidence, a strength, a direction or a recommendation's statement; what
moved is computed by comparing the snapshots and kept in words with the version.
"""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst

from resources import datapackage
from resources.models import (
    EditorialStatus,
    Finding,
    Intervention,
    InterventionStudy,
    Outcome,
    Recommendation,
    RecommendationEvidence,
    Study,
    StudyAuthor,
    Topic,
    Version,
)

FIRST_NOTE = "First published."
# Bookkeeping that changes without the record changing
NOT_SNAPSHOT = {"updated_at", "published_at", "version", "version_changed_at"}
# The fields whose change makes a version major, wherever they appear
JUDGEMENTS = (
    "statement",
    "strength",
    "certainty",
    "confidence",
    "rating",
    "rating_override",
    "risk_of_bias",
    "appraisal_status",
    "direction",
    "relation",
)


@dataclass(frozen=True)
class Part:
    """Rows that belong to a record and are shown with it: authors, outcomes, evidence."""

    name: str
    model: type[models.Model]
    parent: str  # the foreign key to the record
    label: str  # how one row is named in "what moved", e.g. "outcome"


PARTS = {
    Study: [
        Part("authors", StudyAuthor, "study", "author"),
        Part("outcomes", Outcome, "study", "outcome"),
        Part("findings", Finding, "study", "finding"),
    ],
    Intervention: [Part("studies", InterventionStudy, "intervention", "study")],
    Recommendation: [Part("evidence", RecommendationEvidence, "recommendation", "study")],
    Topic: [],
}


def _normalised(data):
    """As the database's JSON column gives it back, so snapshots compare equal."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _columns(model) -> list[models.Field]:
    return [
        field
        for field in datapackage.TABLES_BY_MODEL[model].fields
        if field.name not in NOT_SNAPSHOT
    ]


def snapshot(obj) -> dict:
    """The record's public representation: its public columns and its parts' rows."""
    model = type(obj)
    record = datapackage.TABLES_BY_MODEL[model].rows().filter(pk=obj.pk)
    names = [field.name for field in datapackage.TABLES_BY_MODEL[model].fields]
    values = dict(zip(names, record.get(), strict=True))
    data = {field.name: values[field.name] for field in _columns(model)}
    for part in PARTS[model]:
        table = datapackage.TABLES_BY_MODEL[part.model]
        fields = [field.name for field in table.fields]
        data[part.name] = [
            {name: value for name, value in zip(fields, row, strict=True) if name != part.parent}
            for row in table.rows().filter(**{part.parent: obj})
        ]
    return _normalised(data)


def _label(model, name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def _display(model, name: str, value) -> str:
    if value in (None, ""):
        return "none"
    field = model._meta.get_field(name)
    if isinstance(field, models.GeneratedField):
        field = field.output_field
    return str(dict(field.choices or {}).get(value, value))


def _row_key(part: Part, row: dict) -> tuple:
    key = datapackage.TABLES_BY_MODEL[part.model].primary_key
    return tuple(row.get(name) for name in key if name != part.parent)


def _row_name(part: Part, key: tuple) -> str:
    return f"{part.label} {', '.join(str(value) for value in key)}"


def what_moved(model, before: dict, after: dict) -> list[str]:
    """The judgements that differ between two snapshots, in words, e.g.
    "Certainty for outcome 2: Low → Very low"."""
    moved = []
    for name in JUDGEMENTS:
        if name in after and before.get(name) != after.get(name):
            if name == "statement":
                moved.append(f"Statement reworded: “{before.get(name)}” → “{after[name]}”")
            else:
                old, new = (
                    _display(model, name, before.get(name)),
                    _display(model, name, after[name]),
                )
                moved.append(f"{_label(model, name)}: {old} → {new}")
    for part in PARTS[model]:
        old_rows = {_row_key(part, row): row for row in before.get(part.name, [])}
        new_rows = {_row_key(part, row): row for row in after.get(part.name, [])}
        judged = [name for name in JUDGEMENTS if name in {f.name for f in _columns(part.model)}]
        if not judged:
            continue
        for key in old_rows.keys() - new_rows.keys():
            moved.append(f"{_row_name(part, key).capitalize()} removed")
        for key in new_rows.keys() - old_rows.keys():
            moved.append(f"{_row_name(part, key).capitalize()} added")
        for key in sorted(old_rows.keys() & new_rows.keys(), key=str):
            for name in judged:
                old, new = old_rows[key].get(name), new_rows[key].get(name)
                if old != new:
                    moved.append(
                        f"{_label(part.model, name)} for {_row_name(part, key)}: "
                        f"{_display(part.model, name, old)} → {_display(part.model, name, new)}"
                    )
    return moved


@transaction.atomic
def record_version(obj, *, note: str = "", major: bool = False, user=None) -> Version | None:
    """Record `obj`'s published state as its next version, and return it.

    The first version needs no note ("First published."). A later one is recorded only
    when the public record differs from the last version (or a note is given), and is
    major when the editor says so or a judgement moved. None when nothing changed.
    """
    model = type(obj)
    model.objects.select_for_update().filter(pk=obj.pk).values("pk").get()  # one at a time
    previous = Version.objects.of(obj).order_by("-number").first()
    state = snapshot(obj)
    note = (note or "").strip()
    if previous is not None and previous.snapshot == state and not note:
        if obj.version != previous.number:  # e.g. a fixture loaded over it again
            model.objects.filter(pk=obj.pk).update(
                version=previous.number, version_changed_at=previous.published_at
            )
        return None
    moved = what_moved(model, previous.snapshot, state) if previous else []
    now = timezone.now()
    version = Version.objects.create(
        **{model._meta.model_name: obj},
        number=(previous.number if previous else 0) + 1,
        published_at=now,
        major=bool(major or moved),
        note=note or ("" if previous else FIRST_NOTE),
        changes=moved,
        snapshot=state,
        published_by=user if getattr(user, "pk", None) else None,
    )
    # an update, not save(): a version is not an edit of the record
    model.objects.filter(pk=obj.pk).update(version=version.number, version_changed_at=now)
    obj.version, obj.version_changed_at = version.number, now
    transaction.on_commit(datapackage.rebuild_data_package.enqueue)
    return version


class _Undo(Exception):
    pass


def publishing_changes(obj) -> bool:
    """Whether publishing `obj` (not published now) would make a new version that needs
    a note: it was published before and its public record differs from that version.

    The snapshot is of the published record, so it is taken as publishing would take it,
    inside a transaction that is then rolled back."""
    previous = Version.objects.of(obj).order_by("-number").only("snapshot").first()
    if previous is None or obj.is_published:
        return False
    changed = False
    try:
        with transaction.atomic():
            type(obj).objects.filter(pk=obj.pk).update(status=EditorialStatus.PUBLISHED)
            changed = snapshot(obj) != previous.snapshot
            raise _Undo
    except _Undo:
        pass
    return changed


def ensure_first_versions() -> int:
    """Give each published record without a version its version 1 (the seed's, and
    records published before versions existed). Returns how many were recorded."""
    recorded = 0
    for model in PARTS:
        for obj in model.objects.published().filter(version=0):
            recorded += record_version(obj) is not None
    return recorded


def history(obj) -> list[Version]:
    """Every version of `obj`, newest first (what the page's "What changed" lists)."""
    return list(Version.objects.of(obj).defer("snapshot").order_by("-number"))
