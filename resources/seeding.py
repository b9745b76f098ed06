"""Loading the curated seed evidence: all files in one transaction, or nothing."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from resources import changes
from resources.versions import ensure_first_versions

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
# Stamps, and the rating and count that load_seed recomputes after loading: never in a fixture.
UNCOMPARED_FIELDS = {
    "created_at",
    "updated_at",
    "computed_rating",
    "computed_rating_reasons",
    "published_evidence",
    "published_studies",
    "evidence_profile",
    "profile_confidence",
    "profile_links",
    "version",  # kept by resources.versions, not by the fixtures
    "version_changed_at",
    "confidence",  # a finding's, derived from its GRADE-CERQual components
}


class SeedError(Exception):
    """A fixture record that cannot be loaded, named by file and position."""


@dataclass
class SeedReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def fixture_files(directory: Path = FIXTURES_DIR) -> list[Path]:
    return sorted(directory.glob("*.json"))


def _snapshot(instance) -> dict:
    values = {
        f.attname: f.value_from_object(instance)
        for f in instance._meta.concrete_fields
        if f.attname not in UNCOMPARED_FIELDS and not f.generated
    }
    values.pop(instance._meta.pk.attname, None)
    return values


def _is_unchanged(deserialized) -> bool:
    instance = deserialized.object
    model = type(instance)
    existing = model._default_manager.filter(pk=instance.pk).first()
    if existing is None or _snapshot(existing) != _snapshot(instance):
        return False
    for name, values in (deserialized.m2m_data or {}).items():
        current = {str(pk) for pk in getattr(existing, name).values_list("pk", flat=True)}
        if current != {str(pk) for pk in values}:
            return False
    return True


def _load_file(path: Path, report: SeedReport) -> None:
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SeedError(f"{path.name}: not valid JSON: {error}") from error
    if not isinstance(records, list):
        raise SeedError(f"{path.name}: a fixture file holds a JSON list of records.")
    for number, record in enumerate(records, start=1):
        label = f"{path.name}, record {number} ({record.get('model', 'no model')})"
        try:
            (deserialized,) = serializers.deserialize("json", json.dumps([record]))
            if deserialized.object.pk is not None and _is_unchanged(deserialized):
                report.unchanged += 1
                continue
            deserialized.object.full_clean(validate_unique=False)
            created = deserialized.object.pk is None
            deserialized.save()
        except ValidationError as error:
            raise SeedError(f"{label}: {'; '.join(error.messages)}") from error
        except (serializers.base.DeserializationError, DatabaseError, ValueError) as error:
            raise SeedError(f"{label}: {error}") from error
        if created:
            report.created += 1
        else:
            report.updated += 1


@transaction.atomic
def load_seed(files: list[Path] | None = None) -> SeedReport:
    """Load the fixture files in order, then rebuild what derives from them; any error
    loads nothing."""
    report = SeedReport()
    for path in files if files is not None else fixture_files():
        _load_file(path, report)
    changes.rebuild()
    ensure_first_versions()  # snapshots the records as rebuilt: their ratings too
    return report
