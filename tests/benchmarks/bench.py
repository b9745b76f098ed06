"""`make bench`: the library's speed at 1,000 and 100,000 studies, as ratios.

For each corpus size this builds a synthetic library in its own database, serves it with
gunicorn under production settings on loopback, and drives every page type, the search
page, the evidence map and the API with wrk (8 connections), first with every cache off
(cold) and then on (warm: pages and API reads from the anonymous page cache, in Redis; see
--redis: by default a Redis 8 of the run's own with client-side caching when `make redis`
has built one and REDIS_URL is unset, else the Redis at REDIS_URL or on 127.0.0.1:6379
when one answers, else each worker's memory). In the same
run and through the same server it measures two ceilings, a bare Django view through the
full middleware stack and a hashed static file served by whitenoise, and two floors: one
study's title by one query, in the site's base template and as a DRF answer, the least
any page or API answer can do (tests/benchmarks/views.py). Absolute times
drift on shared machines; ratios to the ceiling, and from 100,000 to 1,000 studies, are
what to compare between runs. Both sizes are served at once and take turns endpoint by
endpoint, so that a machine slowing down mid-run weighs on both sides of a ratio alike.

With --baseline COMMIT it also compares this code's cold throughput with that commit's,
side by side: a git worktree of the commit under /tmp builds its own library from the same
seed (the schemas may differ), and both versions are served at once and driven in short
alternating turns, endpoint by endpoint.

It also times a dry-run import of a 10,000-record RIS file (and a 1,000-record one, to
show whether memory stays flat) with the peak memory of the import process.

Results: printed, and written to tests/benchmarks/results.json (git-ignored).
Databases: SQLite files /tmp/bench-<size>.sqlite3, or PostgreSQL databases
bench_<size> on the server DATABASE_URL names, when it names one; the baseline's are
suffixed with its commit (bench-1k_14f9e98).
"""

import argparse
import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHON = sys.executable
MANAGE = [PYTHON, str(ROOT / "manage.py")]
RESULTS = HERE / "results.json"
CEILING, STATIC = "ceiling: minimal view", "ceiling: static file"
FLOOR_PAGE, FLOOR_API = "floor: one-query page", "floor: one-query API answer"
# Measured in every run, --only or not: what the stack itself costs, for the ratios.
REFERENCES = (CEILING, STATIC, FLOOR_PAGE, FLOOR_API)

ENDPOINTS = [
    (CEILING, "/benchmark/ceiling/"),
    (STATIC, "{static}"),
    (FLOOR_PAGE, "/benchmark/floor/page/{study}/"),
    (FLOOR_API, "/benchmark/floor/api/{study}/"),
    ("home", "/"),
    ("interventions", "/interventions/"),
    ("intervention page", "/interventions/{intervention}/"),
    ("studies", "/studies/"),
    ("study page", "/studies/{study}/"),
    ("recommendations", "/recommendations/"),
    ("recommendation page", "/recommendations/{recommendation}/"),
    ("topic page", "/topics/{topic}/"),
    ("evidence map", "/evidence-map/"),
    ("search: rare word", "/search/?q={word_rare}"),
    ("search: middling word", "/search/?q={word_middling}"),
    ("search: common word", "/search/?q={word_common}"),
    ("API studies", "/api/v1/studies/"),
    ("API study", "/api/v1/studies/{study}/"),
    ("API interventions", "/api/v1/interventions/"),
    ("API intervention", "/api/v1/interventions/{intervention}/"),
    ("API intervention studies", "/api/v1/interventions/{intervention}/studies/"),
    ("API recommendations", "/api/v1/recommendations/"),
    ("API topics", "/api/v1/topics/"),
]
# Issue 24's targets. Cold throughput at least this share of the baseline's (--baseline),
# endpoint by endpoint; the API studies list and common-word search at most this many
# one-query answers' worth of work (the floor's throughput over theirs); warm at least this
# share of the bare view; the largest size at least this share of the smallest, cold.
BASELINE_TARGET = 0.85
FLOOR_MULTIPLE = {"API studies": FLOOR_API, "search: common word": FLOOR_PAGE}
MOST_FLOORS = 12
WARM_TARGET = 0.8
SCALE_TARGET = 0.8
TURN_SECONDS = 2  # of each version's eight turns at an endpoint, against the baseline

