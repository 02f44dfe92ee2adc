"""API v3 grids and a grid's packages: shape, slug lookup, paging and query counts."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.api.tests.conftest import assert_keys_sorted
from packagegrid.api.tests.golden import assert_matches_golden
from packagegrid.catalog.models import Package
from packagegrid.conftest import VERSIONS_QUERY, make_category, make_grid, make_package
from packagegrid.grids.models import Grid

pytestmark = pytest.mark.django_db

MakePerson = Callable[..., User]


def make_orm_grid() -> Grid:
    """A locked header grid of two packages, created in the reverse of their id order."""
    category = make_category(title="ORMs", slug="orms")
    first = make_package(
        title="django-first",
        slug="django-first",
        category=category,
        repo_url="https://github.com/example/django-first",
        pypi_url="https://pypi.org/project/django-first/",
        repo={"commits_over_52": [1] * 52, "participants": ["erin"], "stars": 7, "forks": 1},
        pypi={"latest_version": "0.9"},
    )
    second = make_package(
        title="django-second",
        slug="django-second",
        category=category,
        repo_url="https://gitlab.com/example/django-second",
        pypi_url="",
        repo={"commits_over_52": [], "participants": [], "stars": 3, "forks": 0},
        pypi={"latest_version": None},
    )
    return make_grid(
        title="ORMs & mappers",
        slug="orms",
        description="Object-relational mappers.",
        is_locked=True,
        header=True,
        created=datetime(2011, 12, 13, 14, 15, 16, 999999, tzinfo=UTC),
        packages=[second, first],
    )


def test_it_serves_a_grid_by_slug(client: Client) -> None:
    make_orm_grid()
    response = client.get("/api/v3/grids/orms/")
    assert response.status_code == 200
    body = response.json()
    # By package title, whatever order they joined the grid in.
    assert body["packages"] == ["/api/v3/packages/django-first/", "/api/v3/packages/django-second/"]
    assert body["created"] == "2011-12-13T14:15:16.999Z"
    assert_keys_sorted(body)
    assert_matches_golden(body, "legacy-grid-detail")


def test_it_lists_grids_by_title(client: Client) -> None:
    make_grid(slug="zebra", title="Zebra")
    make_grid(slug="alpha", title="Alpha")
    body = client.get("/api/v3/grids/").json()
    assert [g["slug"] for g in body["objects"]] == ["alpha", "zebra"]
    assert body["meta"]["total_count"] == 2
    assert_keys_sorted(body)


def test_it_pages_a_grids_packages_with_the_grid(client: Client) -> None:
    make_orm_grid()
    response = client.get("/api/v3/grids/orms/packages/")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["grid", "meta", "objects"]
    assert body["grid"] == client.get("/api/v3/grids/orms/").json()
    assert [p["slug"] for p in body["objects"]] == ["django-first", "django-second"]
    assert_keys_sorted(body)
    assert_matches_golden(body, "legacy-grid-packages")


def test_it_pages_a_grids_packages_with_limit_and_offset(client: Client) -> None:
    make_orm_grid()
    make_package(slug="not-in-the-grid")
    body = client.get("/api/v3/grids/orms/packages/", {"limit": 1, "offset": 1}).json()
    assert body["meta"] == {
        "limit": 1,
        "next": None,
        "offset": 1,
        "previous": "/api/v3/grids/orms/packages/?limit=1&offset=0",
        "total_count": 2,
    }
    assert [p["slug"] for p in body["objects"]] == ["django-second"]


def test_it_serves_an_empty_grid_as_an_empty_page(client: Client) -> None:
    make_grid(slug="empty")
    body = client.get("/api/v3/grids/empty/packages/").json()
    assert body["objects"] == []
    assert body["grid"]["packages"] == []
    assert body["meta"]["total_count"] == 0


@pytest.mark.parametrize("url", ["/api/v3/grids/nope/", "/api/v3/grids/nope/packages/"])
def test_it_answers_an_unknown_grid_with_404_json(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"error": 404, "message": "No Grid matches the given query."}


def test_it_reads_bad_paging_parameters_on_a_grids_packages_as_defaults(
    client: Client,
) -> None:
    make_orm_grid()
    response = client.get("/api/v3/grids/orms/packages/", {"limit": "abc", "offset": "-2"})
    assert response.status_code == 200
    assert response.json()["meta"]["limit"] == 20
    assert response.json()["meta"]["offset"] == 0
    assert len(response.json()["objects"]) == 2


def test_it_orders_a_grids_packages_by_title(client: Client) -> None:
    grid = make_grid(
        slug="g",
        packages=[make_package(title=t, slug=t.lower()) for t in ("beta", "Alpha", "gamma")],
    )
    links = client.get(f"/api/v3/grids/{grid.slug}/").json()["packages"]
    assert links == [f"/api/v3/packages/{s}/" for s in ("alpha", "beta", "gamma")]
    objects = client.get(f"/api/v3/grids/{grid.slug}/packages/").json()["objects"]
    assert [p["slug"] for p in objects] == ["alpha", "beta", "gamma"]


@pytest.mark.parametrize("count", [1, 30])
def test_it_lists_grids_in_three_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    packages = [make_package(), make_package()]
    for _ in range(count):
        make_grid(packages=packages)
    # count, page, package slugs
    with django_assert_num_queries(VERSIONS_QUERY + 3):
        body = client.get("/api/v3/grids/", {"limit": 30}).json()
    assert len(body["objects"]) == count
    assert all(len(g["packages"]) == 2 for g in body["objects"])


def test_it_serves_a_grid_in_two_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make_orm_grid()
    with django_assert_num_queries(VERSIONS_QUERY + 2):
        assert client.get("/api/v3/grids/orms/").status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_it_pages_a_grids_packages_in_five_queries(
    client: Client,
    make_person: MakePerson,
    django_assert_num_queries: DjangoAssertNumQueries,
    count: int,
) -> None:
    editor = make_person("editor")
    packages = [make_package(created_by=editor, last_modified_by=editor) for _ in range(count)]
    make_grid(slug="big", packages=packages)
    make_grid(packages=packages)
    # grid, its package slugs, count, page, the page's grid slugs
    with django_assert_num_queries(VERSIONS_QUERY + 5):
        body = client.get("/api/v3/grids/big/packages/", {"limit": 30}).json()
    assert len(body["objects"]) == count
    assert all(len(p["grids"]) == 2 for p in body["objects"])
    assert Package.objects.count() == count
