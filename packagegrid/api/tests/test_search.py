"""API v4 search: a bare list in djangopackages.org's shape, safe on any input."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from packagegrid.api.tests.golden import assert_matches_golden
from packagegrid.catalog.models import Usage
from packagegrid.conftest import (
    FIXED_TIME,
    VERSIONS_QUERY,
    make_category,
    make_grid,
    make_package,
)
from packagegrid.downloads.services import package_apply_downloads
from packagegrid.fetchers.pypistats import DownloadsFetch, RecentDownloads

pytestmark = pytest.mark.django_db

SEARCH_KEYS = [
    "description",
    "title",
    "title_no_prefix",
    "slug_no_prefix",
    "clean_title",
    "absolute_url",
    "created",
    "modified",
    "weight",
    "item_type",
    "slug",
    "category",
    "repo_watchers",
    "repo_forks",
    "pypi_downloads",
    "score",
    "usage",
    "participants",
    "last_committed",
    "last_released",
]


def test_it_returns_a_bare_list_of_packages_and_grids(client: Client) -> None:
    category = make_category(title="App")
    package = make_package(
        title="django-filter",
        slug="django-filter",
        category=category,
        repo={"participants": ["carltongibson", "alex"], "stars": 4000},
    )
    make_grid(title="Lists", slug="lists", description="Packages that filter querysets")
    response = client.get("/api/v4/search/", {"q": "filter"})
    assert response.status_code == 200
    results = response.json()
    assert isinstance(results, list)
    assert [r["item_type"] for r in results] == ["package", "grid"]
    first = results[0]
    assert list(first) == SEARCH_KEYS
    assert first["slug"] == first["slug_no_prefix"] == "django-filter"
    assert first["title"] == first["clean_title"] == first["title_no_prefix"] == "django-filter"
    assert first["absolute_url"] == "/packages/p/django-filter/"
    assert first["category"] == "App"
    assert first["participants"] == "carltongibson,alex"
    assert first["repo_watchers"] == 4000
    assert first["score"] == 4000
    assert first["usage"] == Usage.objects.filter(package=package).count() == 0
    assert results[1]["absolute_url"] == "/grids/g/lists/"
    assert first["pypi_downloads"] == results[1]["pypi_downloads"] == 0  # none counted


def test_it_gives_last_months_downloads_as_pypi_downloads(client: Client) -> None:
    """As djangopackages.org fills it: pypistats' `last_month` (its `pypi_stats` command)."""
    counted = make_package(title="django-counted", slug="django-counted")
    package_apply_downloads(
        package=counted,
        fetch=DownloadsFetch(recent=RecentDownloads(last_day=9, last_week=80, last_month=345)),
    )
    results = client.get("/api/v4/search/", {"q": "django-counted"}).json()
    assert [(r["slug"], r["pypi_downloads"]) for r in results][:1] == [("django-counted", 345)]


def test_it_ranks_an_exact_name_above_a_description_match(client: Client) -> None:
    make_package(
        title="django-other",
        slug="django-other",
        repo={"description": "uses sesame", "stars": 9999},
    )
    make_package(title="sesame", slug="sesame", repo={"stars": 1})
    results = client.get("/api/v4/search/", {"q": "sesame"}).json()
    assert [r["slug"] for r in results][:2] == ["sesame", "django-other"]


def test_it_returns_at_most_twenty(client: Client) -> None:
    for _ in range(25):
        make_package()
    assert len(client.get("/api/v4/search/", {"q": "thing"}).json()) == 20


@pytest.mark.parametrize(
    "query", ["", "   ", "x" * 10_000, '"*:-()', "'; DROP TABLE catalog_package; --", "ǅ\u200b🐍%_"]
)
def test_it_answers_any_query_without_error(client: Client, query: str) -> None:
    make_package()
    response = client.get("/api/v4/search/", {"q": query})
    assert response.status_code == 200
    assert isinstance(response.json(), list)


def test_it_returns_an_empty_list_without_a_query(client: Client) -> None:
    make_package()
    assert client.get("/api/v4/search/").json() == []


def test_it_searches_in_one_query_when_a_name_matches(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(30):
        make_package()
    with django_assert_num_queries(VERSIONS_QUERY + 1):
        client.get("/api/v4/search/", {"q": "thing"})


def test_it_looks_up_typo_candidates_in_one_more_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make_package(title="django-filter", slug="django-filter")
    for _ in range(30):
        make_package()
    with django_assert_num_queries(VERSIONS_QUERY + 2):
        results = client.get("/api/v4/search/", {"q": "django-filtre"}).json()
    assert results[0]["slug"] == "django-filter"


def test_it_takes_at_most_three_queries_when_no_record_has_every_word(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(30):
        make_package()
    client.get("/api/v4/search/", {"q": "thing zebre"})  # caches the index's words
    with django_assert_num_queries(VERSIONS_QUERY + 3):
        results = client.get("/api/v4/search/", {"q": "thing zebra"}).json()
    assert len(results) == 20


@pytest.mark.parametrize("query", ["NEAR(a b)", "a:b", "-x", "x*", "(((", '"', "\ud7ff"])
def test_it_reads_search_syntax_as_plain_words(client: Client, query: str) -> None:
    make_package(title="near", slug="near")
    response = client.get("/api/v4/search/", {"q": query})
    assert response.status_code == 200
    assert isinstance(response.json(), list)


def test_its_shape_matches_the_golden_file(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    # Recent commits add to `weight`: pin "now" so that the file does not age.
    monkeypatch.setattr(timezone, "now", lambda: FIXED_TIME + timedelta(days=30))
    category = make_category(title="App")
    make_package(
        title="django-sesame",
        slug="django-sesame",
        category=category,
        repo={"participants": ["aaugustin"], "stars": 900, "forks": 60, "description": "Links"},
    )
    make_grid(title="Sesame grid", slug="sesame-grid", description="Magic links")
    assert_matches_golden(client.get("/api/v4/search/", {"q": "sesame"}).json(), "search")


@pytest.mark.parametrize("found", [1, 8])
def test_it_leaves_out_packages_no_person_reviewed_as_the_rest_of_v4_does(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, found: int
) -> None:
    make_package(title="django-widgets", slug="django-widgets")
    for n in range(found):
        make_package(title=f"django-widgets-{n}", slug=f"django-widgets-{n}", reviewed=False)
    with django_assert_num_queries(VERSIONS_QUERY + 1):
        results = client.get("/api/v4/search/", {"q": "widgets"}).json()
    assert [item["slug"] for item in results] == ["django-widgets"]
    # A name typed wrong finds only reviewed packages too.
    typo = client.get("/api/v4/search/", {"q": "django-widgetz"}).json()
    assert [item["slug"] for item in typo] == ["django-widgets"]
    # The site's own search and API v5 find them (v5 marks them `reviewed: false`).
    v5 = client.get("/api/v5/search/", {"q": "widgets"}).json()["results"]
    assert sorted(item["reviewed"] for item in v5) == [False] * found + [True]
