"""In-process helper of bench.py, run once per database with that database's settings.

    probe.py targets          the worst-case pages to drive, as JSON
    probe.py queries PATH...  queries and status of one GET of each path, as JSON
    probe.py ris PATH N SEED  write a synthetic RIS file of N records

Query counts come from Django's test client against the benchmark's own database, as
the browser would ask (over HTTPS behind the proxy), so they are what the server runs.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "library.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Exists, OuterRef  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from resources.models import (  # noqa: E402
    Intervention,
    Recommendation,
    Study,
    StudyReference,
    Topic,
)
from tests.benchmarks.corpus import SEARCH_WORDS, write_ris  # noqa: E402

STATIC_FILE = "library/site.css"


def _largest(queryset, relation: str) -> str:
    row = queryset.annotate(size=Count(relation)).order_by("-size", "pk").first()
    return row.slug if row else ""


def targets() -> dict:
    """The heaviest record of each kind: the page a slow query would hurt most. The study
    is the most cited of those that cite others, so that its page lists both at every
    size (the most cited study of a small library may be one too old to cite any)."""
    manifest = json.loads((Path(settings.STATIC_ROOT) / "staticfiles.json").read_text())
    citing = Study.objects.published().filter(
        Exists(StudyReference.objects.filter(citing=OuterRef("pk")))
    )
    return {
        "intervention": _largest(Intervention.objects.published(), "study_links"),
        "study": _largest(citing, "citation_links"),
        "recommendation": _largest(Recommendation.objects.published(), "evidence"),
        "topic": _largest(Topic.objects.published(), "studies"),
        "static": settings.STATIC_URL + manifest["paths"][STATIC_FILE],
        "studies": Study.objects.count(),
        **{f"word_{kind}": word for kind, word in SEARCH_WORDS.items()},
    }


def queries(paths: list[str]) -> dict:
    client = Client(HTTP_HOST="127.0.0.1")
    counted = {}
    for path in paths:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, secure=True)
        counted[path] = {
            "status": response.status_code,
            "queries": len(captured),
            "in_process_ms": (time.perf_counter() - started) * 1000,
            "sql_ms": sum(float(query["time"]) for query in captured) * 1000,
        }
    return counted


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "ris":
        path, records, seed = arguments
        write_ris(Path(path), int(records), int(seed))
        result = {"path": path}
    else:
        result = targets() if command == "targets" else queries(arguments)
    print(json.dumps(result))
