"""Nothing lost: a backup restored into an empty database dumps back byte for byte."""

import datetime
import json
import os
import stat
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from resources.backup import EXCLUDED, dump
from resources.models import Study
from tests.factories import StudyFactory, UserFactory

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


def test_a_studys_risk_of_bias_domains_survive_a_round_trip(tmp_path):
    study = StudyFactory(slug="judged", appraised=True, risk_of_bias="high")
    study.risk_of_bias_domains.create(
        domain="selection", judgement="high", support="Groups differed at baseline."
    )
    backup = tmp_path / "backup.json"
    call_command("backup", backup, verbosity=0)

    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", backup, verbosity=0)

    (row,) = Study.objects.get(slug="judged").risk_of_bias_domains.all()
    assert (row.domain, row.judgement, row.support) == (
        "selection",
        "high",
        "Groups differed at baseline.",
    )


def test_timestamps_keep_their_precision_through_a_round_trip(tmp_path):
    StudyFactory(published_at=datetime.datetime(2026, 1, 2, 3, 4, 5, 450, tzinfo=datetime.UTC))
    backup = tmp_path / "backup.json"
    call_command("backup", backup, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", backup, verbosity=0)
    assert dump() == backup.read_text(encoding="utf-8")


# What a backup holds, and who can read it. ------------------------------------------------


@pytest.fixture
def secrets(fast_passwords):
    """A curator with a password, an authenticator, an API token and a failed sign-in."""
    from axes.models import AccessAttempt
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from resources.models import ApiToken

    Group.objects.get_or_create(name="curators")  # a flush in an earlier test removed it
    curator = UserFactory(username="curator", is_staff=True, groups=["curators"])
    curator.set_password("a long curator passphrase")
    curator.save()
    device = TOTPDevice.objects.create(user=curator, name="phone", confirmed=True)
    token, _ = ApiToken.issue(curator, "import script", read_only=False)
    AccessAttempt.objects.create(
        username="curator", ip_address="203.0.113.9", failures_since_start=3
    )
    return {
        "password hash": curator.password,
        "TOTP key": device.key,
        "token hash": token.key_hash,
        "lockout address": "203.0.113.9",
    }


def test_a_backup_is_readable_by_its_owner_only_whatever_the_umask(tmp_path):
    backup = tmp_path / "backup.json"
    backup.write_text("an older file")
    backup.chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        call_command("backup", backup, verbosity=0)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_an_ordinary_backup_leaves_out_every_secret_but_keeps_the_accounts(tmp_path, secrets):
    backup = tmp_path / "backup.json"
    call_command("backup", backup, stdout=StringIO())
    text = backup.read_text(encoding="utf-8")
    for name, secret in secrets.items():
        assert secret not in text, name
    models = {record["model"] for record in json.loads(text)}
    assert "auth.user" in models
    assert not models & {"otp_totp.totpdevice", "resources.apitoken", "axes.accessattempt"}


def test_a_restored_ordinary_backup_has_accounts_that_cannot_sign_in_until_reset(tmp_path, secrets):
    from django.contrib.auth.models import User

    backup = tmp_path / "backup.json"
    call_command("backup", backup, stdout=StringIO())
    call_command("flush", interactive=False, verbosity=0)
    out = StringIO()
    call_command("restore", backup, stdout=out)
    curator = User.objects.get(username="curator")
    assert not curator.has_usable_password()
    assert curator.groups.filter(name="curators").exists()
    assert "changepassword" in out.getvalue()


def test_a_full_copy_holds_the_secrets_says_so_and_restores_them(tmp_path, secrets):
    from django.contrib.auth.models import User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    backup = tmp_path / "backup.json"
    err = StringIO()
    call_command("backup", backup, "--include-secrets", stdout=StringIO(), stderr=err)
    text = backup.read_text(encoding="utf-8")
    for name, secret in secrets.items():
        assert secret in text, name
    assert "TOTP device keys" in err.getvalue()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600

    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", backup, stdout=StringIO())
    assert User.objects.get(username="curator").check_password("a long curator passphrase")
    assert TOTPDevice.objects.get(user__username="curator").key == secrets["TOTP key"]


# Restoring over data. ---------------------------------------------------------------------


def test_restore_refuses_a_database_that_holds_records_and_says_what_it_found(tmp_path):
    study = StudyFactory(title="As backed up")
    backup = tmp_path / "backup.json"
    call_command("backup", backup, stdout=StringIO())
    Study.objects.filter(pk=study.pk).update(title="A newer edit")
    StudyFactory(title="Made after the backup")

    with pytest.raises(CommandError) as refused:
        call_command("restore", backup, stdout=StringIO())

    message = str(refused.value)
    assert "not empty" in message
    assert "2 resources.study" in message
    assert "--force" in message
    assert set(Study.objects.values_list("title", flat=True)) == {
        "A newer edit",
        "Made after the backup",
    }


def test_restore_with_force_replaces_everything_with_the_backup(tmp_path):
    study = StudyFactory(title="As backed up")
    backup = tmp_path / "backup.json"
    call_command("backup", backup, stdout=StringIO())
    Study.objects.filter(pk=study.pk).update(title="A newer edit")
    StudyFactory(title="Made after the backup")

    out = StringIO()
    call_command("restore", backup, "--force", stdout=out)

    assert list(Study.objects.values_list("title", flat=True)) == ["As backed up"]
    assert "Replaced" in out.getvalue()
    assert dump() == backup.read_text(encoding="utf-8")
