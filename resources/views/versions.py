"""A published version at its own address, shown as it was published."""

from django.db import models
from django.shortcuts import get_object_or_404, render
from django.utils.text import capfirst

from resources import versions
from resources.models import Intervention, Recommendation, Study, Topic, Version

MODELS = {"study": Study, "intervention": Intervention, "recommendation": Recommendation}
MODELS["topic"] = Topic
# Long texts curators write in Markdown, shown through the sanitising renderer
MARKDOWN = models.TextField


def _rows(model, data: dict) -> list[tuple[str, object, bool]]:
    """(label, value, is_prose) of each field the snapshot holds, in the model's order."""
    rows = []
    for field in model._meta.concrete_fields:
        if field.name not in data or data[field.name] in (None, "", []):
            continue
        value = data[field.name]
        base = field.output_field if isinstance(field, models.GeneratedField) else field
        if base.choices:
            value = dict(base.choices).get(value, value)
        rows.append((capfirst(field.verbose_name), value, isinstance(base, MARKDOWN)))
    return rows


def version_detail(request, kind, slug, number):
    model = MODELS[kind]
    record = get_object_or_404(model.objects.published(), slug=slug)
    version = get_object_or_404(Version.objects.of(record), number=number)
    parts = []
    for part in versions.PARTS[model]:
        rows = version.snapshot.get(part.name, [])
        if rows:
            columns = [capfirst(part.model._meta.get_field(name).verbose_name) for name in rows[0]]
            parts.append((capfirst(part.name), columns, [list(row.values()) for row in rows]))
    context = {
        "record": record,
        "version": version,
        "fields": _rows(model, version.snapshot),
        "parts": parts,
        "is_current": version.number == record.version,
    }
    return render(request, "resources/version_detail.html", context)
