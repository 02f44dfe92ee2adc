"""`packagegrid loadtest`: a bounded load on loopback, then a soak.

gunicorn serves the configured database (production settings: DEBUG off) and wrk drives
a mix of real URLs (home, package pages, grid pages, search, API v4), each request picking
its path at random from a Lua table. First a burst (`--connections` for `--duration`
seconds), then a soak (`--soak-connections` for `--soak-duration` seconds) with the
workers' resident memory read at its start and end. Server start, wrk and its parsing,
and the RSS reading are the benchmark runner's.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection

from packagegrid.benchmarks.runner import (
    bench_environment,
    database_label,
    gunicorn_serving,
    http_status,
    worker_rss_mb,
    wrk_run,
)
from packagegrid.benchmarks.wrk import Log, WrkResult
from packagegrid.catalog.models import Package
from packagegrid.grids.models import Grid

SEARCH_WORDS = ("django", "rest", "auth", "cache", "admin", "forms", "filter", "celery")
SAMPLE = 40  # packages and grids in the mix
SEED = 7


@dataclass(frozen=True, slots=True)
class Phase:
    """One wrk run of the load test and the worker RSS (MB) around it."""

    name: str
    connections: int
    duration_s: int
    result: WrkResult
    rss_start_mb: list[float]
    rss_end_mb: list[float]


def loadtest_paths() -> list[str]:
    """The URL mix: home, package pages, grid pages, search, API v4, in fixed proportions.

    Raises RuntimeError when the database holds no packages or grids (load the demo or
    benchmark data first).
    """
    rng = random.Random(SEED)
    packages = list(Package.objects.order_by("id").values_list("id", "slug")[: SAMPLE * 10])
    grids = list(Grid.objects.order_by("id").values_list("id", "slug")[: SAMPLE * 10])
    if not packages or not grids:
        raise RuntimeError("No packages or grids: run `packagegrid benchdata` (or `demo`).")
    packages = rng.sample(packages, min(SAMPLE, len(packages)))
    grids = rng.sample(grids, min(SAMPLE // 2, len(grids)))
    paths = ["/"] * 4
    paths += [f"/packages/p/{slug}/" for _, slug in packages]
    paths += [f"/grids/g/{slug}/" for _, slug in grids]
    paths += [f"/search/?q={word}" for word in SEARCH_WORDS]
    paths += [f"/api/v4/search/?q={word}" for word in SEARCH_WORDS]
    paths += [f"/api/v4/packages/{pk}/" for pk, _ in packages[: SAMPLE // 2]]
    paths += [f"/api/v4/grids/{pk}/" for pk, _ in grids[: SAMPLE // 4]]
    paths += ["/api/v4/packages/", "/api/v4/grids/", "/api/v4/categories/", "/packages/"]
    return paths


def wrk_script(paths: list[str]) -> str:
    """A wrk Lua script whose every request GETs one of `paths` at random."""
    table = ",\n".join(json.dumps(path) for path in paths)  # JSON strings are Lua strings
    return (
        f"local paths = {{\n{table}\n}}\n"
        "math.randomseed(os.time())\n"
        "request = function()\n"
        '  return wrk.format("GET", paths[math.random(#paths)])\n'
        "end\n"
    )


def loadtest_run(
    *,
    connections: int,
    duration: int,
    soak_connections: int,
    soak_duration: int,
    workers: int,
    log_dir: Path,
    log: Log,
) -> dict[str, Any]:
    """Serve this process's database with gunicorn and run the burst and the soak.

    Returns the report (JSON-ready). Raises RuntimeError when wrk is missing, the data
    set is empty or a path of the mix does not answer 200 before the load starts.
    """
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk).")
    paths = loadtest_paths()
    url = os.environ.get("DATABASE_URL", "")
    os.environ.update(bench_environment(url) if url else {"DEBUG": "0"})
    # With DEBUG off the static files are served from a manifest: collect them under the
    # settings gunicorn will run with, not this process's.
    subprocess.run(
        [sys.executable, "-m", "packagegrid", "collectstatic", "--noinput", "-v0"],
        check=True,
        timeout=300,
    )
    log_dir.mkdir(parents=True, exist_ok=True)
    db = database_label(url) if url else connection.vendor
    phases: list[Phase] = []
    with (
        tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script_file,
        gunicorn_serving(log_file=log_dir / f"loadtest-{db}.log", workers=workers) as (
            process,
            port,
        ),
    ):
        script_file.write(wrk_script(paths))
        script_file.close()
        script = Path(script_file.name)
        try:
            failing = {p: s for p in sorted(set(paths)) if (s := http_status(port, p)) != 200}
            if failing:
                raise RuntimeError(f"Paths of the mix that do not answer 200: {failing}")
            base = f"http://127.0.0.1:{port}"
            for name, conns, seconds in (
                ("burst", connections, duration),
                ("soak", soak_connections, soak_duration),
            ):
                rss_start = worker_rss_mb(process.pid)
                log(f"[{db}] {name}: {conns} connections for {seconds} s, RSS {rss_start} MB")
                result = wrk_run(url=base, concurrency=conns, duration=seconds, script=script)
                phase = Phase(name, conns, seconds, result, rss_start, worker_rss_mb(process.pid))
                phases.append(phase)
                log(format_phase(phase))
        finally:
            script.unlink(missing_ok=True)
    return {
        "database": db,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "gunicorn_workers": workers,
        "cache": "redis" if os.environ.get("REDIS_URL") else "locmem",
        "paths": len(paths),
        "phases": [asdict(phase) for phase in phases],
    }


def format_phase(phase: Phase) -> str:
    r = phase.result
    return (
        f"{phase.name}: c={phase.connections} {phase.duration_s}s"
        f" {r.requests_per_second:.1f} req/s,"
        f" p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms, {r.requests} requests,"
        f" non-2xx/3xx {r.non_2xx_3xx}, socket errors {r.socket_errors},"
        f" worker RSS {phase.rss_start_mb} -> {phase.rss_end_mb} MB"
    )


def format_table(report: dict[str, Any]) -> str:
    """The report as a Markdown table, one row per phase."""
    lines = [
        "| phase | connections | seconds | req/s | p50 ms | p99 ms | requests | non-2xx/3xx"
        " | socket errors | worker RSS start → end (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for phase in report["phases"]:
        r = phase["result"]
        lines.append(
            f"| {phase['name']} | {phase['connections']} | {phase['duration_s']}"
            f" | {r['requests_per_second']:.1f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f}"
            f" | {r['requests']} | {r['non_2xx_3xx']} | {r['socket_errors']}"
            f" | {phase['rss_start_mb']} → {phase['rss_end_mb']} |"
        )
    return "\n".join(lines)
