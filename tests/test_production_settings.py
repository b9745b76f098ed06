"""Production settings: `check --deploy` is clean, and unsafe configurations refuse to start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


def manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**extra):
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "evidence.example.org",
        **extra,
    }


def test_deploy_check_reports_no_issue_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stderr
    assert "no issues (1 silenced)" in result.stdout


def test_missing_secret_key_stops_start_up_with_a_clear_message():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_ambiguous_debug_value_stops_start_up(value):
    result = manage("check", DJANGO_DEBUG=value)
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_production_cookies_are_secure_host_only_and_hsts_lasts_a_year():
    script = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = manage("shell", "--no-imports", "-c", script, **production())
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "31536000",
        "True",
    ]


def test_sqlite_reads_the_library_through_a_memory_map(tmp_path):
    """Each connection's own page cache holds 2 MB of a library that can reach hundreds."""
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA mmap_size')\n"
        "    print(cursor.fetchone()[0])"
    )
    database = f"sqlite:///{tmp_path / 'library.sqlite3'}"
    result = manage("shell", "-c", code, **production(DATABASE_URL=database))
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) == 1024**3
