"""The benchmark runner behind `packagegrid bench` (SPEC §9).

For each database the parent process starts a child (`packagegrid bench --result-file`)
whose environment names that database, with DEBUG off. The child migrates, builds the data
set once, counts SQL queries in-process, serves the site with gunicorn on 127.0.0.1 and
loads each URL with wrk at concurrency 1 and 8, once with the response cache off (what
SPEC §9 compares) and once with it on, then the mixed-traffic row (`benchmarks.mixed`).
With each server it also repeats conditional GETs of the API v5 rows (`If-None-Match`
from a first GET) and counts how many are answered 304.
The parent prints one table of all databases and writes it as JSON. A URL that answers
404 is reported as not implemented; no figure is ever made up.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dj_database_url
import django
import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from psycopg import sql
from psycopg.conninfo import make_conninfo

from packagegrid.benchmarks import mixed
from packagegrid.benchmarks.data import (
    LARGEST_GRID_SLUG,
    bench_data_build,
    bench_data_is_present,
    database_settle,
)
from packagegrid.benchmarks.mixed import WIDE_GRID_SLUG
from packagegrid.benchmarks.wrk import STATUS_SCRIPT, Log, WrkResult, parse_statuses, parse_wrk
from packagegrid.catalog.models import Category, Package
from packagegrid.grids.models import Grid
from packagegrid.search.selectors import search_index_is_complete
from packagegrid.search.services import search_reindex

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/packagegrid_bench"
SQLITE_FILE = "bench.sqlite3"
GUNICORN_WORKERS = 2
CONCURRENCIES = (1, 8)
STARTUP_TIMEOUT_S = 30.0
NOT_IMPLEMENTED = "skipped: not implemented"
# Search is timed in-process over these queries (names, words, prefixes, typos, misses).
SEARCH_QUERIES = (
    "django",
    "rest",
    "django-rest",
    "auth",
    "celery",
    "simple history",
    "filter forms",
    "payments for django",
    "djnago-filter",
    "graphql",
    "import export",
    "fast cache",
    "tree",
    "admin",
    "async",
    "notifications",
    "crispy",
    "jwt oauth",
    "redis queue",
    "zzzz nothing",
)
# The rows whose repeated conditional GETs are measured (share of 304s).
CONDITIONAL_LABELS = ("v5 packages list", "v5 package detail json", "v5 search")
# The floor: a trivial answer (no query, no template) through the same gunicorn and the
# same middleware, measured in the same run. A row whose 5x-upstream target would be
# faster than the floor is held to "within 2x of the floor" instead (issue 12).
FLOOR_LABEL = "floor (liveness /healthz)"
FLOOR_PATH = "/healthz"
TARGET_OVER_UPSTREAM = 5.0
WITHIN_FLOOR = 2.0
SEARCH_PATHS = (
    ("v4 search", "/api/v4/search/"),
    ("search page", "/search/"),
    ("type-ahead", "/search/suggest/"),
)


@dataclass(frozen=True, slots=True)
class Upstream:
    """djangopackages.org's own figures: the side-by-side rerun of the performance issue
    (same machine, same data shape, one run), else SPEC §9's."""

    c1: float
    c8: float
    queries: str


@dataclass(frozen=True, slots=True)
class Target:
    label: str
    path: str
    upstream: Upstream | None = None


@dataclass(slots=True)
class Row:
    """One URL measured on one database."""

    label: str
    path: str
    database: str
    status: str
    queries: int | None = None
    runs: dict[str, WrkResult] = field(default_factory=dict)
    upstream: Upstream | None = None
    render_ms: float | None = None  # in-process, response cache off
    # `runs` is with the response cache off; these with it on.
    cached_runs: dict[str, WrkResult] = field(default_factory=dict)
    body_kb: float | None = None  # the response body, before compression

    def ratio(self, concurrency: int) -> float | None:
        """Our requests/s over upstream's at that concurrency, when both are known."""
        run = self.runs.get(f"c{concurrency}")
        if run is None or self.upstream is None:
            return None
        reference = self.upstream.c1 if concurrency == 1 else self.upstream.c8
        return run.requests_per_second / reference

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["ratio_c1"] = _rounded(self.ratio(1))
        data["ratio_c8"] = _rounded(self.ratio(8))
        return data


