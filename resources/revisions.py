"""Revisions of published records: a curator's change waits for an editor.

A curator (who may not publish the model) changing a published record, in the admin or
through the API, changes nothing the public sees. The change is saved as usual, by the
admin's forms or the API's serializer, inside a transaction that is rolled back; what it
would have stored (the record's own fields, its many-to-many links and its inline rows) is
kept as a pending `Revision`. The site and the API go on serving the published record.

An editor sees the revision as a diff against the live record, then publishes it (the
data is applied and validated again by the models' `full_clean()`, in one transaction, and
what depends on the record is refreshed) or rejects it, with a note. The record's history
records the published change with the editor, the author and the note; the revision keeps
both outcomes.

Evidence judgements (an intervention's rating override and its justification, a
recommendation's strength and certainty) are the editors' alone: a curator sets them on a
new draft, which an editor reviews before publishing, and never changes them afterwards.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import update_change_reason

from resources import changes, versions, workflow
from resources.models import (
    EditorialStatus,
    Intervention,
    Recommendation,
    Revision,
    Study,
    Topic,
)

EDITOR_ONLY = {
    Intervention: ("rating_override", "rating_override_justification"),
    Recommendation: ("strength", "certainty"),
}

# A record's inline rows, by the name of their reverse relation: what the admin edits as
# inlines of the record, and what a revision carries with it.
ROWS = {
    Study: (
        "authors",
        "learner_levels",
        "risk_of_bias_domains",
        "outcomes",
        "findings",
        "reference_links",
    ),
    Intervention: ("study_links",),
    Recommendation: ("evidence",),
    Topic: (),
}

NOT_REVISED = {"status"}  # moved by the workflow only


class RevisionError(Exception):
    """A revision that cannot be reviewed as asked (already reviewed, say); says why."""


def needs_review(user, obj) -> bool:
    """Whether a change by `user` to `obj` waits for an editor rather than going live."""
    return (
        obj.pk is not None
        and type(obj) in ROWS
        and obj.is_published
        and not workflow.can_publish(user, type(obj))
    )


def may_read(user) -> bool:
    """Whether `user` may read revisions: anyone who may change a publishable record."""
    return any(
        user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}") for model in ROWS
    )


def editor_only_fields(user, model) -> tuple[str, ...]:
    """The evidence judgements of `model` that `user` may not change once a record exists."""
    if workflow.can_publish(user, model):
        return ()
    return EDITOR_ONLY.get(model, ())


def refuse_editor_only_changes(user, model, before: dict, after: dict) -> None:
    """PermissionDenied, naming the fields, when `user` changes an editor-only field."""
    changed = [
        model._meta.get_field(name).verbose_name
        for name in editor_only_fields(user, model)
        if name in after
        and _comparable(model, name, after[name]) != _comparable(model, name, before.get(name))
    ]
    if changed:
        raise PermissionDenied(
            f"Only an editor may change the {', '.join(changed)} of a {model._meta.verbose_name}."
        )


def _comparable(model, name, value):
    return _jsonable(model._meta.get_field(name).to_python(value))


# What a record holds ----------------------------------------------------------------------


def own_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in NOT_REVISED
    ]


def many_fields(model) -> list[models.Field]:
    """Many-to-many links without a model of their own (a link with one is a row)."""
    return [
        field for field in model._meta.many_to_many if field.remote_field.through._meta.auto_created
    ]


def row_fields(relation) -> list[models.Field]:
    return [
        field
        for field in relation.related_model._meta.concrete_fields
        if field.editable and not field.primary_key and field != relation.field
    ]


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _row_values(relation, row) -> dict:
    return _jsonable({field.name: field.value_from_object(row) for field in row_fields(relation)})


def snapshot(obj) -> dict:
    """The record as stored: its own fields, its many-to-many links and its inline rows."""
    model = type(obj)
    return _jsonable(
        {
            "fields": {field.name: field.value_from_object(obj) for field in own_fields(model)},
            "many": {
                field.name: sorted(getattr(obj, field.name).values_list("pk", flat=True))
                for field in many_fields(model)
            },
            "rows": {
                name: [
                    {"id": row.pk, **_row_values(model._meta.get_field(name), row)}
                    for row in getattr(obj, name).all()
                ]
                for name in ROWS[model]
            },
        }
    )


class _Discard(Exception):
    pass


def capture(obj, save: Callable[[], object]) -> dict:
    """What `save()` would store for `obj`; the save is rolled back, so nothing changes."""
    data = {}
    try:
        with transaction.atomic():
            save()
            data = snapshot(type(obj)._default_manager.get(pk=obj.pk))
            raise _Discard
    except _Discard:
        pass
    return data


def propose(obj, data: dict, user, via: str = Revision.Via.ADMIN) -> Revision | None:
    """Keep `data` (a `snapshot`) as a pending revision of `obj`; None when nothing changed."""
    base = snapshot(type(obj)._default_manager.get(pk=obj.pk))
    if data == base:
        return None
    refuse_editor_only_changes(user, type(obj), base["fields"], data["fields"])
    return Revision.objects.create(record=obj, author=user, via=via, data=data, base=base)


def pending_for(obj):
    return Revision.objects.for_record(obj).pending().select_related("author")


# What an editor sees --------------------------------------------------------------------


@dataclass
class Change:
    """One field or list of rows that a revision changes, as an editor reads it."""

    label: str
    published: list[str]
    proposed: list[str]


def diff(revision: Revision) -> list[Change]:
    """What publishing `revision` would change in the live record, field by field."""
    model = revision.model
    live = snapshot(_live(revision))
    changes = []
    for field in own_fields(model):
        if field.name in revision.data["fields"]:
            before = live["fields"].get(field.name)
            after = revision.data["fields"][field.name]
            if _comparable(model, field.name, after) != _comparable(model, field.name, before):
                changes.append(Change(_label(field), [_show(field, before)], [_show(field, after)]))
    for field in many_fields(model):
        before = live["many"].get(field.name, [])
        after = revision.data["many"].get(field.name, before)
        if sorted(before) != sorted(after):
            changes.append(Change(_label(field), _names(field, before), _names(field, after)))
    for name in ROWS[model]:
        relation = model._meta.get_field(name)
        before = [_without_id(row) for row in live["rows"].get(name, [])]
        after = [_without_id(row) for row in revision.data["rows"].get(name, [])]
        if before != after:
            label = relation.related_model._meta.verbose_name_plural
            changes.append(
                Change(
                    str(label).capitalize(),
                    [_show_row(relation, row) for row in before],
                    [_show_row(relation, row) for row in after],
                )
            )
    return changes


def is_stale(revision: Revision) -> bool:
    """Whether the live record changed since the revision was proposed."""
    return snapshot(_live(revision)) != revision.base


def _live(revision: Revision):
    """The record as stored now (an instance in memory may hold a rolled-back change)."""
    return revision.model._default_manager.get(pk=revision.object_id)


def _label(field) -> str:
    return str(field.verbose_name).capitalize()


def _without_id(row: dict) -> dict:
    return {name: value for name, value in row.items() if name != "id"}


def _show(field, raw) -> str:
    value = field.to_python(raw)
    if value in (None, ""):
        return "(empty)"
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"(removed record {value})"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _names(field, pks: list) -> list[str]:
    return [str(obj) for obj in field.related_model._default_manager.filter(pk__in=pks)]


def _show_row(relation, row: dict) -> str:
    parts = []
    for field in row_fields(relation):
        if field.name in row and (shown := _show(field, row[field.name])) != "(empty)":
            parts.append(f"{field.verbose_name}: {shown}")
    return "; ".join(parts)


def review_queue() -> list[dict]:
    """What waits for an editor, oldest first: pending revisions and records in review,
    each with who sent it and when (for a record, from its history: the start of its
    latest stretch in review)."""
    items = [
        {
            "record": revision.record,
            "revision": revision,
            "sent_by": revision.author,
            "sent_at": revision.created_at,
        }
        for revision in Revision.objects.pending()
        .select_related("author", "content_type")
        .prefetch_related("record")
        if revision.record is not None
    ]
    in_review = []  # (record, sent at, id of who sent it)
    for model in workflow.PUBLISHABLE:
        records = {obj.pk: obj for obj in model.objects.in_review()}
        sent, stopped = {}, set()
        versions = (
            model.history.filter(id__in=list(records))
            .order_by("id", "-history_date", "-history_id")
            .values_list("id", "status", "history_date", "history_user_id")
        )
        for pk, status, when, user_id in versions:
            if pk in stopped:
                continue
            if status == EditorialStatus.IN_REVIEW:
                sent[pk] = (when, user_id)
            else:
                stopped.add(pk)
        in_review += [(obj, *sent.get(pk, (obj.updated_at, None))) for pk, obj in records.items()]
    users = get_user_model().objects.in_bulk({user_id for *_, user_id in in_review} - {None})
    items += [
        {"record": obj, "revision": None, "sent_by": users.get(user_id), "sent_at": when}
        for obj, when, user_id in in_review
    ]
    return sorted(items, key=lambda item: item["sent_at"])


# What an editor does --------------------------------------------------------------------


def _reviewable(revision: Revision, user) -> Revision:
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if not revision.is_pending:
        raise RevisionError(f"{revision} was already {revision.get_status_display().lower()}.")
    if not workflow.can_publish(user, revision.model):
        raise PermissionDenied(
            f"Only an editor may review revisions of {revision.model._meta.verbose_name_plural}."
        )
    return revision


@transaction.atomic
def publish(revision: Revision, user, note: str = "", major: bool = False):
    """Apply `revision` to its record as `user` (an editor), with the editor's note and
    whether the change is major; returns the record.

    The data is validated again by the models (the live record may have moved on); a
    ValidationError leaves everything as it was.
    """
    revision = _reviewable(revision, user)
    obj = revision.model._default_manager.get(pk=revision.object_id)
    linked_before = changes.linked([obj])  # what the revision may unlink a study from
    author = revision.author or "a deleted user"
    reason = f"Revision {revision.pk} by {author}, published" + (f": {note}" if note else ".")
    apply(obj, revision.data, user, reason)
    if obj.is_published:  # a public version, with the editor's note (resources.versions)
        versions.record_version(obj, note=note, major=major, user=user)
    revision.status = Revision.Status.PUBLISHED
    revision.reviewer, revision.reviewed_at = user, timezone.now()
    revision.note, revision.is_major = note, major
    revision.save()
    changes.record(obj, **linked_before)
    return obj


@transaction.atomic
def reject(revision: Revision, user, note: str) -> None:
    """Close `revision` unapplied, with the editor's reason (which the curator reads)."""
    if not note.strip():
        raise ValidationError({"note": "Say why the revision is rejected: its author reads it."})
    revision = _reviewable(revision, user)
    revision.status = Revision.Status.REJECTED
    revision.reviewer, revision.reviewed_at, revision.note = user, timezone.now(), note
    revision.save()


