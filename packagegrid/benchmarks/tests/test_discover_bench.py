"""The discovery benchmark at a small size: three runs, the second skipping everything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from packagegrid.benchmarks.discover_bench import discover_bench
from packagegrid.benchmarks.fake_providers import DISCOVERY_PREFIX, discovery_kind, project_serial

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_times_three_runs_and_skips_unchanged_projects(tmp_path: Path) -> None:
    names = [f"{DISCOVERY_PREFIX}{i}" for i in range(40)]
    django = [n for n in names if discovery_kind(n) in {"classifier", "requirement"}]
    changed = [n for n in names if project_serial(n, 1) != project_serial(n, 0)]
    out = tmp_path / "discover.json"

    first, second, third = discover_bench(candidates=40, concurrency=4, out=out)

    assert (first.requests, first.checked, first.proposed) == (41, 40, len(django))
    assert (second.requests, second.checked, second.skipped_share) == (1, 0, 1.0)
    assert third.checked == len([n for n in changed if n not in django])
    assert json.loads(out.read_text())["rows"][1]["skipped_share"] == 1.0