@dataclass(frozen=True, slots=True)
class ConditionalRun:
    """Repeated GETs of one URL with the `If-None-Match` of a first GET, at c=8."""

    path: str
    etag: str
    run: WrkResult
    statuses: dict[int, int]

    @property
    def not_modified_share(self) -> float:
        """The share of answers that were 304 Not Modified."""
        total = sum(self.statuses.values())
        return self.statuses.get(304, 0) / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "etag": self.etag,
            "requests_per_second": self.run.requests_per_second,
            "p50_ms": self.run.p50_ms,
            "p99_ms": self.run.p99_ms,
            "statuses": {str(status): count for status, count in sorted(self.statuses.items())},
            "not_modified_share": round(self.not_modified_share, 4),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def row_target(
    row: dict[str, Any], floor: dict[str, Any] | None, concurrency: int
) -> dict[str, Any] | None:
    """The cache-off target of `row` (a `Row.as_dict()`) at `concurrency`, and whether it
    is met: 5x upstream, or within 2x of the floor row's req/s when 5x upstream would be
    faster than the floor. None without an upstream figure or a measured run."""
    run = row["runs"].get(f"c{concurrency}")
    upstream = row["upstream"]
    if row["status"] != "ok" or run is None or upstream is None:
        return None
    wanted = TARGET_OVER_UPSTREAM * (upstream["c1"] if concurrency == 1 else upstream["c8"])
    kind = "5x upstream"
    floor_run = None
    if floor is not None and floor["status"] == "ok":
        floor_run = floor["runs"].get(f"c{concurrency}")
    if floor_run is not None and wanted > floor_run["requests_per_second"]:
        kind = "floor/2"
        wanted = floor_run["requests_per_second"] / WITHIN_FLOOR
    achieved = run["requests_per_second"]
    return {"kind": kind, "required": round(wanted, 1), "met": achieved >= wanted}


def targets_assess(rows: list[dict[str, Any]]) -> None:
    """Add `target_c1` and `target_c8` (`row_target`) to each row of one database's
    report, against the floor row measured in the same run."""
    floor = next((row for row in rows if row["path"] == FLOOR_PATH), None)
    for row in rows:
        for concurrency in CONCURRENCIES:
            row[f"target_c{concurrency}"] = row_target(row, floor, concurrency)


# --- wrk ---------------------------------------------------------------------------------


def wrk_run(*, url: str, concurrency: int, duration: int, script: Path | None = None) -> WrkResult:
    """Load `url` for `duration` seconds with `concurrency` connections, bounded in time.

    `script` is a wrk Lua script (for example one that picks each request's path).
    """
    return parse_wrk(wrk_output(url=url, concurrency=concurrency, duration=duration, script=script))


def wrk_output(
    *,
    url: str,
    concurrency: int,
    duration: int,
    script: Path | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    """What `wrk --latency` prints for that load; `headers` are sent with every request."""
    threads = min(concurrency, 2)
    completed = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{concurrency}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "--latency",
            *(["-s", str(script)] if script else []),
            *[arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")],
            url,
        ],
        capture_output=True,
        text=True,
        timeout=duration + 30,
        check=True,
    )
    return completed.stdout


# --- databases ---------------------------------------------------------------------------


def default_database_urls() -> list[str]:
    """PostgreSQL first (the comparison that counts), then SQLite beside it."""
    return [POSTGRES_URL, f"sqlite:///{Path(settings.BASE_DIR) / SQLITE_FILE}"]


def database_label(url: str) -> str:
    """The short name of a database URL's engine: "postgresql", "sqlite", …"""
    engine = str(dj_database_url.parse(url)["ENGINE"]).rsplit(".", 1)[-1]
    return {"sqlite3": "sqlite", "postgresql_psycopg2": "postgresql"}.get(engine, engine)


