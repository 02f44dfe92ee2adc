"""The latency bench at PyPI scale (issue 14): p50/p95/p99 and queries per page, in-process.

Each row is rendered with `django.test.Client` in one process, the response cache off, on
a database holding the benchmark data set: the 5,000 curated packages of `benchdata`, or
the PyPI-scale set of `benchdata --scale` (30,000 packages, 400,000 releases, 150,000
dependency edges); the 5,000 have as many dependency edges per package as at PyPI
scale (CURATED_WITH_EDGES). `bench_scale_run` measures both, each in a child process with
production settings, and sets the rows side by side: a row keeps its query count at both
scales and its p99 under P99_TARGET_MS.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from packagegrid.benchmarks.data import (
    CURATED_WITH_EDGES,
    PYPI_SCALE,
    SCALE_CURATED,
    bench_data_build,
    bench_data_is_present,
    database_settle,
)
from packagegrid.benchmarks.runner import (
    SEARCH_QUERIES,
    bench_environment,
    database_label,
    postgres_database_ensure,
)
from packagegrid.benchmarks.wrk import Log
from packagegrid.catalog.models import Category, Package
from packagegrid.lib.warm import process_warm

P99_TARGET_MS = 100.0
ITERATIONS = 200  # timed requests per row
SCALES = ("5000", "scale")  # the curated set alone, and at PyPI scale
DEFAULT_URLS = {
    "5000": "postgres://postgres@127.0.0.1:5432/packagegrid_bench_scale_5000",
    "scale": "postgres://postgres@127.0.0.1:5432/packagegrid_bench_scale",
}
# Fewer than the runner's: each is asked ITERATIONS / len(...) times per search row.
LATENCY_SEARCH_QUERIES = SEARCH_QUERIES[:8]


@dataclass(frozen=True, slots=True)
class LatencyTarget:
    """A row: the paths it asks in turn (several for search, one for the others)."""

    name: str
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LatencyRow:
    name: str
    path: str  # the first of the target's paths
    status: int  # the worst (highest) status seen
    queries: int  # the most any of its paths took
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int


def _searches(path: str) -> tuple[str, ...]:
    return tuple(f"{path}?{urlencode({'q': query})}" for query in LATENCY_SEARCH_QUERIES)


def latency_targets() -> list[LatencyTarget]:
    """The rows of issue 14's scale bench, with slugs picked from the data set: lists,
    search, package pages (the most required package, so its "used by N" is the largest
    count, and a discovered one), reverse dependencies and readiness."""
    package = Package.objects.filter(reviewed=True).order_by("id").first()
    category = Category.objects.annotate(n=Count("packages")).order_by("-n", "id").first()
    if package is None or category is None:
        raise RuntimeError("The benchmark data set is missing; run `packagegrid benchdata`.")
    required = (
        Package.objects.filter(reviewed=True)
        .annotate(
            n=Count("dependent_edges", filter=Q(dependent_edges__optional=False), distinct=True)
        )
        .order_by("-n", "id")
        .first()
    ) or package
    discovered = Package.objects.filter(reviewed=False).order_by("id").first()
    targets = [
        LatencyTarget("packages list", ("/packages/",)),
        LatencyTarget(f"category page ({category.slug})", (f"/categories/{category.slug}/",)),
        LatencyTarget("v4 packages list", ("/api/v4/packages/",)),
        LatencyTarget("v5 packages list", ("/api/v5/packages/",)),
        LatencyTarget("search page", _searches("/search/")),
        LatencyTarget("v4 search", _searches("/api/v4/search/")),
        LatencyTarget("v5 search", _searches("/api/v5/search/")),
        LatencyTarget("package page, most required", (f"/packages/p/{required.slug}/",)),
        LatencyTarget("v5 package, most required", (f"/api/v5/packages/{required.slug}/",)),
        LatencyTarget(
            "v5 dependents, most required", (f"/api/v5/packages/{required.slug}/dependents/",)
        ),
        LatencyTarget("readiness /readiness/django/5.2/", ("/readiness/django/5.2/",)),
    ]
    if discovered is not None:  # rows of discovered packages (none in the curated set)
        targets.append(
            LatencyTarget("v5 packages list, unreviewed", ("/api/v5/packages/?reviewed=false",))
        )
        targets.append(
            LatencyTarget("package page, discovered", (f"/packages/p/{discovered.slug}/",))
        )
    return targets


def percentile(timings: list[float], share: float) -> float:
    """The nearest-rank percentile of `timings` (share 0.99 for p99)."""
    ordered = sorted(timings)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def latency_queries(target: LatencyTarget, *, client: Client | None = None) -> tuple[int, int]:
    """The worst status and the most SQL queries of one render of each of the target's
    paths, the response cache off (a first render warms up and is not counted)."""
    client = client or Client(raise_request_exception=False)
    status, queries = 0, 0
    with override_settings(RESPONSE_CACHE_SECONDS=0):
        for path in target.paths:
            client.get(path)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            status = max(status, response.status_code)
            queries = max(queries, len(captured.captured_queries))
    return status, queries


def latency_measure(target: LatencyTarget, *, iterations: int = ITERATIONS) -> LatencyRow:
    """Query count, then p50/p95/p99 (ms) over `iterations` renders of the target's paths
    in turn, in-process, response cache off."""
    client = Client(raise_request_exception=False)
    status, queries = latency_queries(target, client=client)
    timings: list[float] = []
    with override_settings(RESPONSE_CACHE_SECONDS=0):
        for index in range(iterations):
            path = target.paths[index % len(target.paths)]
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            status = max(status, response.status_code)
            # Dropped before the next request, as a server drops it: its objects are then
            # garbage when the next request starts (`lib.warm.request_gc_install`).
            del response
    return LatencyRow(
        name=target.name,
        path=target.paths[0],
        status=status,
        queries=queries,
        p50_ms=round(percentile(timings, 0.5), 1),
        p95_ms=round(percentile(timings, 0.95), 1),
        p99_ms=round(percentile(timings, 0.99), 1),
        requests=len(timings),
    )


def bench_scale_database(*, scale: str, iterations: int, log: Log) -> dict[str, Any]:
    """Migrate the current database, build its data set unless it is there, and measure
    every row (run in a child process whose DATABASE_URL is that database)."""
    scale_sizes = PYPI_SCALE if scale == "scale" else CURATED_WITH_EDGES
    call_command("migrate", interactive=False, verbosity=0)
    build_s = None
    if not bench_data_is_present(packages=SCALE_CURATED, scale=scale_sizes):
        log(f"[{scale}] building the data set ...")
        started = time.monotonic()
        summary = bench_data_build(flush=True, scale=scale_sizes)
        build_s = round(time.monotonic() - started, 1)
        log(f"[{scale}] built in {build_s} s: {summary}")
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: the manifest
    database_settle()
    process_warm()  # as the WSGI entry point does
    rows = []
    for target in latency_targets():
        row = latency_measure(target, iterations=iterations)
        log(
            f"[{scale}] {row.name}: {row.queries} queries, p50 {row.p50_ms} ms, "
            f"p95 {row.p95_ms} ms, p99 {row.p99_ms} ms"
        )
        rows.append(asdict(row))
    return {
        "scale": scale,
        "database": database_label(str(os.environ.get("DATABASE_URL", ""))),
        "packages": Package.objects.count(),
        "build_s": build_s,
        "iterations": iterations,
        "rows": rows,
    }


def bench_scale_run(
    *, urls: dict[str, str], iterations: int, output_dir: Path, log: Log
) -> tuple[list[dict[str, Any]], list[str]]:
    """Measure each scale's database in a child process with production settings; write
    the reports and the table to `output_dir`; return the reports and the failures (a
    row off its 200, whose queries differ between scales or whose p99 misses)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    reports = []
    for scale, url in urls.items():
        if database_label(url) == "postgresql":
            postgres_database_ensure(url)
        result_file = output_dir / f"latency-{scale}.json"
        command = [sys.executable, "-m", "packagegrid", "bench_scale", "--child", scale]
        command += ["--iterations", str(iterations), "--result-file", str(result_file)]
        subprocess.run(command, env=bench_environment(url), check=True)
        reports.append(json.loads(result_file.read_text()))
    table = latency_table(reports)
    (output_dir / "latency.md").write_text(table + "\n")
    log(table)
    return reports, latency_failures(reports)


