"""The grid editor's reads: package candidates and a single cell."""

import pytest
from pytest_django import DjangoAssertNumQueries

from packagegrid.conftest import (
    add_to_grid,
    make_feature,
    make_grid,
    make_package,
    set_cell,
)
from packagegrid.grids.models import Feature, GridPackage
from packagegrid.grids.selectors import grid_cell, grid_package_candidates

pytestmark = pytest.mark.django_db


def test_it_finds_candidates_in_one_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    grid = make_grid()
    member = make_package(title="Auth member")
    add_to_grid(grid, member)
    starts = make_package(title="Authlib", repo={"stars": 1})
    popular = make_package(title="Django auth kit", repo={"stars": 900})
    quiet = make_package(title="Another auth", repo={"stars": 3})
    by_slug = make_package(title="Something", slug="oauth-thing", repo={"stars": 0})
    never_fetched = make_package(title="Auth unfetched", fetched=False)
    with django_assert_num_queries(1):
        found = grid_package_candidates(grid=grid, query="auth")
        titles = [(p.title, p.repo_data.stars if hasattr(p, "repo_data") else None) for p in found]
    assert titles == [
        ("Authlib", 1),
        ("Auth unfetched", None),
        ("Django auth kit", 900),
        ("Another auth", 3),
        ("Something", 0),
    ]
    assert member not in found
    assert {starts, popular, quiet, by_slug, never_fetched} == set(found)


def test_it_finds_no_candidates_without_a_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    grid = make_grid()
    make_package()
    with django_assert_num_queries(0):
        assert grid_package_candidates(grid=grid, query="") == []


def test_it_limits_the_candidates() -> None:
    grid = make_grid()
    for n in range(5):
        make_package(title=f"Widget {n}")
    assert len(grid_package_candidates(grid=grid, query="widget", limit=3)) == 3


def test_it_reads_one_cell_in_two_queries(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    grid = make_grid()
    alpha, bravo = make_package(title="Alpha"), make_package(title="Bravo")
    add_to_grid(grid, alpha, bravo)
    feature = make_feature(grid, "Async")
    set_cell(grid, alpha, feature, "yes")
    with django_assert_num_queries(2):
        cell = grid_cell(grid=grid, package_id=alpha.pk, feature_id=feature.pk)
        assert (cell.text, cell.feature.title, cell.grid_package.package.title) == (
            "yes",
            "Async",
            "Alpha",
        )
        assert cell.feature.grid == grid
    assert grid_cell(grid=grid, package_id=bravo.pk, feature_id=feature.pk).text == ""


def test_it_refuses_a_cell_of_another_grid() -> None:
    grid = make_grid()
    alpha = make_package()
    add_to_grid(grid, alpha)
    with pytest.raises(Feature.DoesNotExist):
        grid_cell(grid=grid, package_id=alpha.pk, feature_id=make_feature(make_grid()).pk)
    with pytest.raises(GridPackage.DoesNotExist):
        grid_cell(grid=grid, package_id=make_package().pk, feature_id=make_feature(grid).pk)