def postgres_database_ensure(url: str) -> None:
    """Create the PostgreSQL database `url` names when it does not exist yet."""
    config = dj_database_url.parse(url)
    conninfo = make_conninfo(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        name = str(config["NAME"])
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def bench_environment(url: str) -> dict[str, str]:
    """The environment of a child and its gunicorn: production settings on `url`."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        # Persistent connections per worker, as upstream's pooled connections.
        CONN_MAX_AGE="600",
        PYTHONUNBUFFERED="1",
        # All load comes from one address: the API's per-address limit (120 a minute) would
        # answer 429. The limiter still runs, and its cost is measured, at a limit never hit.
        API_RATE_LIMIT="1000000000",
    )
    return env


def _redacted(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


# --- one database (the child process) ----------------------------------------------------


def bench_targets() -> list[Target]:
    """The URLs of SPEC §9, with ids and slugs picked from the benchmark data set."""
    package = (
        Package.objects.filter(replaced_by__isnull=True, repo_data__archived=False)
        .order_by("id")
        .first()
    )
    category = Category.objects.annotate(n=Count("packages")).order_by("-n", "id").first()
    # A package whose page draws every health and trends panel: scored, with releases,
    # compatibility and snapshots for its charts.
    charted = (
        Package.objects.filter(
            replaced_by__isnull=True,
            repo_data__archived=False,
            health__isnull=False,
            snapshots__isnull=False,
            compatibility__product="django",
        )
        .order_by("id")
        .first()
    )
    if package is None or category is None or charted is None:
        raise RuntimeError("The benchmark data set is missing; run `packagegrid benchdata`.")
    # Upstream figures: the performance issue's side-by-side rerun, for the same URLs
    # (its v4 search row is `q=django`, as here).
    targets = [
        Target(FLOOR_LABEL, FLOOR_PATH),
        Target("v4 packages list", "/api/v4/packages/", Upstream(47, 78, "4")),
        Target(
            "v4 package detail json", f"/api/v4/packages/{package.id}/", Upstream(128, 217, "3")
        ),
        Target(
            "v4 package detail api",
            f"/api/v4/packages/{package.id}/?format=api",
            Upstream(69, 117, "3"),
        ),
        Target("v4 grids list", "/api/v4/grids/", Upstream(17, 24, "3")),
        Target("v4 categories list", "/api/v4/categories/", Upstream(254, 477, "2")),
        Target("v4 search", "/api/v4/search/?q=django", Upstream(18, 35, "1")),
        Target("v5 packages list", "/api/v5/packages/"),
        Target("v5 package detail json", f"/api/v5/packages/{package.id}/"),
        Target("v5 search", "/api/v5/search/?q=django"),
        Target("v3 packages list", "/api/v3/packages/", Upstream(9, 17, "44")),
        Target("home", "/", Upstream(23, 49, "1-8")),
        Target("package page", f"/packages/p/{package.slug}/", Upstream(47, 96, "4-7")),
        Target("package page (health panel + trends)", f"/packages/p/{charted.slug}/"),
        Target("readiness page /readiness/django/5.2/", "/readiness/django/5.2/"),
        Target("grid page 25x15", f"/grids/g/{LARGEST_GRID_SLUG}/", Upstream(12, 24, "1-5")),
        Target("category page", f"/categories/{category.slug}/", Upstream(16, 26, "3")),
        Target("search page", "/search/?q=django", Upstream(9, 20, "")),
        Target("grids list", "/grids/"),
    ]
    targets.append(Target("packages list", "/packages/", Upstream(11, 22, "")))
    if Grid.objects.filter(slug=WIDE_GRID_SLUG).exists():
        targets.append(Target("grid page 100x30", f"/grids/g/{WIDE_GRID_SLUG}/"))
    return targets


def queries_per_request(path: str, *, renders: int = 10) -> tuple[int, int, float, float]:
    """Status, SQL queries, median time (ms) and body size (KB) of rendering `path`
    in-process.

    The response cache is off here, so that these are the figures of a real render (a
    cached response takes one query); the first request warms up and is not counted.
    """
    client = Client(raise_request_exception=False)
    with override_settings(RESPONSE_CACHE_SECONDS=0):
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        # Read now: every later request clears the connection's query log.
        queries = len(captured.captured_queries)
        timings = []
        for _ in range(renders):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
    size_kb = round(len(response.content) / 1024, 1)
    return response.status_code, queries, round(statistics.median(timings), 1), size_kb


def search_latency(path: str, *, rounds: int = 5) -> dict[str, float]:
    """p50/p99 (ms) and queries of `path?q=` over SEARCH_QUERIES, in-process, response
    cache off; one warm-up round is not counted."""
    client = Client(raise_request_exception=False)
    timings: list[float] = []
    queries: list[int] = []
    with override_settings(RESPONSE_CACHE_SECONDS=0):
        for query in SEARCH_QUERIES:
            client.get(path, {"q": query})
        for _ in range(rounds):
            for query in SEARCH_QUERIES:
                connection.queries_log.clear()  # each request clears it when it starts
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    client.get(path, {"q": query})
                    timings.append((time.perf_counter() - started) * 1000)
                queries.append(len(captured.captured_queries))
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))], 2),
        "max_queries": max(queries),
        "requests": len(timings),
    }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def http_etag(port: int, path: str) -> str | None:
    """The ETag of a 200 answer to GET http://127.0.0.1:<port><path>, or None."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.getheader("ETag") if response.status == 200 else None
    finally:
        conn.close()


def conditional_measure(
    *, port: int, path: str, duration: int, work_dir: Path
) -> ConditionalRun | None:
    """GET `path` once for its ETag, then repeat it with `If-None-Match` at c=8 for
    `duration` seconds, counting the answers by status. None when there is no ETag."""
    etag = http_etag(port, path)
    if etag is None:
        return None
    script = work_dir / "statuses.lua"
    script.write_text(STATUS_SCRIPT)
    output = wrk_output(
        url=f"http://127.0.0.1:{port}{path}",
        concurrency=8,
        duration=duration,
        script=script,
        headers={"If-None-Match": etag},
    )
    return ConditionalRun(path, etag, parse_wrk(output), parse_statuses(output))


def conditionals_measure(
    rows: list[Row], *, port: int, duration: int, work_dir: Path, log: Log
) -> list[dict[str, Any]]:
    """`conditional_measure` on each measured row named in CONDITIONAL_LABELS."""
    measured = []
    for row in rows:
        if row.label not in CONDITIONAL_LABELS or row.status != "ok":
            continue
        found = conditional_measure(port=port, path=row.path, duration=duration, work_dir=work_dir)
        if found is None:
            log(f"[{row.database}] {row.path}: no ETag, conditional GETs not measured")
            continue
        log(
            f"[{row.database}] {row.path} If-None-Match c=8:"
            f" {found.run.requests_per_second:.1f} req/s, 304 share"
            f" {found.not_modified_share:.1%} of {sum(found.statuses.values())}"
        )
        measured.append(found.as_dict())
    return measured


def http_status(port: int, path: str) -> int:
    """The status of GET http://127.0.0.1:<port><path> (raises OSError when unreachable)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@contextmanager
def gunicorn_serving(
    *, log_file: Path, workers: int = GUNICORN_WORKERS, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """Run gunicorn (`workers` sync workers) on a free 127.0.0.1 port until the block ends.

    `env` adds to this process's environment (for example RESPONSE_CACHE_SECONDS=0).

    Yields the master process and the port once `/api/v4/` answers. Raises RuntimeError
    when gunicorn exits or does not answer within STARTUP_TIMEOUT_S seconds.
    """
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "packagegrid.wsgi",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--error-logfile",
        str(log_file),
        # Gunicorn's control socket has one default path per user; two servers would clash.
        "--no-control-socket",
    ]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env={**os.environ, **(env or {})})
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log_file}")
            try:
                http_status(port, "/api/v4/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer; see {log_file}") from None
                time.sleep(0.2)
        yield process, port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory (VmRSS, MB) of each child process of `master_pid`, from /proc."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            # The command name in field 2 may contain spaces: the parent pid follows its ")".
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent != master_pid:
                continue
            status = (entry / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            sizes.append(round(int(match.group(1)) / 1024, 1))
    return sorted(sizes)


def bench_database(
    *,
    url: str,
    duration: int,
    log_dir: Path,
    log: Log,
    mixed_per_hour: int = 1000,
    mixed_duration: int | None = None,
) -> dict[str, Any]:
    """Benchmark every target on the database this process is configured for, with the
    response cache off, then on, then the mixed-traffic row (`mixed_per_hour` fetch
    results applied per hour, a tenth changing, a login every 3 s).

    Returns the report as a JSON-ready dict (see `bench_run`); gunicorn logs to
    `log_dir/gunicorn-<db>.log`.
    """
    db = database_label(url)
    log(f"[{db}] migrate")
    call_command("migrate", interactive=False, verbosity=0)
    if bench_data_is_present():
        log(f"[{db}] reusing the benchmark data set")
        if not search_index_is_complete():  # a data set built before the index existed
            log(f"[{db}] {search_reindex()}")
    else:
        log(f"[{db}] building the benchmark data set")
        log(f"[{db}] {bench_data_build(flush=True)}")
    call_command("collectstatic", interactive=False, verbosity=0)
    mixed.wide_grid_ensure()
    mixed.login_user_ensure()
    log(f"[{db}] analyze (statistics for the planner, as autovacuum would gather)")
    database_settle()
    targets = bench_targets()
    rows = [Row(t.label, t.path, db, "ok", upstream=t.upstream) for t in targets]
    for row in rows:
        status, row.queries, row.render_ms, row.body_kb = queries_per_request(row.path)
        log(
            f"[{db}] {row.path}: HTTP {status} in-process, {row.queries} queries,"
            f" rendered in {row.render_ms} ms, {row.body_kb} KB"
        )
    search = {label: search_latency(path) for label, path in SEARCH_PATHS}
    for label, figures in search.items():
        log(
            f"[{db}] {label} in-process over {len(SEARCH_QUERIES)} queries:"
            f" p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms,"
            f" at most {figures['max_queries']} queries"
        )
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / f"gunicorn-{db}.log"
    log(f"[{db}] response cache off")
    with gunicorn_serving(log_file=log_file, env={"RESPONSE_CACHE_SECONDS": "0"}) as (
        process,
        port,
    ):
        for row in rows:
            row_measure(row, port=port, duration=duration, log=log)
        conditional_off = conditionals_measure(
            rows, port=port, duration=duration, work_dir=log_dir, log=log
        )
        rss_cache_off = worker_rss_mb(process.pid)
    log(f"[{db}] gunicorn worker RSS after the cache-off runs: {rss_cache_off} MB")
    cached_seconds = str(settings.RESPONSE_CACHE_SECONDS or 300)
    log(f"[{db}] response cache on ({cached_seconds} s)")
    with gunicorn_serving(log_file=log_file, env={"RESPONSE_CACHE_SECONDS": cached_seconds}) as (
        process,
        port,
    ):
        for row in rows:
            cache_off = row.runs
            row.runs = {}
            if row.status == "ok":
                row_measure(row, port=port, duration=duration, log=log)
            row.runs, row.cached_runs = cache_off, row.runs
        conditional_on = conditionals_measure(
            rows, port=port, duration=duration, work_dir=log_dir, log=log
        )
        mixed_report = mixed.mixed_traffic_measure(
            port=port,
            row_paths=[row.path for row in rows if row.status == "ok"],
            duration=mixed_duration or max(2 * duration, 10),
            per_hour=mixed_per_hour,
            changing=0.1,
            login_every=3.0,
            work_dir=log_dir,
            log=lambda message: log(f"[{db}] {message}"),
        )
        rss = worker_rss_mb(process.pid)
    log(f"[{db}] gunicorn worker RSS after the run: {rss} MB")
    row_dicts = [row.as_dict() for row in rows]
    targets_assess(row_dicts)
    return {
        "database": db,
        "database_url": _redacted(url),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_s": duration,
        "gunicorn_workers": GUNICORN_WORKERS,
        "worker_rss_mb": rss,
        "worker_rss_mb_cache_off": rss_cache_off,
        "cache": "redis" if os.environ.get("REDIS_URL") else "locmem",
        "response_cache_s": int(cached_seconds),
        "mixed": mixed_report,
        "conditional": {"cache_off": conditional_off, "cache_on": conditional_on},
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "rows": row_dicts,
        "search_in_process": search,
    }


def row_measure(row: Row, *, port: int, duration: int, log: Log) -> None:
    """Load `row.path` on the server at `port` and record the runs on `row`.

    A 404 marks the row "skipped: not implemented" and any other non-200 status an error;
    neither is loaded.
    """
    status = http_status(port, row.path)
    if status == 404:
        row.status, row.queries = NOT_IMPLEMENTED, None
        log(f"[{row.database}] {row.path}: 404, {NOT_IMPLEMENTED}")
        return
    if status != 200:
        row.status = f"error: HTTP {status}"
        log(f"[{row.database}] {row.path}: HTTP {status}, not measured")
        return
    url = f"http://127.0.0.1:{port}{row.path}"
    wrk_run(url=url, concurrency=8, duration=1)
    for concurrency in CONCURRENCIES:
        result = wrk_run(url=url, concurrency=concurrency, duration=duration)
        row.runs[f"c{concurrency}"] = result
        log(
            f"[{row.database}] {row.path} c={concurrency}: {result.requests_per_second:.1f} req/s,"
            f" p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms,"
            f" non-2xx/3xx {result.non_2xx_3xx}, socket errors {result.socket_errors}"
        )


# --- all databases (the parent process) --------------------------------------------------


def bench_run(
    *,
    urls: list[str],
    duration: int,
    output_dir: Path,
    log: Log,
    mixed_per_hour: int = 1000,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Benchmark each database in a child process; print and save the combined table.

    Returns the per-database reports and the failures (one message per failed database).
    Writes bench-<db>-<timestamp>.json for each database and latest.json with all of them.
    """
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk).")
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    reports: list[dict[str, Any]] = []
    failures: list[str] = []
    for url in urls:
        db = database_label(url)
        result_file = output_dir / f".child-{db}.json"
        result_file.unlink(missing_ok=True)
        try:
            if db == "postgresql":
                postgres_database_ensure(url)
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "packagegrid",
                    "bench",
                    "--database-url",
                    url,
                    "--duration",
                    str(duration),
                    "--mixed-fetches-per-hour",
                    str(mixed_per_hour),
                    "--result-file",
                    str(result_file),
                ],
                env=bench_environment(url),
                cwd=settings.BASE_DIR,
                check=True,
                timeout=900
                + 80 * (2 * duration + 10)
                + 6 * max(2 * duration, 10)
                + 2 * len(CONDITIONAL_LABELS) * (duration + 10),
            )
            report = json.loads(result_file.read_text())
        except (OSError, psycopg.Error, subprocess.SubprocessError, ValueError) as error:
            failures.append(f"{db}: {error}")
            log(f"[{db}] FAILED: {error}")
            continue
        finally:
            result_file.unlink(missing_ok=True)
        reports.append(report)
        (output_dir / f"bench-{db}-{stamp}.json").write_text(json.dumps(report, indent=2))
    (output_dir / "latest.json").write_text(
        json.dumps({"timestamp": stamp, "reports": reports}, indent=2)
    )
    if reports:
        log(format_table(reports))
    return reports, failures


