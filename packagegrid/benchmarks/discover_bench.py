"""The discovery benchmark: `discover` over many candidates against a local fake PyPI.

Measures a first run (every project new), a second run where nothing changed (every
project skipped on its serial) and a third after one project in twenty-three changed:
wall time, HTTP requests and the share of candidates skipped.
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
from django.test.utils import override_settings

from packagegrid.benchmarks.fake_providers import DISCOVERY_PREFIX
from packagegrid.catalog.models import Package
from packagegrid.discovery.models import DiscoveryCandidate
from packagegrid.discovery.services import discover_run
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.pypi import pypi_simple_index_fetch


@dataclass
class DiscoverBenchRow:
    run: str
    candidates: int
    wall_seconds: float
    requests: int
    checked: int
    proposed: int
    skipped_share: float


@contextmanager
def _fake_pypi(projects: int, generation: int) -> Iterator[str]:
    """The fake PyPI in its own process, serving `projects` names on its Simple API."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "packagegrid.benchmarks.fake_providers",
            "--simple-projects",
            str(projects),
            "--generation",
            str(generation),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().strip()
    finally:
        server.terminate()
        server.wait(timeout=10)


def _run(name: str, candidates: int, generation: int, concurrency: int) -> DiscoverBenchRow:
    with _fake_pypi(candidates, generation) as url, override_settings(PYPI_URL=url):
        client = HttpClient(retries=1)
        summary = discover_run(
            names=pypi_simple_index_fetch(client), client=client, concurrency=concurrency
        )
    return DiscoverBenchRow(
        run=name,
        candidates=summary.candidates,
        wall_seconds=round(summary.elapsed, 1),
        requests=summary.requests,
        checked=summary.checked,
        proposed=summary.proposed,
        skipped_share=round(summary.skipped_share, 3),
    )


def discover_bench(
    *, candidates: int, concurrency: int, out: Path | None = None
) -> list[DiscoverBenchRow]:
    """Run discover three times over `candidates` fake projects; returns the rows."""
    Package.objects.filter(pypi_url__contains=f"/{DISCOVERY_PREFIX}").delete()
    DiscoveryCandidate.objects.filter(name__startswith=DISCOVERY_PREFIX).delete()
    rows = [
        _run("first run", candidates, 0, concurrency),
        _run("second run (nothing changed)", candidates, 0, concurrency),
        _run("third run (1 in 23 changed)", candidates, 1, concurrency),
    ]
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "concurrency": concurrency,
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "rows": [asdict(row) for row in rows],
        }
        out.write_text(json.dumps(payload, indent=2) + "\n")
    return rows
