"""Tests for the benchmark data set generator and the `benchdata` command."""

from io import StringIO
from typing import TypedDict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F

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
from packagegrid.grids.models import Element, Grid, GridPackage
from packagegrid.web.trends import trending_packages


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
