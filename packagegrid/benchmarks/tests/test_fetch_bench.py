"""The fetch benchmark runs end to end on a small scale."""

import json
from pathlib import Path

import pytest

from packagegrid.benchmarks.fetch_bench import fetch_bench

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_measures_a_first_run_and_a_second_run_of_304s(tmp_path: Path) -> None:
    out = tmp_path / "fetch.json"
    first, second = fetch_bench(packages=12, latency=0, concurrency=4, out=out)
    # Per package: 4 GitHub requests, 1 to PyPI and 2 to pypistats.
    assert (first.packages, first.requests, first.fetched, first.failed) == (12, 84, 12, 0)
    assert first.answered_304 == 0
    assert (second.requests, second.answered_304, second.unchanged) == (84, 84, 12)
    assert second.share_304 == 1.0
    saved = json.loads(out.read_text())
    assert [row["run"] for row in saved["rows"]] == [first.run, second.run]
