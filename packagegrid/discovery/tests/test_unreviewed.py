"""Packages discovery listed, before review: searchable and on their page, in API v5 with
`reviewed: false`, but not in grids, on the home page or in API v4."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.api.tests.test_v5_packages import LIST_QUERIES
from packagegrid.catalog.models import Package
from packagegrid.conftest import log_in, make_grid, make_package, make_release, make_usage
from packagegrid.grids.models import GridPackage
from packagegrid.web.tests.grid_actors import HTMX

pytestmark = pytest.mark.django_db


def _pair() -> tuple[str, str]:
    """A reviewed and an unreviewed package, both titled "Widget ..."."""
    reviewed = make_package(title="Widget reviewed", slug="widget-reviewed")
    found = make_package(title="Widget found", slug="widget-found", reviewed=False)
    return reviewed.slug, found.slug


@pytest.mark.parametrize("count", [1, 12])
def test_it_filters_api_v5_by_reviewed_in_constant_queries(
    client: Client, count: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(count):
        make_package(reviewed=False)
    reviewed = make_package()
    # The packages with their joins, then prefetched: grid links, compatibility rows,
    # advisories, the latest release, the fetch states and the requirements (a cursor page
    # counts nothing): the v5 list's own count.
    with django_assert_num_queries(LIST_QUERIES):
        data = client.get("/api/v5/packages/", {"reviewed": "false", "page_size": "50"}).json()
    assert len(data["results"]) == count
    assert all(item["reviewed"] is False for item in data["results"])
    listed = client.get("/api/v5/packages/", {"reviewed": "true"}).json()
    assert [item["slug"] for item in listed["results"]] == [reviewed.slug]
    assert listed["results"][0]["reviewed"] is True
    everything = client.get("/api/v5/packages/", {"page_size": "50"}).json()
    assert len(everything["results"]) == count + 1


def test_it_refuses_a_bad_reviewed_filter(client: Client) -> None:
    response = client.get("/api/v5/packages/", {"reviewed": "maybe"})
    assert response.status_code == 400
    assert response.json() == {"reviewed": ["Give true or false."]}


def test_api_v4_and_v3_serve_reviewed_packages_only(client: Client) -> None:
    reviewed, found = _pair()
    v4 = client.get("/api/v4/packages/").json()
    assert [item["slug"] for item in v4["results"]] == [reviewed]
    assert client.get(f"/api/v4/packages/{found}/").status_code == 404
    v3 = client.get("/api/v3/packages/").json()
    assert [item["slug"] for item in v3["objects"]] == [reviewed]


def test_the_home_page_leaves_unreviewed_packages_out(client: Client) -> None:
    reviewed, found = _pair()
    for slug in (reviewed, found):
        package = Package.objects.get(slug=slug)
        make_usage(package)
        make_release(package, f"9.{package.pk}")
    html = client.get("/").content.decode()
    assert "Widget reviewed" in html
    assert "Widget found" not in html


def test_the_package_page_says_auto_discovered(client: Client) -> None:
    reviewed, found = _pair()
    assert "auto-discovered" in client.get(f"/packages/p/{found}/").content.decode()
    assert "auto-discovered" not in client.get(f"/packages/p/{reviewed}/").content.decode()


def test_grid_search_and_add_leave_unreviewed_packages_out(client: Client) -> None:
    make_grid(slug="tools")
    reviewed, found = _pair()
    log_in(client)
    html = client.get("/grids/tools/packages/add/", {"q": "widget"}, headers=HTMX).content
    assert reviewed.encode() in html
    assert found.encode() not in html
    response = client.post("/grids/tools/packages/add/", {"package": found}, follow=True)
    assert b"waits for review before it joins grids" in response.content
    assert not GridPackage.objects.exists()


def test_search_finds_unreviewed_packages(client: Client) -> None:
    _, found = _pair()
    html = client.get("/search/", {"q": "widget"}).content.decode()
    assert f"/packages/p/{found}/" in html
