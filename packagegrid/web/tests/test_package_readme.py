"""The README on the package page: collapsed, sanitised, and read in the page's queries."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from packagegrid.catalog.models import Package, Readme
from packagegrid.conftest import make_package, make_readme
from packagegrid.fetchers.pypi import pypi_project_parse
from packagegrid.fetchers.services import package_apply_pypi
from packagegrid.fetchers.types import PyPIFetch
from packagegrid.lib.readme import MAX_SOURCE_CHARS
from packagegrid.web.tests.test_package_detail import PACKAGE_QUERIES

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "demo" / "data" / "pypi-demo.jsonl.gz"


def _apply_recorded(name: str) -> Package:
    """A package with the recorded PyPI document of `name` applied, as a fetch applies it."""
    with gzip.open(DEMO, "rt") as lines:
        body = next(r["json"] for line in lines if (r := json.loads(line))["name"] == name)
    package = make_package(pypi_url=f"https://pypi.org/project/{name}/")
    project = pypi_project_parse(json.dumps(body))
    package_apply_pypi(package=package, fetch=PyPIFetch(project=project))
    return package


def _readme_panel(html: str) -> str:
    found = re.search(
        r'<section class="panel" aria-labelledby="readme-title".*?</section>', html, re.S
    )
    assert found is not None
    return found.group(0)


def test_it_shows_a_real_readme_collapsed(client: Client) -> None:
    package = _apply_recorded("django-markers")  # text/markdown
    html = client.get(package.get_absolute_url()).content.decode()
    panel = _readme_panel(html)
    assert '<details class="readme-disclosure">' in panel  # not `open`: collapsed
    assert "<summary>Show the README" in panel
    assert "<h3>django-markers</h3>" in panel
    assert "A dynamic map marker generator using template images and arbitrary text." in panel
    assert "Truncated" not in panel
    # Below the main facts: after the releases and the contributors.
    assert html.index('id="releases-title"') < html.index('id="participants-title"')
    assert html.index('id="participants-title"') < html.index('id="readme-title"')
    assert html.count("<h1") == 1


def test_it_shows_no_readme_panel_without_one(client: Client) -> None:
    html = client.get(make_package().get_absolute_url()).content.decode()
    assert 'id="readme-title"' not in html


def test_it_shows_a_hostile_readme_harmlessly(client: Client) -> None:
    package = make_package()
    make_readme(
        package,
        '<script>alert("x")</script><img src=x onerror=alert(1)>'
        '[go](javascript:alert(1)) <a href="https://example.com" onclick="alert(1)">ok</a>',
    )
    panel = _readme_panel(client.get(package.get_absolute_url()).content.decode())
    assert "<script" not in panel
    assert "onerror" not in panel and "onclick" not in panel
    assert 'href="javascript' not in panel
    assert '<a href="https://example.com" rel="nofollow ugc">ok</a>' in panel


def test_it_says_when_a_readme_was_truncated(client: Client) -> None:
    package = make_package(pypi_url="https://pypi.org/project/django-long/")
    make_readme(package, "line\n" * (MAX_SOURCE_CHARS // 5 + 10), "text/plain")
    panel = _readme_panel(client.get(package.get_absolute_url()).content.decode())
    assert "<strong>Truncated.</strong>" in panel
    assert 'href="https://pypi.org/project/django-long/"' in panel


@pytest.mark.django_db(transaction=True)
def test_a_new_readme_shows_at_once_on_a_cached_page(client: Client, settings: Settings) -> None:
    """A stored README bumps the package's version: the cached page is not served stale."""
    settings.RESPONSE_CACHE_SECONDS = 300
    cache.clear()
    package = make_package()
    client.get(package.get_absolute_url())
    assert client.get(package.get_absolute_url())["X-Cache"] == "hit"
    make_readme(package, "Fresh words.")
    response = client.get(package.get_absolute_url())
    assert response["X-Cache"] == "miss"
    assert "Fresh words." in response.content.decode()
    cache.clear()


@pytest.mark.parametrize("with_readme", [False, True])
def test_the_readme_costs_the_page_no_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, with_readme: bool
) -> None:
    package = make_package()
    if with_readme:
        make_readme(package, "# Title\n\nWords.")
        assert Readme.objects.filter(package=package).exists()
    with django_assert_num_queries(PACKAGE_QUERIES):
        html = client.get(package.get_absolute_url()).content.decode()
    assert ('id="readme-title"' in html) is with_readme
