"""`make loadtest`: 64 clients for 60 s against gunicorn; nothing may fail.

Serves a synthetic library (1,000 studies by default, reused when it is there) with
gunicorn under production settings on loopback, with several workers, and sends a mixed
crowd of 64 connections through public pages, API lists and details and a static file
for 60 seconds. It passes when every answer is a 2xx and no socket error occurs, and it
records throughput and p50/p95/p99 latency in tests/benchmarks/loadtest.json
(git-ignored). Not part of `make test`.
"""

import argparse
import json
import subprocess
import sys
from datetime import UTC, datetime

import bench

PATHS = [
    "/",
    "/interventions/",
    "/interventions/{intervention}/",
    "/studies/",
    "/studies/{study}/",
    "/recommendations/",
    "/recommendations/{recommendation}/",
    "/api/v1/studies/",
    "/api/v1/studies/{study}/",
    "/api/v1/interventions/",
    "/api/v1/interventions/{intervention}/",
    "{static}",
]
OUTPUT = bench.HERE / "loadtest.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--studies", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    options = parser.parse_args()

    url, targets = bench.prepare(options.studies, seed=20240601, reuse=True)
    paths = [path.format(**targets) for path in PATHS]
    with bench.server(url, cache=True, workers=options.workers) as base:
        for path in paths:
            status = bench.get(base + path)
            if status != 200:
                print(f"{path} answered {status} before the load started", file=sys.stderr)
                return 1
        command = [
            "wrk", "-t2", f"-c{options.connections}", f"-d{options.duration}s",
            "--timeout=30s", "-s", str(bench.HERE / "mix.lua"), base, "--", *paths,
        ]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    errors = raw["errors"]
    result = {
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": url.split(":", 1)[0],
        "studies": options.studies,
        "workers": options.workers,
        "connections": options.connections,
        "duration_s": options.duration,
        "paths": paths,
        "requests": raw["requests"],
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "non_2xx": errors["status"],
        "socket_errors": errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
    }
    OUTPUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    failed = result["non_2xx"] or result["socket_errors"]
    print("FAILED: some requests failed" if failed else "OK: every answer was a 2xx")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