def apply(obj, data: dict, user, reason: str) -> None:
    """Store `data` (a `snapshot`) in `obj` and its rows, each checked by `full_clean()`."""
    model = type(obj)
    for name, raw in data["fields"].items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # a field removed since the revision was proposed
        setattr(obj, field.attname, field.to_python(raw))
    obj.full_clean()
    obj._history_user = user
    obj.save()
    update_change_reason(obj, reason)
    for name, pks in data["many"].items():
        getattr(obj, name).set(pks)
    for name, rows in data["rows"].items():
        _apply_rows(obj, model._meta.get_field(name), rows, user)


def _apply_rows(obj, relation, rows: list[dict], user) -> None:
    """Rows the revision leaves as they are stay; the others are replaced."""
    existing = {row.pk: row for row in getattr(obj, relation.get_accessor_name()).all()}
    fields = {field.name: field for field in row_fields(relation)}
    kept, wanted = set(), []
    for row in rows:
        values = {name: value for name, value in row.items() if name in fields}
        current = existing.get(row.get("id"))
        if current is not None and _row_values(relation, current) == values:
            kept.add(current.pk)
        else:
            wanted.append(values)
    for pk, row in existing.items():
        if pk not in kept:
            row._history_user = user
            row.delete()
    for values in wanted:
        row = relation.related_model(**{relation.field.name: obj})
        for name, raw in values.items():
            setattr(row, fields[name].attname, fields[name].to_python(raw))
        try:
            row.full_clean()
        except ValidationError as error:
            label = relation.related_model._meta.verbose_name
            raise ValidationError(
                [f"{str(label).capitalize()}: {message}" for message in error.messages]
            ) from error
        row._history_user = user
        row.save()
