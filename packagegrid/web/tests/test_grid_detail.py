"""The grid page and its comparison selector."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import Package
from packagegrid.conftest import (
    add_to_grid,
    make_feature,
    make_full_grid,
    make_grid,
    make_package,
    make_usage,
    set_cell,
)
from packagegrid.grids.models import Grid
from packagegrid.grids.selectors import grid_comparison

pytestmark = pytest.mark.django_db

GRID_QUERIES = 4  # the grid, its packages with joins, features, cells


def _grid_with(*packages: Package) -> Grid:
    grid = make_grid(title="Payments", slug="payments", description="Take money")
    add_to_grid(grid, *packages)
    return grid


def test_it_shows_all_packages_as_columns_with_standard_rows(client: Client) -> None:
    packages = [make_package(title=f"Pkg {i:02d}", repo={"stars": i}) for i in range(12)]
    grid = _grid_with(*packages)
    response = client.get(grid.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Payments</h1>" in html
    for package in packages:  # no cap at 10 packages
        assert f'href="{package.get_absolute_url()}">{package.title}</a>' in html
    for row in ("Description", "Category", "Stars", "Forks", "Last commit", "Latest release"):
        assert f'<th scope="row">{row}</th>' in html
    assert '<th scope="row">License</th>' in html
    assert '<th scope="row">Users</th>' in html


def test_it_renders_features_and_cells_with_shorthand(client: Client) -> None:
    alpha = make_package(title="Alpha", repo={"stars": 2})
    bravo = make_package(title="Bravo", repo={"stars": 1})
    grid = _grid_with(alpha, bravo)
    feature = make_feature(grid, "Async", description="Supports async views")
    set_cell(grid, alpha, feature, "yes")
    set_cell(grid, bravo, feature, "-")
    other = make_feature(grid, "Notes")
    set_cell(grid, alpha, other, "Partial &amp; slow")
    html = client.get(grid.get_absolute_url()).content.decode()
    assert "Supports async views" in html
    assert '<span class="mark mark-yes" aria-hidden="true">✓</span>' in html
    assert '<span class="visually-hidden">Yes</span>' in html
    assert '<span class="mark mark-no" aria-hidden="true">✗</span>' in html
    assert '<span class="visually-hidden">No</span>' in html
    # Cells are Markdown, where "&amp;" is the entity for "&" (shown escaped once).
    assert "Partial &amp; slow" in html


def test_it_escapes_a_script_in_a_cell_and_a_description(client: Client) -> None:
    package = make_package(repo={"description": "<script>alert('d')</script>"})
    grid = _grid_with(package)
    set_cell(grid, package, make_feature(grid, "<b>Bold</b>"), "<script>alert('c')</script>")
    html = client.get(grid.get_absolute_url()).content.decode()
    assert "<script>alert(" not in html
    assert "<b>Bold</b>" not in html
    assert "&lt;script&gt;alert('c')&lt;/script&gt;" in html  # cell: Markdown, HTML as text
    assert "&lt;script&gt;alert(&#x27;d&#x27;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("stars", ["Bravo", "Alpha", "Charlie"]),
        ("forks", ["Charlie", "Alpha", "Bravo"]),
        ("last_commit", ["Alpha", "Charlie", "Bravo"]),
        ("usage", ["Charlie", "Bravo", "Alpha"]),
        ("title", ["Alpha", "Bravo", "Charlie"]),
        ("junk", ["Bravo", "Alpha", "Charlie"]),
    ],
)
def test_it_sorts_packages(client: Client, sort: str, expected: list[str]) -> None:
    now = timezone.now()
    alpha = make_package(title="Alpha", repo={"stars": 5, "forks": 2, "last_commit_at": now})
    bravo = make_package(
        title="Bravo", repo={"stars": 9, "forks": 1, "last_commit_at": now - timedelta(days=100)}
    )
    charlie = make_package(
        title="Charlie", repo={"stars": 1, "forks": 7, "last_commit_at": now - timedelta(days=10)}
    )
    make_usage(charlie, 2)
    make_usage(bravo, 1)
    grid = _grid_with(alpha, bravo, charlie)
    html = client.get(grid.get_absolute_url(), {"sort": sort}).content.decode()
    # A column head is the first link to its package on the page.
    positions = [html.index(f">{title}</a>") for title in expected]
    assert positions == sorted(positions)


def test_selector_builds_cells_in_column_order(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    alpha = make_package(title="Alpha", repo={"stars": 1})
    bravo = make_package(title="Bravo", fetched=False, repo={"stars": 2})
    grid = _grid_with(alpha, bravo)
    first = make_feature(grid, "First")
    second = make_feature(grid, "Second")
    set_cell(grid, alpha, first, "a1")
    set_cell(grid, bravo, first, "b1")
    set_cell(grid, alpha, second, "a2")
    with django_assert_num_queries(3):
        comparison = grid_comparison(grid=grid, sort="title")
    assert comparison.sort == "title"
    assert [column.package.title for column in comparison.columns] == ["Alpha", "Bravo"]
    assert comparison.columns[1].repo is None
    assert [row.feature.title for row in comparison.rows] == ["First", "Second"]
    assert [row.cells for row in comparison.rows] == [["a1", "b1"], ["a2", ""]]


def test_selector_falls_back_to_the_default_sort() -> None:
    grid = _grid_with(
        make_package(title="Low", repo={"stars": 1}), make_package(title="High", repo={"stars": 5})
    )
    comparison = grid_comparison(grid=grid, sort="'; DROP TABLE grids_grid; --")
    assert comparison.sort == "stars"
    assert [column.package.title for column in comparison.columns] == ["High", "Low"]


def test_it_says_so_when_the_grid_is_empty(client: Client) -> None:
    grid = make_grid()
    html = client.get(grid.get_absolute_url()).content.decode()
    assert "This grid has no packages yet." in html


def test_it_is_404_for_an_unknown_slug(client: Client) -> None:
    assert client.get("/grids/g/nope/").status_code == 404
    assert client.get("/grids/g/%00/").status_code == 400


@pytest.mark.parametrize(("packages", "features"), [(3, 2), (25, 20)])
@pytest.mark.parametrize("sort", ["stars", "usage"])
def test_it_takes_a_constant_number_of_queries(
    client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    packages: int,
    features: int,
    sort: str,
) -> None:
    make_full_grid(packages=packages, features=features, slug="big")
    with django_assert_num_queries(GRID_QUERIES):
        response = client.get("/grids/g/big/", {"sort": sort})
    assert response.status_code == 200
    assert response.content.decode().count("mark-yes") == packages * features


def test_it_shows_a_package_that_was_never_fetched(client: Client) -> None:
    grid = _grid_with(make_package(title="Fetched"), make_package(title="Not yet", fetched=False))
    response = client.get(grid.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert ">Not yet</a>" in html
    assert "No commit data" in html