def latency_failures(reports: list[dict[str, Any]]) -> list[str]:
    failures = []
    queries: dict[str, set[int]] = {}
    for report in reports:
        for row in report["rows"]:
            name = _row_key(row["name"])
            queries.setdefault(name, set()).add(row["queries"])
            if row["status"] != 200:
                failures.append(f"{row['name']} answered {row['status']} ({report['scale']})")
            if row["p99_ms"] >= P99_TARGET_MS:
                failures.append(f"{row['name']} p99 {row['p99_ms']} ms ({report['scale']})")
    failures += [f"{name}: queries differ {sorted(n)}" for name, n in queries.items() if len(n) > 1]
    return failures


def _row_key(name: str) -> str:
    """A row's name without the slug it picked (the largest category may differ)."""
    return name.split(" (", 1)[0]


def latency_table(reports: list[dict[str, Any]]) -> str:
    """A Markdown table: one line per row, queries and p50/p95/p99 per scale."""
    header = ["Row"]
    for report in reports:
        label = f"{report['packages']:,} packages"
        header += [f"{label}: queries", f"{label}: p50 / p95 / p99 ms"]
    names: list[str] = []
    cells: dict[tuple[str, int], list[str]] = {}
    for index, report in enumerate(reports):
        for row in report["rows"]:
            name = _row_key(row["name"])
            if name not in names:
                names.append(name)
            status = "" if row["status"] == 200 else f" ({row['status']})"
            cells[name, index] = [
                f"{row['queries']}{status}",
                f"{row['p50_ms']} / {row['p95_ms']} / {row['p99_ms']}",
            ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name in names:
        line = [name]
        for index in range(len(reports)):
            line += cells.get((name, index), ["-", "-"])
        lines.append("| " + " | ".join(line) + " |")
    builds = [
        f"{report['packages']:,} packages built in {report['build_s']} s"
        for report in reports
        if report.get("build_s") is not None
    ]
    iterations = {report["iterations"] for report in reports}
    lines.append("")
    lines.append(
        f"In-process (django.test.Client), response cache off, DEBUG off, "
        f"{'/'.join(map(str, sorted(iterations)))} requests per row; "
        f"target p99 < {P99_TARGET_MS:.0f} ms." + (" " + "; ".join(builds) + "." if builds else "")
    )
    return "\n".join(lines)
