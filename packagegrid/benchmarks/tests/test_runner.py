"""Tests for the benchmark runner's parsing, target selection and table."""

import shutil
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from packagegrid.benchmarks.data import LARGEST_GRID_SLUG, bench_data_build
from packagegrid.benchmarks.runner import (
    CONDITIONAL_LABELS,
    FLOOR_LABEL,
    FLOOR_PATH,
    NOT_IMPLEMENTED,
    Row,
    Upstream,
    bench_targets,
    conditional_measure,
    conditionals_measure,
    database_label,
    format_table,
    row_measure,
    targets_assess,
)
from packagegrid.benchmarks.wrk import WrkResult, parse_statuses, parse_wrk
from packagegrid.catalog.models import Package
from packagegrid.health.models import PackageHealth

# `make bench` installs wrk (`make wrk`); CI installs it too.
needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")

FIXTURES = Path(__file__).parent / "fixtures"


def _wrk(name: str) -> WrkResult:
    return parse_wrk((FIXTURES / name).read_text())


def test_it_parses_throughput_and_latency_percentiles() -> None:
    result = _wrk("wrk-c1.txt")

    assert result == WrkResult(
        requests_per_second=1702.97,
        p50_ms=0.491,
        p99_ms=1.12,
        requests=3576,
        non_2xx_3xx=0,
        socket_errors=0,
    )


def test_it_counts_error_responses() -> None:
    result = _wrk("wrk-c8-non2xx.txt")

    assert result.non_2xx_3xx == 3548
    assert result.p50_ms == 3.36
    assert result.p99_ms == 45.3


def test_it_counts_socket_errors_and_timeouts() -> None:
    result = _wrk("wrk-timeouts.txt")

    assert result.socket_errors == 8
    assert result.requests == 4


def test_it_rejects_output_without_a_latency_distribution() -> None:
    with pytest.raises(ValueError, match="wrk --latency"):
        parse_wrk("unable to connect to 127.0.0.1:18766 Connection refused\n")


def test_it_labels_databases() -> None:
    assert database_label("postgres://postgres@127.0.0.1:5432/packagegrid_bench") == "postgresql"
    assert database_label("sqlite:////tmp/bench.sqlite3") == "sqlite"


def test_it_compares_with_upstream_only_when_measured() -> None:
    run = WrkResult(200.0, 4.0, 9.0, 1000, 0, 0)
    row = Row("home", "/", "postgresql", "ok", 3, {"c1": run, "c8": run}, Upstream(40, 80, "1"))

    assert row.ratio(1) == 5.0
    assert row.ratio(8) == 2.5
    assert Row("grids list", "/grids/", "sqlite", NOT_IMPLEMENTED).ratio(1) is None


def test_it_shows_skipped_urls_without_figures() -> None:
    run = WrkResult(200.0, 4.0, 9.0, 1000, 0, 0)
    measured = Row(
        "home", "/", "sqlite", "ok", 3, {"c1": run, "c8": run}, Upstream(40, 80, "1"), 4.2
    )
    skipped = Row("v3 packages list", "/api/v3/packages/", "sqlite", NOT_IMPLEMENTED)
    report = {
        "database": "sqlite",
        "gunicorn_workers": 2,
        "worker_rss_mb": [50.0, 51.0],
        "duration_s": 5,
        "cache": "locmem",
        "response_cache_s": 300,
        "rows": [measured.as_dict(), skipped.as_dict()],
    }

    table = format_table([report])

    skipped_line = next(line for line in table.splitlines() if "/api/v3/" in line)
    assert NOT_IMPLEMENTED in skipped_line
    assert not any(char.isdigit() for char in skipped_line.split(NOT_IMPLEMENTED)[1])
    assert "5.0x/2.5x" in table
    assert "4.2" in table
    assert "response cache 300 s" in table


def test_it_picks_targets_from_the_data_set(db: None) -> None:
    bench_data_build(packages=100, grids=3, users=5)

    paths = [target.path for target in bench_targets()]

    assert f"/grids/g/{LARGEST_GRID_SLUG}/" in paths
    assert "/categories/apps/" in paths
    assert "/readiness/django/5.2/" in paths
    assert len(paths) == 20
    assert {"/api/v5/packages/", "/api/v5/search/?q=django"} <= set(paths)
    labels = {target.label for target in bench_targets()}
    assert set(CONDITIONAL_LABELS) <= labels
    assert paths[0] == FLOOR_PATH
    charted = next(t for t in bench_targets() if t.label == "package page (health panel + trends)")
    package = Package.objects.get(slug=charted.path.split("/")[3])
    assert package.snapshots.exists()
    assert package.compatibility.filter(product="django").exists()
    assert PackageHealth.objects.filter(package=package).exists()


