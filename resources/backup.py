"""Backups as portable JSON: natural keys, so a dump restores into any empty database.

An ordinary backup leaves out every secret (password hashes, TOTP devices, API token
hashes, sign-in lockout records): it can be copied and kept like any export, and after a
restore staff set their passwords and enrol their authenticator again. A full copy for
disaster recovery holds them and must be kept like the database itself.
"""

import os
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core import serializers
from django.core.management import call_command
from django.db import transaction

from resources import changes

# Rebuilt by `migrate` (content types, permissions) or by the app (the search index, the
# evidence map's cells), or worthless after a restore (sessions, queued background tasks).
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "django_tasks_database",
    "resources.searchentry",
    "resources.searchword",  # the vocabulary of "Did you mean …?", rebuilt with the index
    "resources.studysearchindex",  # the search index's FTS5 tables (SQLite)
    "resources.interventionsearchindex",
    "resources.recommendationsearchindex",
    "resources.topicsearchindex",
    "resources.evidencemapcell",
    "resources.publishedtotal",
    "django_tasks_database",  # the background queue: work in flight, not records
    "resources.librarychange",
]
# Left out unless a full copy is asked for; password hashes are blanked (not left out, so
# that the accounts, their groups and their history survive).
SECRETS = [
    "otp_totp",  # TOTP devices: their keys make a curator's codes
    "resources.apitoken",  # token hashes
    "axes",  # sign-in failures and lockouts, with addresses
]
SECRETS_WARNING = (
    "This backup holds secrets: password hashes, TOTP device keys (anyone with one can make "
    "that curator's sign-in codes), API token hashes and sign-in lockout records with "
    "addresses. Keep it encrypted and readable only by the people who run the server."
)
# Made by `migrate` itself, so present in every empty database.
MADE_BY_MIGRATE = {"auth.group"}
PLAIN_FORMAT = "json-without-secrets"
serializers.register_serializer(PLAIN_FORMAT, "library.json_without_secrets")


def _excluded(label: str, include_secrets: bool) -> bool:
    names = EXCLUDED if include_secrets else EXCLUDED + SECRETS
    app_label = label.split(".")[0]
    return label in names or app_label in names


def dump(include_secrets: bool = False) -> str:
    out = StringIO()
    call_command(
        "dumpdata",
        format="json" if include_secrets else PLAIN_FORMAT,
        natural_foreign=True,
        natural_primary=True,
        exclude=EXCLUDED if include_secrets else EXCLUDED + SECRETS,
        indent=1,
        stdout=out,
    )
    return out.getvalue()


def write(path: Path, include_secrets: bool = False) -> None:
    """Write a backup readable by its owner only (0600), whatever the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through os.open
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(dump(include_secrets))


def records_present() -> dict[str, int]:
    """The records a restore would meet, per model, leaving out what `migrate` makes."""
    found = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if _excluded(label, include_secrets=True) or label in MADE_BY_MIGRATE:
            continue
        if count := model._default_manager.count():
            found[label] = count
    return found


def has_unusable_passwords() -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(password=UNUSABLE_PASSWORD_PREFIX).exists()


@transaction.atomic
def restore(path: str, replace: bool = False) -> None:
    """Load a dump into a migrated database in one transaction, then rebuild derived data.

    `replace` first deletes every record there (as `manage.py flush` does); the command
    asks for it only when the database is not empty.
    """
    if replace:
        call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", path, verbosity=0)
    changes.rebuild()
