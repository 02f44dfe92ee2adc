"""The search results page: ranked, highlighted, faceted, sorted and paginated."""

import re

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.conftest import (
    add_to_grid,
    make_category,
    make_grid,
    make_health,
    make_package,
    make_usage,
)
from packagegrid.search.selectors import PER_PAGE

pytestmark = pytest.mark.django_db

SEARCH_QUERIES = 2  # the matches, then the documents of the page shown
TYPO_QUERIES = 3  # plus the typo candidates when nothing matches as typed


def _titles(html: str) -> list[str]:
    return [
        re.sub(r"</?mark>", "", title)
        for title in re.findall(r'class="result-title" href="[^"]+">(.*?)</a>', html)
    ]


def test_it_prompts_for_a_query_when_empty(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/search/")
    assert response.status_code == 200
    assert "Type a package name" in response.content.decode()


def test_it_shows_packages_and_grids_with_type_link_and_highlighted_description(
    client: Client,
) -> None:
    package = make_package(title="django-payments", repo={"description": "Take payments"})
    grid = make_grid(title="Payments grid", description="Payment providers")
    response = client.get("/search/", {"q": "payment"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{package.get_absolute_url()}">django-<mark>payments</mark></a>' in html
    assert f'href="{grid.get_absolute_url()}"><mark>Payments</mark> grid</a>' in html
    assert "Take <mark>payments</mark>" in html
    assert "<mark>Payment</mark> providers" in html
    assert '<span class="badge badge-package">Package</span>' in html
    assert '<span class="badge badge-grid">Grid</span>' in html
    assert "2 results" in html


def test_it_ranks_a_name_above_a_description(client: Client) -> None:
    make_package(title="django-ponies-extra", repo={"description": "Unrelated", "stars": 9000})
    make_package(title="Something", repo={"description": "Ponies for everyone", "stars": 9999})
    make_package(title="ponies", repo={"stars": 1})
    titles = _titles(client.get("/search/", {"q": "ponies"}).content.decode())
    assert titles == ["ponies", "django-ponies-extra", "Something"]


def test_it_says_so_when_nothing_matches(client: Client) -> None:
    make_package(title="Something")
    html = client.get("/search/", {"q": "zzzz"}).content.decode()
    assert "No packages or grids match." in html


def test_it_says_so_when_the_query_has_nothing_to_search_for(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make_package(title="Something")
    with django_assert_num_queries(0):
        html = client.get("/search/", {"q": '"*:-()'}).content.decode()
    assert "has no letters or digits to search for" in html


def test_it_finds_a_name_with_a_typo_and_says_so(client: Client) -> None:
    make_package(title="django-downloadview")
    html = client.get("/search/", {"q": "django-downlodview"}).content.decode()
    assert _titles(html) == ["django-downloadview"]
    assert "including names close to it" in html


def test_it_escapes_the_query_and_descriptions(client: Client) -> None:
    make_package(title="scripted", repo={"description": "<script>alert(1)</script>"})
    html = client.get("/search/", {"q": "<script>"}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;<mark>script</mark>&gt;alert(1)" in html
    assert 'value="&lt;script&gt;"' in html


def test_it_counts_matches_by_facet(client: Client) -> None:
    apps = make_category(title="App", slug="apps")
    tools = make_category(title="Tool", slug="tools")
    grid = make_grid(title="Widget grid", slug="widget-grid")
    one = make_package(title="widget one", category=apps, repo={"license": "MIT"})
    add_to_grid(grid, one)
    make_health(one, 81, "active")
    make_package(title="widget two", category=apps, repo={"archived": True})
    three = make_package(title="widget three", category=tools, pypi={"latest_version": None})
    make_health(three, 12, "abandoned")
    html = client.get("/search/", {"q": "widget"}).content.decode()
    assert "4 results" in html
    facets = dict(
        re.findall(r'class="facet-label">([^<]+)</span> <span class="facet-count">(\d+)<', html)
    )
    assert facets["Packages"] == "3"
    assert facets["Grids"] == "1"
    assert facets["App"] == "2"
    assert facets["Tool"] == "1"
    assert facets["Widget grid"] == "1"
    assert facets["MIT"] == "1"
    assert facets["Active"] == "1"
    assert facets["Abandoned"] == "1"
    assert facets["Archived"] == "1"
    assert ">Lifecycle</h3>" in html
    assert ">Status</h3>" not in html
    assert facets["Has a PyPI release"] == "2"
    assert facets["No PyPI release"] == "1"


def test_it_filters_by_facets_and_keeps_the_alternatives_counted(client: Client) -> None:
    apps = make_category(title="App", slug="apps")
    tools = make_category(title="Tool", slug="tools")
    make_package(title="widget one", category=apps)
    make_package(title="widget two", category=apps, repo={"archived": True})
    make_package(title="widget three", category=tools)
    html = client.get("/search/", {"q": "widget", "category": "apps"}).content.decode()
    assert sorted(_titles(html)) == ["widget one", "widget two"]
    assert "2 results" in html
    # The category facet still offers the other category, with its own count.
    assert 'href="?q=widget&amp;category=tools"' in html
    assert 'href="?q=widget"' in html  # the chosen value removes the filter
    html = client.get(
        "/search/", {"q": "widget", "category": "apps", "lifecycle": "archived"}
    ).content.decode()
    assert _titles(html) == ["widget two"]
    assert "Clear all filters" in html


def test_it_shows_the_health_score_and_lifecycle_of_each_package(client: Client) -> None:
    dead = make_package(title="widget dead", repo={"stars": 90_000})
    make_health(dead, 9, "abandoned")
    alive = make_package(title="widget alive", repo={"stars": 3})
    make_health(alive, 84, "active")
    make_package(title="widget new")  # not scored yet
    make_grid(title="widget grid")
    html = client.get("/search/", {"q": "widget"}).content.decode()
    # Equal relevance: the healthier first, whatever the stars; then grid and unscored.
    assert _titles(html)[:2] == ["widget alive", "widget dead"]
    results = html.split('<li class="result">')[1:]
    assert 'data-lifecycle="active">Active</span>' in results[0]
    assert 'title="Health score, out of 100">Health 84</span>' in results[0]
    assert 'badge-warn lifecycle-badge" data-lifecycle="abandoned">Abandoned</span>' in results[1]
    assert "Health 9</span>" in results[1]
    unscored = next(
        r for r in results if "widget new" in r.replace("<mark>", "").replace("</mark>", "")
    )
    assert "lifecycle-badge" not in unscored and "Health " not in unscored


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"q": "widget", "status": "archived"}, "/search/?q=widget&lifecycle=archived"),
        (
            {"q": "widget", "status": "deprecated", "page": "2"},
            "/search/?q=widget&page=2&lifecycle=deprecated",
        ),
        ({"q": "widget", "status": "active"}, "/search/?q=widget&lifecycle=active"),
        ({"q": "widget", "status": "nope"}, "/search/?q=widget"),
        (
            {"q": "widget", "status": "archived", "lifecycle": "stale"},
            "/search/?q=widget&lifecycle=stale",
        ),
        ({"status": "active"}, "/search/?lifecycle=active"),
        ({"status": ""}, "/search/"),
    ],
)
def test_it_sends_the_retired_status_filter_to_the_lifecycle_filter(
    client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    params: dict[str, str],
    location: str,
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/search/", params)
    assert response.status_code == 301
    assert response["Location"] == location


def test_it_never_calls_a_dead_package_active(client: Client) -> None:
    dead = make_package(title="widget dead", repo={"last_commit_at": None})
    make_health(dead, 5, "abandoned")
    response = client.get("/search/", {"q": "widget", "status": "active"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [("/search/?q=widget&lifecycle=active", 301)]
    assert _titles(html) == []
    assert "No results match these filters." in html
    assert ">Active</span>" not in html


def test_it_says_so_when_filters_leave_nothing(client: Client) -> None:
    make_package(title="widget one")
    html = client.get("/search/", {"q": "widget", "license": "nope"}).content.decode()
    assert "No results match these filters." in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("stars", ["widget b", "widget c", "widget a"]),
        ("usage", ["widget c", "widget a", "widget b"]),
        ("last-commit", ["widget a", "widget b", "widget c"]),
    ],
)
def test_it_sorts_by_stars_usage_and_last_commit(
    client: Client, sort: str, expected: list[str]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    a = make_package(title="widget a", repo={"stars": 5, "last_commit_at": now - timedelta(days=1)})
    make_package(title="widget b", repo={"stars": 50, "last_commit_at": now - timedelta(days=10)})
    c = make_package(title="widget c", repo={"stars": 10, "last_commit_at": None})
    make_usage(c, count=2)
    make_usage(a)
    html = client.get("/search/", {"q": "widget", "sort": sort}).content.decode()
    assert _titles(html) == expected
    assert '<span class="sort-current" aria-current="true">' in html


def test_it_pages_results_with_shareable_links(client: Client) -> None:
    category = make_category(title="App", slug="apps")
    for index in range(PER_PAGE + 5):
        make_package(title=f"widget {index:02}", category=category, repo={"stars": index})
    first = client.get("/search/", {"q": "widget", "category": "apps"}).content.decode()
    assert len(_titles(first)) == PER_PAGE
    assert 'href="?q=widget&amp;category=apps&amp;page=2"' in first
    second = client.get("/search/", {"q": "widget", "category": "apps", "page": "2"})
    assert len(_titles(second.content.decode())) == 5
    assert client.get("/search/", {"q": "widget", "page": "x"}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "\"quoted\" 'single'",
        "100%",
        "%_%",
        "\\",
        "NEAR(widget, grid)",
        "widget*",
        "title:widget",
        "-widget",
        "(widget",
        "'; DROP TABLE catalog_package; --",
        "😀 ǅ ﷽ \u202e",
        "\uff24\uff2a\uff21\uff2e\uff27\uff2f",  # DJANGO in full-width letters
    ],
)
def test_it_never_fails_on_odd_input(client: Client, query: str) -> None:
    make_package(title="django-widgets")
    make_grid(title="Widgets")
    response = client.get("/search/", {"q": query, "category": query, "sort": query})
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 30])
def test_it_takes_a_constant_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    for index in range(count):
        make_health(make_package(title=f"widget {index}"), index, "stale")
        make_grid(title=f"widget grid {index}")
    with django_assert_num_queries(SEARCH_QUERIES):
        assert client.get("/search/", {"q": "widget"}).status_code == 200
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get("/search/", {"q": "widget", "type": "package", "sort": "stars"})
        assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 30])
def test_it_takes_one_more_query_for_typos(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    make_package(title="django-gadgets")
    for index in range(count):
        make_package(title=f"gadget {index}", repo={"description": "Reusable widgets"})
    with django_assert_num_queries(TYPO_QUERIES):
        response = client.get("/search/", {"q": "django-gadgtes"})
    assert _titles(response.content.decode())[0] == "django-gadgets"
