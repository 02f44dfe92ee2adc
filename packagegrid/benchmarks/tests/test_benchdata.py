"""Tests for the benchmark data set generator and the `benchdata` command."""

from io import StringIO
from typing import TypedDict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.utils import timezone

from packagegrid.benchmarks.data import (
    LARGEST_GRID_SLUG,
    NotEmptyError,
    bench_data_build,
    bench_data_is_present,
)
from packagegrid.catalog.models import (
    Category,
    Favorite,
    Package,
    PyPIData,
    Release,
    RepoData,
    Snapshot,
    Usage,
)
from packagegrid.catalog.trend_selectors import trending_packages
from packagegrid.grids.models import Element, Grid, GridPackage
from packagegrid.health.compatibility import compatibility
from packagegrid.health.model import MODEL_VERSION
from packagegrid.health.models import Advisory, Compatibility, PackageHealth


class _Size(TypedDict):
    packages: int
    grids: int
    users: int


SMALL: _Size = {"packages": 300, "grids": 12, "users": 10}


def test_it_builds_the_shape_of_the_data_set(db: None) -> None:
    summary = bench_data_build(**SMALL)

    assert Category.objects.count() == 4
    assert Package.objects.count() == 300
    assert RepoData.objects.count() == 300
    assert PyPIData.objects.count() == 300
    assert 2 * 300 <= Release.objects.count() <= 6 * 300
    assert 3.5 <= Release.objects.count() / 300 <= 4.5
    assert Grid.objects.count() == 12
    assert get_user_model().objects.count() == 10
    assert Usage.objects.count() == summary.usages > 0
    assert Favorite.objects.count() == summary.favorites
    assert summary.packages == 300
    assert Snapshot.objects.count() == summary.snapshots == 30 * 9
    assert bench_data_is_present(packages=300)


def test_its_snapshots_give_the_trends_data(db: None) -> None:
    bench_data_build(**SMALL)

    trending = trending_packages()
    assert 5 <= len(trending) <= 20  # about half of the 30 packages with snapshots
    assert all(all(gain > 0 for gain in item.weekly_gains) for item in trending)
    # Each package's latest snapshot holds its current numbers.
    for repo in RepoData.objects.filter(package_id__in=[10, 20, 300]):
        latest = Snapshot.objects.filter(package_id=repo.package_id).first()
        assert latest is not None
        assert (latest.stars, latest.forks) == (repo.stars, repo.forks)


def test_it_archives_and_deprecates_the_right_fractions(db: None) -> None:
    bench_data_build(**SMALL)

    assert RepoData.objects.filter(archived=True).count() == 12
    deprecated = Package.objects.filter(replaced_by__isnull=False)
    assert deprecated.count() == 3
    assert not deprecated.filter(replaced_by=F("id")).exists()


def test_it_gives_every_package_a_year_of_commits_and_about_20_participants(db: None) -> None:
    bench_data_build(**SMALL)

    for repo in RepoData.objects.all():
        assert len(repo.commits_over_52) == 52
        assert 12 <= len(repo.participants) <= 28
    assert PyPIData.objects.filter(latest_version__isnull=True).count() == 0


def test_it_fills_a_cell_for_every_grid_package_and_feature(db: None) -> None:
    bench_data_build(**SMALL)

    for grid in Grid.objects.annotate(
        n_packages=Count("grid_packages", distinct=True),
        n_features=Count("features", distinct=True),
    ):
        assert 6 <= grid.n_packages <= 25
        assert 5 <= grid.n_features <= 15
        cells = Element.objects.filter(grid_package__grid=grid).count()
        assert cells == grid.n_packages * grid.n_features
    assert not Element.objects.exclude(feature__grid=F("grid_package__grid")).exists()
    assert Element.objects.count() == sum(
        gp.grid.features.count() for gp in GridPackage.objects.select_related("grid")
    )