# A TLS-terminating proxy sets this in production; without it every request is a redirect.
PROXY_HEADER = ("X-Forwarded-Proto", "https")
SECRET_KEY = secrets.token_urlsafe(50)
RUN_ID = secrets.token_hex(4)  # keeps this run's cached pages apart from any other's


def label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# Databases ------------------------------------------------------------------------------


def database_url(size: int, version: str = "") -> str:
    """This code's library of a size, or the baseline commit's (version), built apart
    because the two schemas may differ."""
    name = label(size) + (f"_{version}" if version else "")
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(configured)
        return urlunsplit(parts._replace(path=f"/bench_{name}"))
    return f"sqlite:////tmp/bench-{name}.sqlite3"


def fresh_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parts.path + suffix).unlink(missing_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def redis_url() -> str | None:
    """The Redis the warm runs cache in: REDIS_URL, else a local one if it answers."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return url if redis_version(url) else None


def redis_version(url: str) -> str | None:
    """The version of the Redis at `url`, None if none answers there."""
    parts = urlsplit(url)
    address = (parts.hostname, parts.port or 6379)
    with contextlib.suppress(OSError), socket.create_connection(address, timeout=1) as sock:
        sock.sendall(b"INFO server\r\n")
        answer = sock.recv(65536).decode(errors="replace")
        for line in answer.splitlines():
            if line.startswith("redis_version:"):
                return line.split(":", 1)[1].strip()
    return None


# `make redis` builds it: client-side caching needs Redis 7.4 or later, Debian 12 has 7.0.
BUILT_REDIS = ROOT / ".venv" / "redis-server"
REDIS_URL = redis_url()  # as found; main() may choose another (warm_redis)
CLIENT_CACHE = False  # DJANGO_REDIS_CLIENT_CACHE for the warm runs


@contextlib.contextmanager
def warm_redis(choice: str):
    """Point the warm runs at a Redis and say which. "built": a Redis 8 of this run's own
    (`make redis`) on a free port, with client-side caching; "built-plain": the same
    without it; "system": REDIS_URL or 127.0.0.1:6379, as found; "auto": "built" when it
    is built and REDIS_URL is unset, else "system"."""
    global REDIS_URL, CLIENT_CACHE
    if choice == "auto":
        use_built = BUILT_REDIS.exists() and not os.environ.get("REDIS_URL")
        choice = "built" if use_built else "system"
    if choice == "system":
        REDIS_URL = redis_url()
        if REDIS_URL is None:
            yield "worker memory (no Redis answers)"
        else:
            yield f"redis {redis_version(REDIS_URL)} at {REDIS_URL}, no client-side caching"
        return
    if not BUILT_REDIS.exists():
        sys.exit(f"{BUILT_REDIS} is not built: make redis")
    port = free_port()
    with contextlib.ExitStack() as stack:
        directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-redis-"))
        process = subprocess.Popen(
            [
                str(BUILT_REDIS),
                *("--bind", "127.0.0.1", "--port", str(port)),
                *("--save", "", "--appendonly", "no", "--dir", directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        stack.callback(process.wait)
        stack.callback(process.terminate)
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 30
        while (version := redis_version(url)) is None:
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"{BUILT_REDIS} did not start")
            time.sleep(0.1)
        REDIS_URL, CLIENT_CACHE = url, choice == "built"
        caching = "with" if CLIENT_CACHE else "without"
        yield f"redis {version} (make redis) on port {port}, {caching} client-side caching"


def production_env(url: str, cache: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    if cache:
        # A read-only run cannot go stale, so the page cache is on even in worker memory.
        env.update(DJANGO_PAGE_CACHE_SECONDS="600", DJANGO_CACHE_KEY_PREFIX=f"bench-{RUN_ID}-{url}")
        if REDIS_URL:
            env["REDIS_URL"] = REDIS_URL
        if CLIENT_CACHE:
            env["DJANGO_REDIS_CLIENT_CACHE"] = "1"
    env.update(
        DJANGO_SETTINGS_MODULE="library.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_BENCHMARK="1",
        DJANGO_BENCHMARK_CEILING="1",  # what 14f9e98 called it, for --baseline
        DJANGO_CACHE="1" if cache else "0",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=url,
        # the API's limits (120 and 600 a minute for an address) would answer a load
        # generator with 429s wherever the page cache does not answer first
        API_ANON_RATE="1000000000/second",
        API_TOKEN_RATE="1000000000/second",
    )
    return env


def run(command: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("cwd", ROOT)
    return subprocess.run(command, env=env, check=True, **kwargs)


def probe(url: str, *arguments: str, root: Path = ROOT) -> dict:
    done = run(
        [PYTHON, str(root / "tests/benchmarks/probe.py"), *arguments],
        production_env(url, cache=False),  # what a request costs when it is not cached
        capture_output=True,
        text=True,
        cwd=root,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(size: int, seed: int, reuse: bool, version: str = "") -> tuple[str, dict]:
    """A library of size studies, built by this code or, given a version, by that
    commit's own code in its worktree (tree())."""
    url, root = database_url(size, version), tree(version)
    env, manage = production_env(url), [PYTHON, str(root / "manage.py")]
    if reuse:
        # a corpus built before the latest migrations gets their indexes too
        with contextlib.suppress(subprocess.CalledProcessError):
            run([*manage, "migrate", "--noinput", "-v0"], env, capture_output=True, cwd=root)
        with contextlib.suppress(subprocess.CalledProcessError, json.JSONDecodeError):
            targets = probe(url, "targets", root=root)
            if targets["studies"] == size:
                log(f"reusing the {label(size)} corpus at {url}")
                return url, targets
    log(f"building the {label(size)} corpus at {url}")
    fresh_database(url)
    run([*manage, "migrate", "--noinput", "-v0"], env, cwd=root)
    started = time.perf_counter()
    corpus = [*manage, "generate_corpus", "--studies", str(size), "--seed", str(seed)]
    run(corpus, env, cwd=root)
    log(f"corpus of {size:,} studies built in {time.perf_counter() - started:.0f} s")
    return url, probe(url, "targets", root=root)


def tree(version: str) -> Path:
    """Where a version's code is: this checkout, or a detached git worktree of the
    baseline commit under /tmp (kept between runs; `git worktree remove` it when done),
    its static files collected for production settings."""
    if not version:
        return ROOT
    root = Path(f"/tmp/bench-baseline-{version}")
    if not root.exists():
        log(f"checking out {version} at {root}")
        git = ["git", "worktree", "add", "--detach", str(root), version]
        run(git, dict(os.environ), capture_output=True)
        static = [PYTHON, str(root / "manage.py"), "collectstatic", "--noinput", "-v0"]
        run(static, production_env(database_url(1, version)), cwd=root)
    return root


# The server and the load generator --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


def get(url: str, timeout: float = 120) -> int | str:
    request = urllib.request.Request(url, headers=dict([PROXY_HEADER]))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except TimeoutError:
        return "timeout"


def wait_until_idle(base: str) -> None:
    """Let the workers finish requests wrk left queued, so they do not slow the next URL."""
    deadline = time.monotonic() + 300
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        get(base + "/healthz", timeout=300)
        quick = quick + 1 if time.monotonic() - started < 0.2 else 0


@contextlib.contextmanager
def server(url: str, cache: bool, workers: int = 2, root: Path = ROOT):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_file = open(f"/tmp/bench-gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "library.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--timeout=120",
        ],
        env=production_env(url, cache),
        cwd=root,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if get(base + "/healthz") == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log_file.name}")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()


