"""API v4 grids and categories: shape, lookups and query counts."""

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.api.tests.golden import assert_matches_golden
from packagegrid.conftest import VERSIONS_QUERY, make_category, make_grid, make_package

pytestmark = pytest.mark.django_db

GRID_KEYS = [
    "id",
    "title",
    "slug",
    "description",
    "is_locked",
    "packages",
    "header",
    "created",
    "modified",
]
CATEGORY_KEYS = [
    "id",
    "title",
    "slug",
    "description",
    "title_plural",
    "show_pypi",
    "created",
    "modified",
]


def test_it_lists_grids_in_the_v4_shape(client: Client) -> None:
    category = make_category(id=3)
    packages = [make_package(id=200 + i, category=category) for i in range(3)]
    make_grid(id=41, packages=packages[:2], is_locked=True)
    make_grid(id=42, packages=packages[1:], header=True)
    body = client.get("/api/v4/grids/").json()
    assert [g["id"] for g in body["results"]] == [42, 41]
    assert list(body["results"][0]) == GRID_KEYS
    assert_matches_golden(body, "grids-list")


def test_it_finds_a_grid_by_id_or_slug(client: Client) -> None:
    grid = make_grid(slug="rest-apis")
    assert client.get(f"/api/v4/grids/{grid.id}/").json()["slug"] == "rest-apis"
    assert client.get("/api/v4/grids/rest-apis/").json()["id"] == grid.id
    assert client.get("/api/v4/grids/nope/").status_code == 404


def test_it_lists_a_grids_packages_by_title(client: Client) -> None:
    """As djangopackages.org does, whatever the ids or the order they joined the grid in."""
    beta = make_package(id=300, title="beta")
    gamma = make_package(id=100, title="gamma")
    alpha = make_package(id=200, title="alpha")
    grid = make_grid(packages=[gamma, beta, alpha])
    expected = [f"http://testserver/api/v4/packages/{p.id}/" for p in (alpha, beta, gamma)]
    assert client.get(f"/api/v4/grids/{grid.id}/").json()["packages"] == expected
    listed = client.get("/api/v4/grids/").json()["results"]
    assert listed[0]["packages"] == expected


def test_it_answers_an_unknown_grid_or_category_with_drfs_message(client: Client) -> None:
    for url, model in [("/api/v4/grids/nope/", "Grid"), ("/api/v4/categories/999/", "Category")]:
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": f"No {model} matches the given query."}


# The page and its package ids, and the count when the list does not fit on the page.
@pytest.mark.parametrize(("count", "queries"), [(1, 2), (25, 3)])
def test_it_lists_grids_in_three_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int, queries: int
) -> None:
    packages = [make_package() for _ in range(10)]
    for _ in range(count):
        make_grid(packages=packages)
    with django_assert_num_queries(VERSIONS_QUERY + queries):
        assert len(client.get("/api/v4/grids/").json()["results"]) == min(count, 20)


def test_it_lists_categories_in_the_v4_shape(client: Client) -> None:
    make_category(id=1, title="App", slug="apps", title_plural="Apps", description="Apps.")
    make_category(id=2, title="Framework", slug="frameworks", show_pypi=False)
    body = client.get("/api/v4/categories/").json()
    assert list(body["results"][0]) == CATEGORY_KEYS
    assert_matches_golden(body, "categories-list")


def test_it_finds_categories_by_id_only(client: Client) -> None:
    category = make_category(slug="apps")
    assert client.get(f"/api/v4/categories/{category.id}/").json()["slug"] == "apps"
    assert client.get("/api/v4/categories/apps/").status_code == 404


# The page, and the count when the list does not fit on the page.
@pytest.mark.parametrize(("count", "queries"), [(1, 1), (25, 2)])
def test_it_lists_categories_in_two_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int, queries: int
) -> None:
    for _ in range(count):
        make_category()
    with django_assert_num_queries(VERSIONS_QUERY + queries):
        body = client.get("/api/v4/categories/").json()
    assert body["count"] == count
    assert len(body["results"]) == min(count, 20)


def test_it_lists_the_four_collections_at_the_root(client: Client) -> None:
    body = client.get("/api/v4/", HTTP_ACCEPT="application/json").json()
    assert body == {
        "packages": "http://testserver/api/v4/packages/",
        "search": "http://testserver/api/v4/search/",
        "grids": "http://testserver/api/v4/grids/",
        "categories": "http://testserver/api/v4/categories/",
    }


def test_the_browsable_root_describes_the_api(client: Client) -> None:
    html = client.get("/api/v4/?format=api").content.decode()
    assert "The default basic root view for DefaultRouter" not in html
    assert "wire-compatible with djangopackages.org" in html
    assert "search/?q=" in html
    assert "at most 1000" in html