def format_table(reports: list[dict[str, Any]]) -> str:
    """One row per URL and database, databases side by side under each URL."""
    header = [
        "URL",
        "db",
        "req/s c=1",
        "p50 ms",
        "p99 ms",
        "req/s c=8",
        "p50 ms",
        "p99 ms",
        "queries",
        "render ms",
        "upstream req/s c=1/c=8",
        "upstream queries",
        "ratio c=1/c=8",
        "target c=1/c=8",
        "cache on req/s c=1/c=8",
        "KB",
        "errors",
    ]
    lines = [header]
    labels: list[str] = []
    for report in reports:
        labels += [row["label"] for row in report["rows"] if row["label"] not in labels]
    for label in labels:
        for report in reports:
            for row in report["rows"]:
                if row["label"] == label:
                    lines.append(_table_cells(row))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    text.insert(1, "  ".join("-" * width for width in widths))
    for report in reports:
        for label, figures in report.get("search_in_process", {}).items():
            text.append(
                f"{report['database']}: {label} in-process, response cache off, over"
                f" {len(SEARCH_QUERIES)} queries: p50 {figures['p50_ms']} ms,"
                f" p99 {figures['p99_ms']} ms, at most {figures['max_queries']} SQL queries"
            )
    for report in reports:
        mixed = report.get("mixed")
        if mixed:
            busy, quiet = mixed["busy"], mixed["quiet"]
            text.append(
                f"{report['database']}: mixed traffic, c=8, {mixed['paths']} URLs, cache on:"
                f" {busy['requests_per_second']:.1f} req/s, cache hit rate"
                f" {busy['hit_rate']:.1%} while {mixed['fetch_results_applied']} fetch results"
                f" were applied ({mixed['fetch_results_changed']} changed;"
                f" {mixed['fetches_per_hour']}/hour) and {mixed['logins']} logins happened;"
                f" quiet {quiet['requests_per_second']:.1f} req/s, hit rate"
                f" {quiet['hit_rate']:.1%}; busy/quiet {mixed['busy_over_quiet']:.0%}"
            )
    for report in reports:
        text.extend(_conditional_lines(report))
    for report in reports:
        text.append(
            f"{report['database']}: gunicorn {report['gunicorn_workers']} sync workers, RSS after"
            f" the run {report['worker_rss_mb']} MB; {report['duration_s']} s per wrk run;"
            f" cache {report['cache']}; response cache {report['response_cache_s']} s"
        )
    return "\n".join(text)