def drive(target: str, duration: int) -> dict:
    command = [
        "wrk", "-t2", "-c8", f"-d{duration}s", "--timeout=60s",
        "-s", str(HERE / "report.lua"), "-H", ": ".join(PROXY_HEADER), target,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = raw["duration_us"] / 1e6
    return {
        "rps": raw["requests"] / seconds,
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "requests": raw["requests"],
        "kb_per_request": raw["bytes"] / max(raw["requests"], 1) / 1024,
        "errors": sum(raw["errors"].values()),
    }


def measure(
    corpora: dict[int, tuple[str, dict]],
    duration: int,
    max_request_ms: float,
    measured_endpoints: list[tuple[str, str]] = ENDPOINTS,
) -> dict:
    """Every endpoint at every size, cold then warm. The sizes take turns endpoint by
    endpoint, each on its own server, so that a shared machine slowing down over the run
    weighs on both sides of the 100k/1k ratio alike. An endpoint slower than
    max_request_ms is timed only once, since 8 clients would queue minutes of work behind
    it and skew what follows."""
    endpoints = {}
    for size, (url, targets) in corpora.items():
        paths = {name: template.format(**targets) for name, template in measured_endpoints}
        counted = probe(url, "queries", *paths.values())
        endpoints[size] = {name: {"path": path, **counted[path]} for name, path in paths.items()}
    for mode, cache in (("cold", False), ("warm", True)):
        with contextlib.ExitStack() as servers:
            bases = {
                size: servers.enter_context(server(url, cache))
                for size, (url, _) in corpora.items()
            }
            for name, _ in measured_endpoints:
                for size, base in bases.items():
                    title = f"{label(size)} {mode} {name}"
                    entry = endpoints[size][name]
                    drive_endpoint(entry, title, base, mode, duration, max_request_ms)
    for by_name in endpoints.values():
        for mode in ("cold", "warm"):
            ceiling = by_name[CEILING].get(mode, {}).get("rps")
            for entry in by_name.values():
                if mode in entry and ceiling:
                    entry[mode]["ratio_to_ceiling"] = entry[mode]["rps"] / ceiling
    return endpoints


def drive_endpoint(
    entry: dict, title: str, base: str, mode: str, duration: int, max_request_ms: float
) -> None:
    if entry["in_process_ms"] > max_request_ms:
        entry["too_slow"] = True
        log(f"{title}: one request took {entry['in_process_ms']:.0f} ms; not load-tested")
        return
    status = get(base + entry["path"])  # also warms the cache, when there is one
    entry["status"] = status
    if status != 200:
        log(f"{title}: HTTP {status}, not measured")
        return
    entry[mode] = drive(base + entry["path"], duration)
    log(f"{title}: {entry[mode]['rps']:.1f} req/s")
    wait_until_idle(base)


def compare(
    corpora: dict[int, tuple[str, dict]],
    baselines: dict[int, tuple[str, dict]],
    version: str,
    measured_endpoints: list[tuple[str, str]],
) -> dict:
    """Cold throughput of this code over the baseline version's, endpoint by endpoint:
    both served at once, each on its own library built from the same seed, and driven in
    short turns (new, old, old, new, twice over), so that other work on the machine and
    its drift weigh on both alike."""
    compared = {label(size): {} for size in baselines}
    with contextlib.ExitStack() as servers:
        bases = {
            size: {
                "new": servers.enter_context(server(corpora[size][0], cache=False)),
                "old": servers.enter_context(server(url, cache=False, root=tree(version))),
            }
            for size, (url, _) in baselines.items()
        }
        for name, template in measured_endpoints:
            for size, base in bases.items():
                paths = {
                    "new": template.format(**corpora[size][1]),
                    "old": template.format(**baselines[size][1]),
                }
                if any(get(base[which] + paths[which]) != 200 for which in base):
                    log(f"{label(size)} {name}: not 200 on both versions, not compared")
                    continue
                done = {"new": [], "old": []}
                for which in ("new", "old", "old", "new") * 2:
                    done[which].append(drive(base[which] + paths[which], TURN_SECONDS)["rps"])
                    wait_until_idle(base[which])
                rps = {which: sum(runs) / len(runs) for which, runs in done.items()}
                entry = {"rps": rps["new"], "baseline_rps": rps["old"]}
                entry["ratio"] = rps["new"] / rps["old"]
                compared[label(size)][name] = entry
                log(f"{label(size)} cold {name}: {entry['ratio']:.2f} of {version}")
    return compared


# Bulk import --------------------------------------------------------------------------


def time_import(url: str, records: int, seed: int) -> dict:
    path = Path(f"/tmp/bench-import-{records}.ris")
    probe(url, "ris", str(path), str(records), str(seed))
    started = time.perf_counter()
    process = subprocess.Popen(
        [*MANAGE, "import_references", "--dry-run", str(path)],
        env=production_env(url),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stderr = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    result = {
        "records": records,
        "seconds": seconds,
        "records_per_second": records / seconds,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "exit_code": process.returncode,
    }
    if process.returncode:
        result["error"] = stderr.strip().splitlines()[-1] if stderr.strip() else "failed"
    return result


def bulk_import(url: str, sizes: list[int], seed: int) -> dict:
    help_run = subprocess.run(
        [*MANAGE, "help", "import_references"],
        env=production_env(url),
        cwd=ROOT,
        capture_output=True,
    )
    if help_run.returncode:
        return {"skipped": "manage.py import_references does not exist yet"}
    runs = [time_import(url, records, seed) for records in sizes]
    for entry in runs:
        log(f"import of {entry['records']:,} records: {entry['seconds']:.1f} s")
    return {"runs": runs, "memory_growth": runs[-1]["peak_rss_mb"] / runs[0]["peak_rss_mb"]}


# Report -----------------------------------------------------------------------------


def scale_ratios(results: dict, small: str, large: str) -> None:
    for name, entry in results["sizes"][large]["endpoints"].items():
        before = results["sizes"][small]["endpoints"].get(name, {})
        for mode in ("cold", "warm"):
            if mode in entry and mode in before:
                entry[mode]["ratio_to_smaller"] = entry[mode]["rps"] / before[mode]["rps"]


def floors_worth(endpoints: dict, name: str) -> float | None:
    """How many one-query answers' worth of work an endpoint does, cold: the floor's
    throughput (the page floor for pages, the API floor for API answers) over its own."""
    floor = endpoints.get(FLOOR_API if name.startswith("API") else FLOOR_PAGE, {})
    cold, floor_cold = endpoints.get(name, {}).get("cold"), floor.get("cold")
    if not (cold and cold["rps"] and floor_cold):
        return None  # not measured, or no request finished in the time
    return floor_cold["rps"] / cold["rps"]


def check_targets(results: dict) -> list[dict]:
    """Every endpoint against each of issue 24's targets, at every size measured."""
    checks = []

    def add(target: str, name: str, figure, wanted: str, met: bool) -> None:
        checks.append(
            {"target": target, "endpoint": name, "figure": figure, "wanted": wanted, "met": met}
        )

    sizes = results["sizes"]
    for size, data in sizes.items():
        endpoints = data["endpoints"]
        for name, entry in endpoints.items():
            if name not in REFERENCES and (warm := entry.get("warm")):
                ratio = warm["ratio_to_ceiling"]
                add(
                    "warm x bare view",
                    f"{size} {name}",
                    ratio,
                    f">= {WARM_TARGET}",
                    ratio >= WARM_TARGET,
                )
        for name in FLOOR_MULTIPLE:
            if (worth := floors_worth(endpoints, name)) is not None:
                wanted = f"<= {MOST_FLOORS}"
                add(
                    "one-query answers' worth, cold",
                    f"{size} {name}",
                    worth,
                    wanted,
                    worth <= MOST_FLOORS,
                )
    baseline = results.get("baseline", {})
    for size, compared in baseline.get("sizes", {}).items():
        for name, entry in compared.items():
            if name not in REFERENCES:
                ratio, wanted = entry["ratio"], f">= {BASELINE_TARGET}"
                target = f"cold x {baseline['version']}"
                add(target, f"{size} {name}", ratio, wanted, ratio >= BASELINE_TARGET)
    labels = list(sizes)
    if len(labels) > 1:
        small, large = sizes[labels[0]]["endpoints"], sizes[labels[-1]]["endpoints"]
        for name, entry in large.items():
            if name in REFERENCES or name not in small:
                continue
            if (scale := entry.get("cold", {}).get("ratio_to_smaller")) is not None:
                wanted = f">= {SCALE_TARGET}"
                add(f"cold, {labels[-1]}/{labels[0]}", name, scale, wanted, scale >= SCALE_TARGET)
            counts = f"{small[name]['queries']} and {entry['queries']}"
            same = small[name]["queries"] == entry["queries"]
            add("queries per request, both sizes", name, counts, "equal", same)
    return checks


def targets_table(checks: list[dict]) -> str:
    lines = ["Issue 24's targets (met / measured), and what misses them:"]
    for target in dict.fromkeys(check["target"] for check in checks):
        these = [check for check in checks if check["target"] == target]
        misses = [check for check in these if not check["met"]]
        lines.append(f"  {target:34} {len(these) - len(misses):>3} / {len(these)}")
        for miss in misses:
            figure = miss["figure"]
            shown = figure if isinstance(figure, str) else f"{figure:.2f}"
            lines.append(f"      {miss['endpoint']:34} {shown:>10}   wanted {miss['wanted']}")
    return "\n".join(lines)


def table(results: dict) -> str:
    head = (
        f"{'endpoint':24} {'size':>5} {'mode':4} {'x ceil':>7} {'big/sm':>7} {'req/s':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'queries':>7} {'sql ms':>7} {'one ms':>7} "
        f"{'errors':>6}"
    )
    lines = [head, "-" * len(head)]
    for name, _ in ENDPOINTS:
        for size, data in results["sizes"].items():
            if (entry := data["endpoints"].get(name)) is None:
                continue  # left out of a narrowed run (--only)
            modes = [mode for mode in ("cold", "warm") if mode in entry]
            if entry.get("too_slow"):
                lines.append(
                    f"{name:24} {size:>5} {'':4} too slow to load-test: one request "
                    f"{entry['in_process_ms']:.0f} ms, {entry['queries']} queries "
                    f"({entry['sql_ms']:.0f} ms SQL)"
                )
            elif not modes:
                lines.append(f"{name:24} {size:>5} {'':4} not measured: HTTP {entry['status']}")
            for mode in modes:
                m = entry[mode]
                scale = f"{m['ratio_to_smaller']:.2f}" if "ratio_to_smaller" in m else ""
                lines.append(
                    f"{name:24} {size:>5} {mode:4} {m.get('ratio_to_ceiling', 0):7.3f} "
                    f"{scale:>7} {m['rps']:8.1f} {m['p50_ms']:8.1f} {m['p95_ms']:8.1f} "
                    f"{m['p99_ms']:8.1f} {entry['queries']:7d} {entry['sql_ms']:7.1f} "
                    f"{entry['in_process_ms']:7.0f} {m['errors']:6d}"
                    + ("  too slow to load-test: see 'one ms'" if m["requests"] < 8 else "")
                )
    imports = results.get("bulk_import", {})
    for entry in imports.get("runs", []):
        lines.append(
            f"import_references --dry-run, {entry['records']:,} RIS records: "
            f"{entry['seconds']:.1f} s ({entry['records_per_second']:.0f}/s), "
            f"peak RSS {entry['peak_rss_mb']:.0f} MB, exit {entry['exit_code']}"
            + (f" ({entry['error']})" if "error" in entry else "")
        )
    if "skipped" in imports:
        lines.append(f"bulk import: skipped, {imports['skipped']}")
    if "targets" in results:
        lines += ["", targets_table(results["targets"])]
    return "\n".join(lines)


def _figure(mode: dict, key: str, form: str) -> str:
    return format(mode[key], form) if key in mode else ""


def markdown(results: dict) -> str:
    """A table per size, for docs/performance.md: the ratios the targets are set on."""
    sizes = list(results["sizes"])
    baseline = results.get("baseline", {})
    version = baseline.get("version", "baseline")
    out = []
    for size in sizes:
        endpoints = results["sizes"][size]["endpoints"]
        compared = baseline.get("sizes", {}).get(size, {})
        scale = f"{sizes[-1]}/{sizes[0]}, cold" if size == sizes[-1] and len(sizes) > 1 else ""
        out += [
            f"{size}:",
            "",
            "| endpoint | cold req/s | cold x bare view | warm x bare view "
            f"| one-query answers' worth | cold x {version} | {scale} | queries |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, _ in ENDPOINTS:
            if (entry := endpoints.get(name)) is None:
                continue
            cold, warm = entry.get("cold", {}), entry.get("warm", {})
            worth = floors_worth(endpoints, name) if name not in REFERENCES else None
            out.append(
                f"| {name} | {_figure(cold, 'rps', '.0f')} "
                f"| {_figure(cold, 'ratio_to_ceiling', '.3f')} "
                f"| {_figure(warm, 'ratio_to_ceiling', '.2f')} "
                f"| {'' if worth is None else format(worth, '.1f')} "
                f"| {_figure(compared.get(name, {}), 'ratio', '.2f')} "
                f"| {_figure(cold, 'ratio_to_smaller', '.2f')} | {entry['queries']} |"
            )
        out.append("")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="corpus sizes, smallest first")
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per endpoint")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--reuse", action="store_true", help="keep a corpus of the right size")
    parser.add_argument("--import-records", default="1000,10000", help="RIS file sizes")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--max-request-ms",
        type=float,
        default=3000,
        help="an endpoint whose single request takes longer is not load-tested",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated endpoint names to measure (the ceilings and floors always are), "
        "e.g. 'API studies,search: common word'",
    )
    parser.add_argument(
        "--baseline",
        default="",
        help="a commit to compare cold throughput with, side by side, e.g. 14f9e98",
    )
    parser.add_argument(
        "--baseline-sizes", default="", help="the sizes to compare at (default: every size)"
    )
    parser.add_argument(
        "--redis",
        choices=("auto", "built", "built-plain", "system"),
        default="auto",
        help="the Redis of the warm runs: 'built', Redis 8 from `make redis` started for the "
        "run, with client-side caching ('built-plain': without); 'system', REDIS_URL or "
        "127.0.0.1:6379; 'auto' (the default), 'built' if it is built and REDIS_URL unset",
    )
    parser.add_argument("--table", action="store_true", help="print the table of --output")
    parser.add_argument(
        "--markdown", action="store_true", help="print --output as the README's table"
    )
    args = parser.parse_args()
    if args.table or args.markdown:
        results = json.loads(args.output.read_text())
        print(markdown(results) if args.markdown else table(results))
        return
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (make bench does this).")
    sizes = sorted(int(size) for size in args.sizes.split(","))
    chosen = {name.strip() for name in args.only.split(",") if name.strip()}
    if unknown := chosen - {name for name, _ in ENDPOINTS}:
        sys.exit(f"--only names no endpoint: {', '.join(sorted(unknown))}")
    measured_endpoints = [
        (name, path)
        for name, path in ENDPOINTS
        if not chosen or name in chosen or name in REFERENCES
    ]
    with warm_redis(args.redis) as warm_cache:
        log(f"warm runs cache in {warm_cache}")
        run_benchmark(args, sizes, measured_endpoints, warm_cache)


