"""Several processes at once, as under gunicorn: SQLite writers and shared rate limits.

These run real processes against a real SQLite file (the in-memory test database cannot
be shared between processes), migrated once for the module.
"""

import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
REDIS = "redis://127.0.0.1:6379/15"

WRITER = """
from django.db import transaction
from resources.models import Topic
for n in range({rows}):
    with transaction.atomic():  # read, then write: what a curator's save does
        Topic.objects.count()
        Topic.objects.create(name=f"writer {worker} row {{n}}", slug=f"w{worker}-{{n}}")
"""

API_CLIENT = """
from rest_framework.test import APIClient
client = APIClient()
print(" ".join(str(client.get("/api/v1/topics/").status_code) for _ in range({requests})))
"""

# Reads a page until it is in the shared cache, publishes a topic behind the cache's
# back, has another process bump the generation, and says whether the page moved on.
READER_WHILE_ANOTHER_PROCESS_PUBLISHES = """
import subprocess, sys, time
from django.test import Client
from django.utils import timezone
from resources.models import Topic
reader = Client()
reader.get("/topics/"), reader.get("/topics/")
Topic.objects.create(name="Simulation", slug="simulation", status="published",
                     published_at=timezone.now())
stale = b"Simulation" not in reader.get("/topics/").content
subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c",
                "from library.page_cache import bump_generation; bump_generation()"], check=True)
deadline = time.monotonic() + 2
while b"Simulation" not in reader.get("/topics/").content and time.monotonic() < deadline:
    time.sleep(0.01)
print("stale" if stale else "not cached", "fresh" if time.monotonic() < deadline else "stuck")
"""


def environment(database: Path, **extra) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="1",
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_LOG_LEVEL="ERROR",
        **extra,
    )
    return env


def manage(database: Path, *args, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=environment(database, **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("processes") / "library.sqlite3"
    migrated = manage(path, "migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    return path


def test_eight_concurrent_sqlite_writers_never_meet_a_locked_database(database):
    rows = 25

    def write(worker: int) -> subprocess.CompletedProcess:
        script = WRITER.format(rows=rows, worker=worker)
        return manage(database, "shell", "--no-imports", "-c", script)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(write, range(8)))

    assert all(result.returncode == 0 for result in results), [r.stderr for r in results]
    assert not any("database is locked" in result.stderr for result in results)
    count = "from resources.models import Topic; print(Topic.objects.count())"
    counted = manage(database, "shell", "--no-imports", "-c", count)
    assert counted.stdout.strip() == str(8 * rows)


def test_the_api_rate_limit_holds_across_processes_sharing_redis(database):
    pytest.importorskip("redis")
    shared = {
        "REDIS_URL": REDIS,
        "API_ANON_RATE": "3/minute",
        "DJANGO_CACHE_KEY_PREFIX": uuid.uuid4().hex,
        "DJANGO_PAGE_CACHE_SECONDS": "0",  # answers from the page cache are not counted
    }

    def client(requests: int) -> list[str]:
        script = API_CLIENT.format(requests=requests)
        result = manage(database, "shell", "--no-imports", "-c", script, **shared)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert client(2) == ["200", "200"]
    assert client(2) == ["200", "429"]


def test_a_page_kept_by_one_process_moves_on_when_another_process_publishes(database):
    pytest.importorskip("redis")
    shared = {
        "REDIS_URL": REDIS,
        "DJANGO_CACHE_KEY_PREFIX": uuid.uuid4().hex,
        "DJANGO_PAGE_CACHE_SECONDS": "600",
    }
    script = READER_WHILE_ANOTHER_PROCESS_PUBLISHES
    result = manage(database, "shell", "--no-imports", "-c", script, **shared)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["stale", "fresh"]
