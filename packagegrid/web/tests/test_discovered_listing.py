"""Auto-discovered packages (found on PyPI, not reviewed yet) on every reader's surface:
left out of the lists people browse (package lists, categories, feeds, sitemap, trending,
readiness) unless asked for, found and marked by search, reachable but not indexed on
their own page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.text import slugify
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from packagegrid.catalog.models import Package, Snapshot
from packagegrid.conftest import log_in, make_category, make_package, make_release
from packagegrid.health.models import LifecycleChange

pytestmark = pytest.mark.django_db

MARKER = ">auto-discovered</span>"
NOINDEX = '<meta name="robots" content="noindex">'
LIST_QUERIES = 2  # categories with their kept counts (for the filter), the rows of a page
CATEGORY_QUERIES = 2  # the category with its kept counts, the rows of a page
SITE = "https://packages.example"


def _found(title: str, **fields: Any) -> Package:
    return make_package(title=title, slug=slugify(title), reviewed=False, **fields)


def _curated(title: str, **fields: Any) -> Package:
    return make_package(title=title, slug=slugify(title), **fields)


def _html(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _count(client: Client, path: str) -> int:
    count: int = client.get(path).context["page_obj"].paginator.count
    return count


def test_listed_keeps_reviewed_packages_unless_asked_for_all() -> None:
    curated, found = _curated("Curated"), _found("Found")
    assert list(Package.objects.listed()) == [curated]
    assert set(Package.objects.listed(include_discovered=True)) == {curated, found}


@pytest.mark.parametrize("found", [1, 6])
def test_the_package_list_shows_reviewed_packages_with_a_toggle_for_the_rest(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, found: int
) -> None:
    _curated("Curated")
    for n in range(found):
        _found(f"Found{n}")
    with django_assert_num_queries(LIST_QUERIES):
        html = _html(client, "/packages/")
    assert "Curated" in html
    assert "Found0" not in html
    assert _count(client, "/packages/") == 1
    assert 'name="discovered" value="1">' in html  # the toggle, off
    assert f"({1})</option>" in html  # the category counts listed packages
    with django_assert_num_queries(LIST_QUERIES):
        html = _html(client, "/packages/?discovered=1")
    assert "Curated" in html
    assert f"Found{found - 1}" in html
    assert html.count(MARKER) == found
    assert _count(client, "/packages/?discovered=1") == found + 1
    assert 'name="discovered" value="1" checked>' in html
    assert f"({found + 1})</option>" in html


@pytest.mark.parametrize("found", [1, 6])
def test_a_category_page_shows_reviewed_packages_unless_asked(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, found: int
) -> None:
    category = make_category(slug="forms")
    _curated("Curated", category=category)
    for n in range(found):
        _found(f"Found{n}", category=category)
    with django_assert_num_queries(CATEGORY_QUERIES):
        html = _html(client, "/categories/forms/")
    assert "Curated" in html
    assert "Found0" not in html
    with django_assert_num_queries(CATEGORY_QUERIES):
        html = _html(client, "/categories/forms/?discovered=1")
    assert html.count(MARKER) == found


def test_the_home_page_counts_reviewed_packages_per_category(client: Client) -> None:
    category = make_category(slug="forms", title="Forms")
    _curated("Curated", category=category)
    _found("Found", category=category)
    home = _html(client, "/")
    assert "Found" not in home
    assert "Curated" in home
    categories = [c for c in client.get("/").context["page"].categories if c["slug"] == "forms"]
    assert categories[0]["package_count"] == 1


def _rss_titles(client: Client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    channel = ET.fromstring(response.content).find("channel")
    assert channel is not None
    return [item.findtext("title") or "" for item in channel.findall("item")]


def test_the_feeds_carry_reviewed_packages_only(client: Client) -> None:
    category = make_category(slug="forms")
    curated = _curated("Curated", category=category)
    found = _found("Found", category=category)
    make_release(curated, "1.0", days_ago=2)
    make_release(found, "2.0", days_ago=1)
    for package in (curated, found):
        LifecycleChange.objects.create(
            package=package,
            previous="active",
            lifecycle="stale",
            reason="No release.",
            changed_at=timezone.now(),
        )
    assert _rss_titles(client, "/feeds/packages/latest/rss/") == ["Curated"]
    assert _rss_titles(client, "/feeds/categories/forms/rss/") == ["Curated"]
    assert _rss_titles(client, "/feeds/releases/latest/rss/") == ["Curated 1.0"]
    assert _rss_titles(client, "/feeds/lifecycle/rss/") == ["Curated: active \u2192 stale"]
    # A package's own releases feed follows its page: reachable.
    assert _rss_titles(client, "/feeds/packages/found/releases/rss/") == ["Found 2.0"]


@override_settings(SITE_URL=SITE)
def test_the_sitemap_lists_reviewed_packages_only(client: Client) -> None:
    _curated("Curated")
    _found("Found")
    xml = _html(client, "/sitemap.xml")
    assert f"{SITE}/packages/p/curated/" in xml
    assert "/packages/p/found/" not in xml


def test_a_discovered_package_page_is_reachable_marked_and_not_indexed(client: Client) -> None:
    found = _found("Found")
    curated = _curated("Curated")
    html = _html(client, found.get_absolute_url())
    assert "auto-discovered</span>" in html
    assert NOINDEX in html
    assert NOINDEX not in _html(client, curated.get_absolute_url())


def _steady(package: Package) -> None:
    """Stars up every week for five weeks: trending."""
    for weeks in range(5):
        Snapshot.objects.create(
            package=package,
            taken_at=timezone.now() - timedelta(days=0.1 + 7 * weeks),
            stars=200 - 20 * weeks,
            forks=0,
        )


def test_trending_leaves_discovered_packages_out_and_says_so(client: Client) -> None:
    _steady(_curated("Curated", repo={"stars": 200}))
    _steady(_found("Found", repo={"stars": 200}))
    html = _html(client, "/trending/")
    assert "Curated" in html
    assert 'href="/packages/p/found/"' not in html
    assert "auto-discovered packages until a person has reviewed them" in html


def test_readiness_counts_reviewed_packages_and_the_checker_marks_the_rest(
    client: Client,
) -> None:
    _curated("Curated", pypi_url="https://pypi.org/project/curated/")
    _found("Found", pypi_url="https://pypi.org/project/found/")
    html = _html(client, "/readiness/django/5.2/")
    assert 'href="/packages/p/curated/"' in html
    assert 'href="/packages/p/found/"' not in html
    # The counts and the ranking behind the page leave it out too, not only the rows.
    page = client.get("/readiness/django/5.2/").context["page"]
    assert sum(page.counts.values()) == 1
    assert page.packages.paginator.count == 1
    assert [package.slug for package in page.packages] == ["curated"]
    assert "Auto-discovered packages are counted once a person has reviewed them" in html
    checked = client.post("/readiness/django/5.2/", {"requirements": "found\ncurated\n"})
    assert checked.status_code == 200
    result = checked.content.decode().split('id="requirements-result"')[1]
    assert 'href="/packages/p/found/"' in result
    assert result.count(MARKER) == 1


def test_search_finds_discovered_packages_marked_with_a_listing_facet(client: Client) -> None:
    _curated("Widgets Pro")
    _found("Widgets Lite")
    html = _html(client, "/search/?q=widgets")
    assert "Widgets Pro" in html
    assert "Widgets Lite" in html
    assert html.count(MARKER) == 1
    assert "Auto-discovered" in html  # the facet's values
    assert "Reviewed" in html
    reviewed = _html(client, "/search/?q=widgets&listing=reviewed")
    assert "Widgets Pro" in reviewed
    assert "Widgets Lite" not in reviewed
    discovered = _html(client, "/search/?q=widgets&listing=discovered")
    assert "Widgets Pro" not in discovered
    assert "Widgets Lite" in discovered


CACHED_PAGES = (
    "/packages/",
    "/categories/forms/",
    "/feeds/packages/latest/rss/",
    "/feeds/categories/forms/rss/",
    "/sitemap.xml",
)


@pytest.fixture
def _response_cache(settings: Settings) -> Iterator[None]:
    settings.RESPONSE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_response_cache")
@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_a_review_decision_reaches_the_cached_pages_at_once(client: Client, decision: str) -> None:
    category = make_category(slug="forms")
    _curated("Curated", category=category)
    found = _found("Found", category=category)
    for path in CACHED_PAGES:
        assert client.get(path)["X-Cache"] == "miss"
        cached = client.get(path)
        assert cached["X-Cache"] == "hit"
        assert "/packages/p/found/" not in cached.content.decode()
    assert "Found" in _html(client, "/search/?q=found")
    reviewer = Client()
    log_in(reviewer, staff=True)
    assert (
        reviewer.post(f"/moderation/discovered/{found.slug}/", {"decision": decision}).status_code
        == 302
    )
    for path in CACHED_PAGES:
        response = client.get(path)
        assert response["X-Cache"] == "miss", path
        shown = "/packages/p/found/" in response.content.decode()
        assert shown == (decision == "accept"), path
    search = _html(client, "/search/?q=found")
    if decision == "accept":
        assert "Found" in search
        assert MARKER not in search  # its document was rewritten
    else:
        assert "/packages/p/found/" not in search


def test_the_listing_facet_is_offered_only_when_there_is_a_choice(client: Client) -> None:
    _curated("Widgets Pro")
    html = _html(client, "/search/?q=widgets")
    assert "Widgets Pro" in html
    assert 'id="facet-side-listing"' not in html
    _found("Widgets Lite")
    assert 'id="facet-side-listing"' in _html(client, "/search/?q=widgets")


def test_the_type_ahead_marks_discovered_packages(client: Client) -> None:
    _curated("Widgets Pro")
    _found("Widgets Lite")
    html = _html(client, "/search/suggest/?q=widgets")
    assert 'data-href="/packages/p/widgets-lite/"' in html
    assert html.count(MARKER) == 1
