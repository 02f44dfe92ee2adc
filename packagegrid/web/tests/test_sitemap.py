"""/sitemap.xml: the static pages, readiness pages, every package, grid and category."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.test import Client, override_settings
from pytest_django import DjangoAssertNumQueries

from packagegrid.conftest import make_category, make_grid, make_package
from packagegrid.health.releases import PRODUCTS, known_releases

if TYPE_CHECKING:
    from packagegrid.conftest import TestResponse

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE = "https://packages.example"
# Each model's section: its count, then its page of rows.
SITEMAP_QUERIES = 6


def _entries(response: TestResponse) -> dict[str | None, str | None]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in root}


@override_settings(SITE_URL=SITE)
def test_it_lists_static_pages_packages_grids_and_categories(client: Client) -> None:
    category = make_category(slug="forms")
    package = make_package(slug="widgets", category=category)
    package.last_fetched = package.modified + timedelta(days=2)
    package.save()
    make_grid(slug="auth")
    entries = _entries(client.get("/sitemap.xml"))
    pages = ("/", "/packages/", "/grids/", "/trending/", "/about/", "/readiness/")
    for path in (*pages, "/readiness/django/5.2/"):
        assert f"{SITE}{path}" in entries
    assert f"{SITE}/packages/p/widgets/" in entries
    assert f"{SITE}/grids/g/auth/" in entries
    assert f"{SITE}/categories/forms/" in entries
    # A package's page changes when its data is fetched, too.
    assert entries[f"{SITE}/packages/p/widgets/"] == package.last_fetched.date().isoformat()


@pytest.mark.parametrize("count", [2, 20])
def test_it_takes_the_same_queries_whatever_the_number_of_rows(
    client: Client, count: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(count):
        make_grid()
        make_package(category=make_category())  # each in a category of its own
    with django_assert_num_queries(SITEMAP_QUERIES):
        entries = _entries(client.get("/sitemap.xml"))
    readiness = 1 + sum(len(known_releases(p)) for p in PRODUCTS)  # no query: shipped data
    assert len(entries) == 5 + readiness + 3 * count  # 5 static pages


def test_it_is_named_in_robots_txt(client: Client) -> None:
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in body.splitlines()
