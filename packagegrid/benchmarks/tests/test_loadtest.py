"""`packagegrid loadtest`: the URL mix, the wrk script, and a real two-second run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from packagegrid.benchmarks.loadtest import format_table, loadtest_paths, wrk_script
from packagegrid.conftest import add_to_grid, make_grid, make_package


@pytest.mark.django_db
def test_the_mix_holds_every_kind_of_page() -> None:
    grid = make_grid(slug="auth")
    add_to_grid(grid, make_package(slug="alpha"))

    paths = loadtest_paths()

    assert "/" in paths and "/packages/p/alpha/" in paths and "/grids/g/auth/" in paths
    assert any(p.startswith("/search/?q=") for p in paths)
    assert any(p.startswith("/api/v4/search/") for p in paths)
    assert f"/api/v4/packages/{grid.packages.get().pk}/" in paths


@pytest.mark.django_db
def test_an_empty_database_is_refused() -> None:
    with pytest.raises(RuntimeError, match="benchdata"):
        loadtest_paths()


def test_the_script_picks_among_the_paths() -> None:
    script = wrk_script(["/", '/search/?q="x"'])

    assert '"/",\n"/search/?q=\\"x\\""' in script
    assert 'wrk.format("GET", paths[math.random(#paths)])' in script


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(CommandError, match="--duration must be between 1 and 3600"):
        call_command("loadtest", "--duration", "0")


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_a_two_second_run_reports_both_phases(tmp_path: Path) -> None:
    """The plumbing, not the speed: gunicorn, wrk with the script, parsing, RSS."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'load.sqlite3'}",
        "REDIS_URL": "",
    }

    def run(*args: str) -> None:
        command = [sys.executable, "-m", "packagegrid", *args]
        subprocess.run(command, env=env, check=True, timeout=240, capture_output=True)

    run("migrate", "--noinput", "-v0")
    run("demo")
    run(
        "loadtest",
        *("--duration", "2", "--connections", "4", "--workers", "2"),
        *("--soak-duration", "2", "--soak-connections", "2", "--output-dir", str(tmp_path)),
    )

    report = json.loads((tmp_path / "loadtest-latest.json").read_text())
    assert [p["name"] for p in report["phases"]] == ["burst", "soak"]
    assert report["gunicorn_workers"] == 2
    for phase in report["phases"]:
        assert phase["result"]["requests"] > 0
        assert len(phase["rss_start_mb"]) == len(phase["rss_end_mb"]) == 2
    assert "| burst | 4 | 2 |" in format_table(report)
