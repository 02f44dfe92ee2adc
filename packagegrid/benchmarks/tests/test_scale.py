"""Tests for the PyPI-scale benchmark data (`benchdata --scale`) and the latency bench,
with small sizes: CI never builds the 30,000 packages."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from packagegrid.benchmarks.data import BenchScale, bench_data_build, bench_data_is_present
from packagegrid.benchmarks.latency import (
    LatencyTarget,
    latency_failures,
    latency_measure,
    latency_queries,
    latency_table,
    latency_targets,
    percentile,
)
from packagegrid.catalog.dependency_services import requirements_parse
from packagegrid.catalog.models import Dependency, Package, PyPIData, Release
from packagegrid.grids.models import GridPackage
from packagegrid.health.models import PackageHealth
from packagegrid.search.models import SearchDocument

SMALL_SCALE = BenchScale(discovered=200, releases=3000, dependencies=1500)


def _build_small(**extra: bool) -> None:
    bench_data_build(packages=100, grids=4, users=5, scale=SMALL_SCALE, **extra)


def test_it_adds_unreviewed_packages_releases_and_edges_to_the_exact_sizes(db: None) -> None:
    summary = bench_data_build(packages=100, grids=4, users=5, scale=SMALL_SCALE)

    assert Package.objects.count() == summary.packages == 300
    assert Package.objects.filter(reviewed=False).count() == summary.discovered == 200
    assert not Package.objects.filter(reviewed=False, id__lte=100).exists()
    assert Release.objects.count() == summary.releases == 3000
    assert not Package.objects.filter(releases__isnull=True).exists()
    assert Dependency.objects.count() == summary.dependencies == 1500
    assert PackageHealth.objects.count() == summary.scored == 300
    assert SearchDocument.objects.filter(kind="package").count() == 300
    # Grids keep to reviewed packages, as the site does.
    assert not GridPackage.objects.filter(package__reviewed=False).exists()
    assert bench_data_is_present(packages=100, scale=SMALL_SCALE)
    assert not bench_data_is_present(packages=100)


def test_its_edges_are_what_the_fetch_would_store_from_requires_dist(db: None) -> None:
    _build_small()

    slugs = dict(Package.objects.values_list("pypi_key", "pk"))
    for pypi in PyPIData.objects.all():
        stored = list(
            Dependency.objects.filter(package_id=pypi.package_id)
            .order_by("position")
            .values_list("key", "specifier", "markers", "optional", "target_id")
        )
        expected = [
            (r.key, r.specifier, r.markers, r.optional, slugs.get(r.key))
            for r in requirements_parse(pypi.requires_dist)
        ]
        assert stored == [
            (*row[:4], None if row[4] == pypi.package_id else row[4]) for row in expected
        ]


def test_its_dependents_are_skewed_like_an_ecosystem(db: None) -> None:
    _build_small()

    counts = Counter(
        Dependency.objects.filter(target__isnull=False, optional=False).values_list(
            "target_id", flat=True
        )
    )
    most = counts.most_common(1)[0][1]
    assert most >= 10 * (sum(counts.values()) / len(counts)) / 3  # a long tail
    assert Dependency.objects.filter(optional=True).exists()
    assert Dependency.objects.filter(target__isnull=True).exists()  # Django and the like
    assert not Dependency.objects.filter(target_id=F("package_id")).exists()


def test_the_curated_rows_are_those_of_the_set_without_scale(db: None) -> None:
    bench_data_build(packages=100, grids=4, users=5)
    curated = list(Package.objects.order_by("id").values_list("id", "slug", "category_id"))
    releases = list(Release.objects.order_by("id").values_list("id", "package_id", "version"))

    _build_small(flush=True)

    assert (
        list(
            Package.objects.filter(reviewed=True)
            .order_by("id")
            .values_list("id", "slug", "category_id")
        )
        == curated
    )
    assert (
        list(
            Release.objects.filter(id__lte=len(releases))
            .order_by("id")
            .values_list("id", "package_id", "version")
        )
        == releases
    )


def test_it_can_add_edges_alone_to_the_curated_set(db: None) -> None:
    plain = bench_data_build(packages=100, grids=4, users=5)

    summary = bench_data_build(
        packages=100,
        grids=4,
        users=5,
        scale=BenchScale(discovered=0, releases=0, dependencies=600),
        flush=True,
    )

    assert summary.releases == plain.releases == Release.objects.count()
    assert Dependency.objects.count() == summary.dependencies == 600
    assert Dependency.objects.filter(target__isnull=False).count() > 300
    assert not Package.objects.filter(reviewed=False).exists()


def test_it_is_deterministic_at_scale(db: None) -> None:
    _build_small()
    edges = list(Dependency.objects.order_by("id").values_list("package_id", "key", "target_id"))

    _build_small(flush=True)

    assert (
        list(Dependency.objects.order_by("id").values_list("package_id", "key", "target_id"))
        == edges
    )


@pytest.mark.parametrize(
    ("scale", "message"),
    [
        (BenchScale(discovered=200, releases=100, dependencies=1500), "releases"),
        (BenchScale(discovered=200, releases=3000, dependencies=10), "dependency edges"),
        (BenchScale(discovered=-1, releases=3000, dependencies=10), "negative"),
    ],
)
def test_it_refuses_sizes_it_cannot_meet(db: None, scale: BenchScale, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bench_data_build(packages=100, grids=4, users=5, scale=scale)
    assert Package.objects.count() == 0


def test_the_command_reports_its_build_time(db: None) -> None:
    out = StringIO()

    call_command("benchdata", packages=60, grids=3, users=5, stdout=out)

    assert "Benchmark data built in" in out.getvalue()
    assert "discovered 0" in out.getvalue()


def test_every_latency_row_keeps_its_query_count_as_the_data_grows(db: None) -> None:
    bench_data_build(
        packages=60,
        grids=3,
        users=5,
        scale=BenchScale(discovered=60, releases=800, dependencies=400),
    )
    small = {target.name: latency_queries(target) for target in latency_targets()}

    bench_data_build(
        packages=150,
        grids=6,
        users=8,
        scale=BenchScale(discovered=450, releases=6000, dependencies=3000),
        flush=True,
    )
    large = {target.name: latency_queries(target) for target in latency_targets()}

    assert large == small
    assert {status for status, _queries in small.values()} == {200}
    assert len(small) == 13


def test_a_row_reports_its_percentiles_and_queries(db: None) -> None:
    _build_small()
    target = LatencyTarget("readiness", ("/readiness/django/5.2/",))

    row = latency_measure(target, iterations=20)

    assert row.status == 200
    assert row.requests == 20
    assert 0 < row.p50_ms <= row.p95_ms <= row.p99_ms
    assert row.queries == latency_queries(target)[1] > 0


def test_percentile_is_the_nearest_rank() -> None:
    timings = [float(n) for n in range(1, 201)]

    assert percentile(timings, 0.5) == 100.0
    assert percentile(timings, 0.99) == 198.0
    assert percentile([5.0], 0.99) == 5.0


def test_the_table_sets_scales_side_by_side_and_failures_name_the_misses() -> None:
    def report(scale: str, packages: int, queries: int, p99: float) -> dict[str, object]:
        row = {
            "name": "category page (apps)",
            "status": 200,
            "queries": queries,
            "p50_ms": 10.0,
            "p95_ms": 20.0,
            "p99_ms": p99,
        }
        return {
            "scale": scale,
            "packages": packages,
            "build_s": None,
            "iterations": 200,
            "rows": [row],
        }

    reports = [report("5000", 5000, 6, 30.0), report("scale", 30000, 7, 130.0)]

    table = latency_table(reports)

    assert "| category page | 6 | 10.0 / 20.0 / 30.0 | 7 | 10.0 / 20.0 / 130.0 |" in table
    assert "30,000 packages: queries" in table
    assert latency_failures(reports) == [
        "category page (apps) p99 130.0 ms (scale)",
        "category page: queries differ [6, 7]",
    ]


def test_the_bench_command_checks_its_arguments() -> None:
    with pytest.raises(CommandError, match="--iterations"):
        call_command("bench_scale", iterations=1)
    with pytest.raises(CommandError, match="--result-file"):
        call_command("bench_scale", child="scale")