def _conditional_lines(report: dict[str, Any]) -> list[str]:
    """One line per URL and response-cache setting of the repeated conditional GETs."""
    lines = []
    for setting, runs in (report.get("conditional") or {}).items():
        for run in runs:
            total = sum(run["statuses"].values())
            lines.append(
                f"{report['database']}: {run['path']} repeated with If-None-Match, c=8,"
                f" {setting.replace('_', ' ')}: {run['requests_per_second']:.1f} req/s,"
                f" 304 share {run['not_modified_share']:.1%} of {total}"
                f" (statuses {', '.join(f'{k}: {v}' for k, v in run['statuses'].items())})"
            )
    return lines


def _table_cells(row: dict[str, Any]) -> list[str]:
    upstream = row["upstream"]
    upstream_cells = [
        f"{upstream['c1']:g}/{upstream['c8']:g}" if upstream else "",
        upstream["queries"] if upstream else "",
    ]
    if row["status"] != "ok":
        return [row["path"], row["database"], row["status"], *[""] * 7, *upstream_cells, *[""] * 5]
    c1, c8 = row["runs"]["c1"], row["runs"]["c8"]
    ratio = ""
    if row["ratio_c1"] is not None:
        ratio = f"{row['ratio_c1']:.1f}x/{row['ratio_c8']:.1f}x"
    return [
        row["path"],
        row["database"],
        f"{c1['requests_per_second']:.1f}",
        f"{c1['p50_ms']:.1f}",
        f"{c1['p99_ms']:.1f}",
        f"{c8['requests_per_second']:.1f}",
        f"{c8['p50_ms']:.1f}",
        f"{c8['p99_ms']:.1f}",
        str(row["queries"]),
        f"{row['render_ms']:.1f}" if row.get("render_ms") is not None else "",
        *upstream_cells,
        ratio,
        _target_cell(row),
        _cached_cell(row.get("cached_runs") or {}),
        f"{row['body_kb']:.1f}" if row.get("body_kb") is not None else "",
        str(c1["non_2xx_3xx"] + c8["non_2xx_3xx"] + c1["socket_errors"] + c8["socket_errors"]),
    ]


def _cached_cell(runs: dict[str, Any]) -> str:
    if "c1" not in runs or "c8" not in runs:
        return ""
    return f"{runs['c1']['requests_per_second']:.1f}/{runs['c8']['requests_per_second']:.1f}"


def _target_cell(row: dict[str, Any]) -> str:
    """Which target applies at c=1 and c=8 and whether it is met, as "5x upstream:
    met/NOT met" (or "floor/2: ..."); the floor row says "floor"."""
    if row["path"] == FLOOR_PATH:
        return "floor"
    targets: list[dict[str, Any]] = [
        target
        for concurrency in CONCURRENCIES
        if (target := row.get(f"target_c{concurrency}")) is not None
    ]
    if len(targets) != len(CONCURRENCIES):
        return ""
    kinds = "/".join(dict.fromkeys(target["kind"] for target in targets))
    verdicts = "/".join("met" if target["met"] else "NOT met" for target in targets)
    return f"{kinds}: {verdicts}"