def run_benchmark(args, sizes: list[int], measured_endpoints: list, warm_cache: str) -> None:
    started = time.perf_counter()

    log("collecting static files under production settings")
    run([*MANAGE, "collectstatic", "--noinput", "-v0"], production_env(database_url(sizes[0])))
    results = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": urlsplit(database_url(sizes[0])).scheme,
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "settings": {
            "workers": 2,
            "connections": 8,
            "duration_s": args.duration,
            "warm_cache": warm_cache,
        },
        "sizes": {},
    }
    corpora = {size: prepare(size, args.seed, args.reuse) for size in sizes}
    compared = [int(size) for size in args.baseline_sizes.split(",") if size] or sizes
    baselines = {
        size: prepare(size, args.seed, args.reuse, args.baseline)
        for size in (compared if args.baseline else [])
    }
    measured = measure(corpora, args.duration, args.max_request_ms, measured_endpoints)
    for size, (_, targets) in corpora.items():
        results["sizes"][label(size)] = {
            "studies": size,
            "targets": targets,
            "endpoints": measured[size],
        }
    args.output.write_text(json.dumps(results, indent=2))  # a later failure keeps this
    if baselines:
        by_size = compare(corpora, baselines, args.baseline, measured_endpoints)
        results["baseline"] = {"version": args.baseline, "sizes": by_size}
        args.output.write_text(json.dumps(results, indent=2))
    labels = list(results["sizes"])
    if len(labels) > 1:
        scale_ratios(results, labels[0], labels[-1])
    results["targets"] = check_targets(results)
    import_sizes = [int(n) for n in args.import_records.split(",") if n]
    if import_sizes:
        results["bulk_import"] = bulk_import(database_url(sizes[0]), import_sizes, args.seed)
    results["seconds"] = time.perf_counter() - started
    args.output.write_text(json.dumps(results, indent=2))
    print(table(results))
    print(f"\nwritten to {args.output} in {results['seconds'] / 60:.1f} minutes")


if __name__ == "__main__":
    main()
