"""The mixed-traffic row's parts: the mix, the fetch applier and the wide grid."""

import pytest

from packagegrid.benchmarks.mixed import (
    WIDE_GRID_FEATURES,
    WIDE_GRID_PACKAGES,
    FetchApplier,
    _lua,
    mix_paths,
    wide_grid_ensure,
)
from packagegrid.catalog.models import RepoData
from packagegrid.conftest import make_package
from packagegrid.grids.models import Element, Grid

pytestmark = pytest.mark.django_db


def test_it_applies_unchanged_and_changed_fetch_results_through_the_apply_step() -> None:
    package = make_package(repo={"stars": 10})
    applier = FetchApplier(per_hour=1000, changing=0.1)
    applier._apply(package.pk, change=False)
    assert RepoData.objects.get(package=package).stars == 10
    applier._apply(package.pk, change=True)
    assert RepoData.objects.get(package=package).stars == 11
    assert (applier.applied, applier.changed) == (2, 1)


def test_the_mix_holds_every_row_and_package_pages() -> None:
    packages = [make_package() for _ in range(3)]
    paths = mix_paths(["/", "/api/v4/packages/"])
    assert paths[:2] == ["/", "/api/v4/packages/"]
    assert f"/packages/p/{packages[0].slug}/" in paths
    assert f"/api/v4/packages/{packages[2].pk}/" in paths
    script = _lua(paths)
    assert '"/api/v4/packages/",' in script
    assert "X-CACHE hits=%d misses=%d other=%d" in script


def test_it_makes_the_wide_grid_once() -> None:
    for _ in range(WIDE_GRID_PACKAGES):
        make_package()
    path = wide_grid_ensure()
    assert wide_grid_ensure() == path
    grid = Grid.objects.get(slug=path.strip("/").rsplit("/", 1)[1])
    assert grid.grid_packages.count() == WIDE_GRID_PACKAGES
    assert Element.objects.filter(grid_package__grid=grid).count() == (
        WIDE_GRID_PACKAGES * WIDE_GRID_FEATURES
    )