def test_it_skips_a_url_that_answers_404(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v3/packages/").respond_with_data("", status=404)
    row = Row("v3 packages list", "/api/v3/packages/", "sqlite", "ok", queries=3)

    row_measure(row, port=httpserver.port, duration=1, log=lambda message: None)

    assert row.status == NOT_IMPLEMENTED
    assert row.queries is None
    assert row.runs == {}


def test_it_does_not_measure_a_url_that_fails(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data("boom", status=500)
    row = Row("home", "/", "sqlite", "ok", queries=3)

    row_measure(row, port=httpserver.port, duration=1, log=lambda message: None)

    assert row.status == "error: HTTP 500"
    assert row.runs == {}


def test_it_reads_the_status_counts_of_the_lua_script() -> None:
    output = (FIXTURES / "wrk-statuses.txt").read_text()

    assert parse_statuses(output) == {404: 1960}
    assert parse_wrk(output).non_2xx_3xx == 1960
    assert parse_statuses("Status 304: 7\nStatus 200: 3\nStatus 304: 1\n") == {304: 8, 200: 3}
    with pytest.raises(ValueError, match="No status counts"):
        parse_statuses("Requests/sec: 12.0\n")


@needs_wrk
def test_it_counts_the_304s_of_repeated_conditional_gets(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    etag = 'W/"abc123"'
    httpserver.expect_request(
        "/api/v5/packages/", headers={"If-None-Match": etag}
    ).respond_with_data("", status=304, headers={"ETag": etag})
    httpserver.expect_request("/api/v5/packages/").respond_with_data(
        "[]", headers={"ETag": etag}, content_type="application/json"
    )

    run = conditional_measure(
        port=httpserver.port, path="/api/v5/packages/", duration=1, work_dir=tmp_path
    )

    assert run is not None
    assert run.etag == etag
    assert set(run.statuses) == {304}
    assert run.not_modified_share == 1.0
    assert run.run.requests > 0
    assert run.as_dict()["statuses"] == {"304": run.run.requests}


@needs_wrk
def test_it_reports_the_share_of_304s_in_the_table(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/api/v5/search/").respond_with_data("[]", headers={"ETag": '"x"'})
    httpserver.expect_request("/api/v5/packages/").respond_with_data("no etag")
    rows = [
        Row("v5 search", "/api/v5/search/", "sqlite", "ok"),
        Row("v5 packages list", "/api/v5/packages/", "sqlite", "ok"),
        Row("home", "/", "sqlite", "ok"),
    ]
    logged: list[str] = []

    measured = conditionals_measure(
        rows, port=httpserver.port, duration=1, work_dir=tmp_path, log=logged.append
    )

    # The server never answers 304 here: every repeat is a 200.
    assert [run["path"] for run in measured] == ["/api/v5/search/"]
    assert measured[0]["not_modified_share"] == 0.0
    assert any("no ETag" in line for line in logged)
    report = {
        "database": "sqlite",
        "gunicorn_workers": 2,
        "worker_rss_mb": [50.0],
        "duration_s": 1,
        "cache": "locmem",
        "response_cache_s": 300,
        "rows": [],
        "conditional": {"cache_off": measured, "cache_on": []},
    }
    line = next(line for line in format_table([report]).splitlines() if "If-None-Match" in line)
    assert "/api/v5/search/" in line and "cache off" in line
    assert "304 share 0.0%" in line


def _measured(label: str, path: str, c1: float, c8: float, upstream: Upstream | None) -> Row:
    runs = {
        "c1": WrkResult(c1, 1.0, 2.0, 1000, 0, 0),
        "c8": WrkResult(c8, 1.0, 2.0, 1000, 0, 0),
    }
    return Row(label, path, "postgresql", "ok", 2, runs, upstream, 1.0)


def test_it_holds_each_row_to_5x_upstream_or_within_2x_of_the_floor() -> None:
    floor = _measured(FLOOR_LABEL, FLOOR_PATH, 1000, 1600, None)
    # 5x upstream (250/400) is below the floor: that target applies, met at c=1 only.
    slow_upstream = _measured(
        "v4 packages list", "/api/v4/packages/", 300, 390, Upstream(50, 80, "4")
    )
    # 5x upstream (1270/2385) is above the floor: within 2x of it (500/800) instead.
    fast_upstream = _measured(
        "v4 categories list", "/api/v4/categories/", 520, 700, Upstream(254, 477, "2")
    )
    unknown = _measured("grids list", "/grids/", 100, 150, None)
    rows = [row.as_dict() for row in (floor, slow_upstream, fast_upstream, unknown)]

    targets_assess(rows)

    assert rows[1]["target_c1"] == {"kind": "5x upstream", "required": 250.0, "met": True}
    assert rows[1]["target_c8"] == {"kind": "5x upstream", "required": 400.0, "met": False}
    assert rows[2]["target_c1"] == {"kind": "floor/2", "required": 500.0, "met": True}
    assert rows[2]["target_c8"] == {"kind": "floor/2", "required": 800.0, "met": False}
    assert rows[3]["target_c1"] is None
    assert rows[0]["target_c1"] is None
    report = {
        "database": "postgresql",
        "gunicorn_workers": 2,
        "worker_rss_mb": [50.0, 51.0],
        "duration_s": 5,
        "cache": "locmem",
        "response_cache_s": 300,
        "rows": rows,
    }
    lines = format_table([report]).splitlines()
    assert "target c=1/c=8" in lines[0]
    assert "5x upstream: met/NOT met" in next(line for line in lines if "/api/v4/packages/" in line)
    assert "floor/2: met/NOT met" in next(line for line in lines if "/api/v4/categories/" in line)
    assert "floor" in next(line for line in lines if line.startswith(FLOOR_PATH))


def test_without_a_measured_floor_every_row_is_held_to_5x_upstream() -> None:
    fast_upstream = _measured(
        "v4 categories list", "/api/v4/categories/", 1300, 2400, Upstream(254, 477, "2")
    )
    rows = [fast_upstream.as_dict()]

    targets_assess(rows)

    assert rows[0]["target_c1"] == {"kind": "5x upstream", "required": 1270.0, "met": True}
    assert rows[0]["target_c8"] == {"kind": "5x upstream", "required": 2385.0, "met": True}
