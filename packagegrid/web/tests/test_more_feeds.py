"""RSS and Atom feeds of a category's packages, a search's results and the packages'
lifecycle changes, and the pages that link them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import override_settings

from packagegrid.conftest import make_category, make_package
from packagegrid.health.models import LifecycleChange
from packagegrid.web.feeds import FEED_SIZE

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://packages.example"
SEARCH_QUERIES = 2  # the matches, then the documents of the page


def _rss(response: Any) -> Any:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).find("channel")


def _atom_entries(response: Any) -> list[Any]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def _titles(channel: Any) -> list[str]:
    return [item.findtext("title") for item in channel.findall("item")]


@override_settings(SITE_URL=SITE)
def test_a_category_feed_lists_its_newest_packages_only(client: Any) -> None:
    apps = make_category(title="App", title_plural="Apps", slug="apps")
    tools = make_category(title="Tool", slug="tools")
    for day in (3, 1, 2):
        make_package(category=apps, title=f"app-{day}", created=datetime(2026, 1, day, tzinfo=UTC))
    make_package(category=tools, title="a-tool")
    channel = _rss(client.get("/feeds/categories/apps/rss/"))
    assert channel.findtext("title") == "packagegrid: latest Apps"
    assert channel.findtext("link") == f"{SITE}/categories/apps/"
    assert _titles(channel) == ["app-3", "app-2", "app-1"]
    entries = _atom_entries(client.get("/feeds/categories/apps/atom/"))
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["app-3", "app-2", "app-1"]


def test_it_answers_404_for_the_feed_of_an_unknown_category(client: Any) -> None:
    assert client.get("/feeds/categories/nope/rss/").status_code == 404


@pytest.mark.parametrize("count", [2, FEED_SIZE + 5])
def test_it_reads_a_category_feed_in_two_queries(
    client: Any, count: int, django_assert_num_queries: Any
) -> None:
    category = make_category(slug="apps")
    for _ in range(count):
        make_package(category=category)
    with django_assert_num_queries(2):
        channel = _rss(client.get("/feeds/categories/apps/rss/"))
    assert len(channel.findall("item")) == min(count, FEED_SIZE)


@override_settings(SITE_URL=SITE)
def test_a_search_feed_lists_the_results_as_the_search_page_ranks_them(client: Any) -> None:
    make_package(title="django-payments", slug="django-payments")
    make_package(title="django-payments-extra", slug="django-payments-extra")
    make_package(title="django-forms", slug="django-forms")
    channel = _rss(client.get("/search/feed/", {"q": "payments"}))
    assert channel.findtext("title") == "packagegrid: search for payments"
    assert channel.findtext("link") == f"{SITE}/search/?q=payments"
    assert _titles(channel) == ["django-payments", "django-payments-extra"]
    items = channel.findall("item")
    assert items[0].findtext("link") == f"{SITE}/packages/p/django-payments/"
    entries = _atom_entries(client.get("/search/feed/atom/", {"q": "payments", "type": "grid"}))
    assert entries == []


def test_a_search_feed_without_words_is_a_bad_request(client: Any) -> None:
    response = client.get("/search/feed/", {"q": "  "})
    assert response.status_code == 400


@pytest.mark.parametrize("count", [2, FEED_SIZE + 5])
def test_it_reads_a_search_feed_in_the_same_queries_whatever_the_matches(
    client: Any, count: int, django_assert_num_queries: Any
) -> None:
    for n in range(count):
        make_package(title=f"payments-{n}", slug=f"payments-{n}")
    with django_assert_num_queries(SEARCH_QUERIES):
        channel = _rss(client.get("/search/feed/", {"q": "payments"}))
    assert len(channel.findall("item")) == min(count, FEED_SIZE)


def _lifecycle_change(package: Any, days_ago: int, **fields: Any) -> LifecycleChange:
    values = {
        "previous": "active",
        "lifecycle": "stale",
        "reason": "No release for 2 years <b>and</b> no commit.",
        "changed_at": datetime(2026, 12, 1, tzinfo=UTC) - timedelta(days=days_ago),
    }
    values.update(fields)
    return LifecycleChange.objects.create(package=package, **values)


@override_settings(SITE_URL=SITE)
def test_the_lifecycle_feed_lists_changes_newest_first_with_the_reason(client: Any) -> None:
    widgets = make_package(title="Widgets", slug="widgets")
    gadgets = make_package(title="Gadgets", slug="gadgets")
    _lifecycle_change(widgets, 5)
    change = _lifecycle_change(gadgets, 1, previous="stable", lifecycle="archived")
    channel = _rss(client.get("/feeds/lifecycle/rss/"))
    assert _titles(channel) == ["Gadgets: stable \u2192 archived", "Widgets: active \u2192 stale"]
    item = channel.findall("item")[0]
    assert item.findtext("link") == f"{SITE}/packages/p/gadgets/rules/"
    assert item.findtext("guid") == f"{SITE}/packages/p/gadgets/#lifecycle-change-{change.pk}"
    # The reason arrives as text, escaped for readers that render HTML.
    assert "&lt;b&gt;and&lt;/b&gt;" in item.findtext("description")
    assert "Gadgets is now archived (was stable)." in item.findtext("description")
    entries = _atom_entries(client.get("/feeds/lifecycle/atom/"))
    assert entries[0].findtext(f"{ATOM}title") == "Gadgets: stable \u2192 archived"


@pytest.mark.parametrize("count", [2, FEED_SIZE + 5])
def test_it_reads_the_lifecycle_feed_in_one_query(
    client: Any, count: int, django_assert_num_queries: Any
) -> None:
    package = make_package()
    for n in range(count):
        _lifecycle_change(package, n)
    with django_assert_num_queries(1):
        channel = _rss(client.get("/feeds/lifecycle/rss/"))
    assert len(channel.findall("item")) == min(count, FEED_SIZE)


def test_the_pages_link_their_feeds(client: Any) -> None:
    html = client.get("/").content.decode()
    assert 'title="Lifecycle changes (RSS)" href="/feeds/lifecycle/rss/"' in html
    assert 'href="/feeds/lifecycle/atom/"' in html
    category = make_category(title="App", title_plural="Apps", slug="apps")
    make_package(category=category, title="django-payments")
    html = client.get("/categories/apps/").content.decode()
    assert 'title="Latest Apps (RSS)" href="/feeds/categories/apps/rss/"' in html
    assert 'href="/feeds/categories/apps/atom/"' in html
    html = client.get("/search/", {"q": "pay & go", "type": "package"}).content.decode()
    assert 'href="/search/feed/?q=pay%20%26%20go&amp;type=package"' in html
    assert 'href="/search/feed/atom/?q=pay%20%26%20go&amp;type=package"' in html
    assert "/search/feed/" not in client.get("/search/").content.decode()
