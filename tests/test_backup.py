"""Nothing lost: a backup restored into an empty database dumps back byte for byte."""

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command

from resources.backup import EXCLUDED, dump
from tests.factories import StudyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def model_counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in EXCLUDED and model._meta.app_label not in EXCLUDED
    }


def test_backup_restores_into_an_empty_database_identically(tmp_path):
    call_command("load_seed", verbosity=0)
    backup = tmp_path / "backup.json"
    call_command("backup", backup, verbosity=0)
    counts = model_counts()

    call_command("flush", interactive=False, verbosity=0)
    assert model_counts()["resources.study"] == 0
    call_command("restore", backup, verbosity=0)

    assert dump() == backup.read_text(encoding="utf-8")
    assert model_counts() == counts


def test_timestamps_keep_their_precision_through_a_round_trip(tmp_path):
    StudyFactory(published_at=datetime.datetime(2026, 1, 2, 3, 4, 5, 450, tzinfo=datetime.UTC))
    backup = tmp_path / "backup.json"
    call_command("backup", backup, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", backup, verbosity=0)
    assert dump() == backup.read_text(encoding="utf-8")