def test_it_makes_the_largest_grid_25_packages_by_15_features(db: None) -> None:
    bench_data_build(**SMALL)

    grid = Grid.objects.get(slug=LARGEST_GRID_SLUG)
    assert grid.grid_packages.count() == 25
    assert grid.features.count() == 15


def test_it_is_deterministic(db: None) -> None:
    first = bench_data_build(**SMALL)
    titles = list(Package.objects.order_by("id").values_list("title", flat=True))

    second = bench_data_build(**SMALL, flush=True)

    assert second == first
    assert list(Package.objects.order_by("id").values_list("title", flat=True)) == titles


def test_it_refuses_a_database_that_is_not_empty(db: None) -> None:
    get_user_model().objects.create(username="alice")

    with pytest.raises(NotEmptyError):
        bench_data_build(**SMALL)
    assert Package.objects.count() == 0


def test_it_replaces_existing_rows_with_flush(db: None) -> None:
    get_user_model().objects.create(username="alice")

    bench_data_build(**SMALL, flush=True)

    assert not get_user_model().objects.filter(username="alice").exists()
    assert Package.objects.count() == 300


def test_it_reports_counts_from_the_command(db: None) -> None:
    out = StringIO()

    call_command("benchdata", packages=100, grids=3, users=5, stdout=out)

    assert "packages 100" in out.getvalue()
    assert "grids 3" in out.getvalue()


def test_it_fails_the_command_on_a_non_empty_database(db: None) -> None:
    get_user_model().objects.create(username="alice")

    with pytest.raises(CommandError, match="--flush"):
        call_command("benchdata", packages=100, grids=3, users=5)


def test_it_gives_every_package_health_inputs_and_a_stored_score(db: None) -> None:
    summary = bench_data_build(**SMALL)

    assert PackageHealth.objects.count() == summary.scored == 300
    assert set(PackageHealth.objects.values_list("model", flat=True)) == {MODEL_VERSION}
    assert Compatibility.objects.count() == summary.compatibility > 300
    assert Advisory.objects.count() == summary.advisories >= 1
    assert Release.objects.filter(is_prerelease=True).exists()
    assert any(
        "Typing :: Typed" in c for c in PyPIData.objects.values_list("classifiers", flat=True)
    )
    # Stored compatibility is what the apply step derives from the stored facts.
    pypi = PyPIData.objects.exclude(requires_python="").first()
    assert pypi is not None
    stored = Compatibility.objects.filter(package_id=pypi.package_id)
    assert {(row.product, row.version): row.sources for row in stored} == {
        (product, version): sources
        for product, versions in compatibility(
            classifiers=pypi.classifiers,
            requires_python=pypi.requires_python,
            requires_dist=pypi.requires_dist,
        ).items()
        for version, sources in versions.items()
    }


def test_its_lifecycles_spread_like_a_real_directory(db: None) -> None:
    bench_data_build(**SMALL)

    shares = {
        row["lifecycle"]: row["n"] / 300
        for row in PackageHealth.objects.values("lifecycle").annotate(n=Count("pk"))
    }
    assert set(shares) >= {"active", "stable", "stale", "abandoned", "archived", "deprecated"}
    assert 0.25 <= shares["active"] <= 0.5
    assert 0.2 <= shares["abandoned"] <= 0.45
    assert shares["stable"] >= 0.03


def test_no_commit_is_counted_after_the_last_commit(db: None) -> None:
    bench_data_build(**SMALL)

    now = timezone.now()
    for repo in RepoData.objects.filter(archived=False, package__replaced_by__isnull=True):
        assert repo.last_commit_at is not None
        quiet_weeks = (now - repo.last_commit_at).days // 7
        if quiet_weeks >= 1:
            assert not any(repo.commits_over_52[52 - min(quiet_weeks, 52) :])


def test_an_old_data_set_without_scores_is_not_reused(db: None) -> None:
    bench_data_build(**SMALL)
    PackageHealth.objects.all().delete()

    assert not bench_data_is_present(packages=300)
