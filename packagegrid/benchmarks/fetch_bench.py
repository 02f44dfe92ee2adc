"""The fetch benchmark: a full refresh of many packages against slow local fake APIs.

Measures what `packagegrid fetch --all` costs: wall time, CPU time of this process and
HTTP requests, for a first run (everything new) and a second run where nothing changed
(every request should be answered 304 Not Modified).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings

from packagegrid.caching.bulk import after_bulk_write
from packagegrid.catalog.models import Category, Package
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.models import Source
from packagegrid.fetchers.run import FetchRun, build_jobs, packages_to_fetch

SLUG_PREFIX = "fetchbench-"


@dataclass
class FetchBenchRow:
    run: str
    packages: int
    wall_seconds: float
    cpu_seconds: float
    requests: int
    answered_304: int
    share_304: float
    fetched: int
    unchanged: int
    failed: int


@transaction.atomic
def make_packages(count: int) -> None:
    """`count` never-fetched packages with a GitHub repository and a PyPI name."""
    Package.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    category, _ = Category.objects.get_or_create(
        slug="fetch-bench", defaults={"title": "Fetch bench", "title_plural": "Fetch bench"}
    )
    Package.objects.bulk_create(
        Package(
            title=f"{SLUG_PREFIX}{i}",
            slug=f"{SLUG_PREFIX}{i}",
            category=category,
            repo_url=f"https://github.com/bench{i % 97}/{SLUG_PREFIX}{i}",
            pypi_url=f"https://pypi.org/project/{SLUG_PREFIX}{i}/",
        )
        for i in range(count)
    )
    after_bulk_write(inserted_with_ids=[])


def _run(name: str, concurrency: int) -> FetchBenchRow:
    packages = packages_to_fetch().filter(slug__startswith=SLUG_PREFIX)
    sources = [Source.GITHUB, Source.PYPI, Source.PYPISTATS]
    jobs = build_jobs(packages, sources=sources, force=True)
    client = HttpClient(retries=1)
    # Downloads for every package: two pypistats requests each.
    summary = FetchRun(
        sources=sources, concurrency=concurrency, client=client, downloads_budget=2 * len(jobs)
    ).run(jobs)
    return FetchBenchRow(
        run=name,
        packages=len(jobs),
        wall_seconds=round(summary.elapsed, 1),
        cpu_seconds=round(summary.cpu, 1),
        requests=summary.requests,
        answered_304=summary.not_modified,
        share_304=round(summary.not_modified / summary.requests, 3) if summary.requests else 0,
        fetched=summary.fetched,
        unchanged=summary.unchanged,
        failed=sum(summary.failed.values()),
    )


@contextmanager
def _fake_providers_process(latency: float) -> Iterator[str]:
    """Run the fake APIs in their own process (so their CPU time is not counted here)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "packagegrid.benchmarks.fake_providers", "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().strip()
    finally:
        server.terminate()
        server.wait(timeout=10)


def fetch_bench(
    *, packages: int, latency: float, concurrency: int, out: Path | None = None
) -> list[FetchBenchRow]:
    """Run the benchmark twice over `packages` packages; returns both rows."""
    make_packages(packages)
    with (
        _fake_providers_process(latency) as url,
        override_settings(GITHUB_API_URL=url, PYPI_URL=url, PYPISTATS_URL=url, GITHUB_TOKEN=""),
    ):
        rows = [_run("first run", concurrency), _run("second run (nothing changed)", concurrency)]
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "latency_seconds": latency,
            "concurrency": concurrency,
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "rows": [asdict(row) for row in rows],
        }
        out.write_text(json.dumps(payload, indent=2) + "\n")
    return rows
