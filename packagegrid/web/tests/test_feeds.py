"""RSS and Atom feeds of the latest packages, the latest releases and a grid's packages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import Package
from packagegrid.conftest import (
    FIXED_TIME,
    add_to_grid,
    make_grid,
    make_package,
    make_release,
    make_user,
)
from packagegrid.grids.models import GridPackage
from packagegrid.web.feeds import FEED_SIZE

if TYPE_CHECKING:
    from packagegrid.conftest import TestResponse

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://packages.example"


def _child(element: ET.Element, path: str) -> ET.Element:
    """The first element at `path` under `element`, which must exist."""
    found = element.find(path)
    assert found is not None, path
    return found


def _channel(response: TestResponse) -> ET.Element:
    return _child(ET.fromstring(response.content), "channel")


def _rss_items(response: TestResponse) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return _channel(response).findall("item")


def _atom_entries(response: TestResponse) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def _packages_added_days_ago(*days: int) -> list[Package]:
    return [
        make_package(title=f"Added {n}", slug=f"added-{n}", created=timezone.now() - timedelta(n))
        for n in days
    ]


@override_settings(SITE_URL=SITE)
def test_it_lists_the_newest_packages_first_with_absolute_links(client: Client) -> None:
    _packages_added_days_ago(3, 1, 2)
    author = make_user("alice")
    make_package(
        title="<b>Newest</b>",
        slug="newest",
        created=timezone.now(),
        created_by=author,
        repo={"description": "Has <script>alert(1)</script>"},
    )
    items = _rss_items(client.get("/feeds/packages/latest/rss/"))
    assert [item.findtext("title") for item in items] == [
        "<b>Newest</b>",
        "Added 1",
        "Added 2",
        "Added 3",
    ]
    newest = items[0]
    assert newest.findtext("link") == f"{SITE}/packages/p/newest/"
    # HTML in the description is escaped once more: a reader shows it as text.
    assert newest.findtext("description") == "Has &lt;script&gt;alert(1)&lt;/script&gt;"
    assert newest.findtext("{http://purl.org/dc/elements/1.1/}creator") == "alice"
    assert newest.findtext("category")


@override_settings(SITE_URL=SITE)
def test_it_serves_the_packages_as_atom_too(client: Client) -> None:
    _packages_added_days_ago(2, 1)
    response = client.get("/feeds/packages/latest/atom/")
    entries = _atom_entries(response)
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Added 1", "Added 2"]
    assert _child(entries[0], f"{ATOM}link").get("href") == f"{SITE}/packages/p/added-1/"
    feed = ET.fromstring(response.content)
    self_link = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link[0].get("href") == f"{SITE}/feeds/packages/latest/atom/"


@pytest.mark.parametrize("count", [2, FEED_SIZE + 5])
def test_it_reads_the_packages_feed_in_one_query(
    client: Client, count: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(count):
        make_package(created_by=make_user())
    with django_assert_num_queries(1):
        items = _rss_items(client.get("/feeds/packages/latest/rss/"))
    assert len(items) == min(count, FEED_SIZE)


@override_settings(SITE_URL=SITE)
def test_it_lists_new_releases_but_not_yanked_ones(client: Client) -> None:
    package = make_package(title="Widgets", slug="widgets")
    make_release(package, "1.0", days_ago=10)
    make_release(package, "2.0b1", days_ago=1)
    make_release(package, "1.1", days_ago=5, yanked=True)
    items = _rss_items(client.get("/feeds/releases/latest/rss/"))
    assert [item.findtext("title") for item in items] == ["Widgets 2.0b1", "Widgets 1.0"]
    assert items[0].findtext("link") == f"{SITE}/packages/p/widgets/"
    guids = [_child(item, "guid") for item in items]
    assert [guid.text for guid in guids] == [
        f"{SITE}/packages/p/widgets/#release-2.0b1",
        f"{SITE}/packages/p/widgets/#release-1.0",
    ]
    assert guids[0].get("isPermaLink") == "false"
    entries = _atom_entries(client.get("/feeds/releases/latest/atom/"))
    assert [entry.findtext(f"{ATOM}id") for entry in entries] == [guid.text for guid in guids]


@pytest.mark.parametrize("count", [2, FEED_SIZE + 5])
def test_it_reads_the_releases_feed_in_one_query(
    client: Client, count: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for n in range(count):
        make_release(make_package(), f"1.{n}", days_ago=n)
    with django_assert_num_queries(1):
        items = _rss_items(client.get("/feeds/releases/latest/rss/"))
    assert len(items) == min(count, FEED_SIZE)


@override_settings(SITE_URL=SITE)
def test_it_lists_the_packages_most_recently_added_to_a_grid(client: Client) -> None:
    grid = make_grid(title="Auth", slug="auth")
    older, newer = make_package(title="Older"), make_package(title="Newer")
    links = add_to_grid(grid, older, newer)
    GridPackage.objects.filter(pk=links[0].pk).update(created=FIXED_TIME - timedelta(3))
    add_to_grid(make_grid(), make_package(title="Elsewhere"))
    response = client.get("/feeds/grids/auth/rss/")
    channel = _channel(response)
    assert channel.findtext("title") == "packagegrid: packages in Auth"
    assert channel.findtext("link") == f"{SITE}/grids/g/auth/"
    assert [item.findtext("title") for item in _rss_items(response)] == ["Newer", "Older"]
    entries = _atom_entries(client.get("/feeds/grids/auth/atom/"))
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Newer", "Older"]


def test_it_answers_404_for_the_feed_of_an_unknown_grid(client: Client) -> None:
    assert client.get("/feeds/grids/nothing/rss/").status_code == 404
    assert client.get("/feeds/grids/nothing/atom/").status_code == 404
    assert client.get("/feeds/grids/a%00b/rss/").status_code == 400


@pytest.mark.parametrize("count", [2, FEED_SIZE + 5])
def test_it_reads_a_grid_feed_in_two_queries(
    client: Client, count: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    grid = make_grid(slug="big")
    add_to_grid(grid, *[make_package() for _ in range(count)])
    with django_assert_num_queries(2):  # the grid, its newest packages
        items = _rss_items(client.get("/feeds/grids/big/rss/"))
    assert len(items) == min(count, FEED_SIZE)


def test_it_links_the_feeds_from_the_pages(client: Client) -> None:
    html = client.get("/").content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Latest packages (RSS)" '
        'href="/feeds/packages/latest/rss/">'
    ) in html
    assert 'type="application/atom+xml" title="Latest packages (Atom)"' in html
    assert 'href="/feeds/releases/latest/rss/"' in html
    grid = make_grid(title="Auth", slug="auth")
    html = client.get(grid.get_absolute_url()).content.decode()
    assert 'href="/feeds/grids/auth/rss/"' in html
    assert 'href="/feeds/grids/auth/atom/"' in html


@override_settings(SITE_URL=SITE)
def test_a_package_has_a_feed_of_its_own_releases(client: Client) -> None:
    package = make_package(title="Widgets", slug="widgets")
    make_release(package, "1.0", days_ago=10)
    make_release(package, "1.1", days_ago=5, yanked=True)
    make_release(package, "2.0", days_ago=1)
    make_release(make_package(title="Other"), "9.9", days_ago=1)
    response = client.get("/feeds/packages/widgets/releases/rss/")
    channel = _channel(response)
    assert channel.findtext("title") == "packagegrid: releases of Widgets"
    assert channel.findtext("link") == f"{SITE}/packages/p/widgets/"
    items = _rss_items(response)
    assert [item.findtext("title") for item in items] == [
        "Widgets 2.0",
        "Widgets 1.1 (yanked)",
        "Widgets 1.0",
    ]
    assert items[0].findtext("guid") == f"{SITE}/packages/p/widgets/#release-2.0"
    entries = _atom_entries(client.get("/feeds/packages/widgets/releases/atom/"))
    assert entries[0].findtext(f"{ATOM}title") == "Widgets 2.0"

    html = client.get(package.get_absolute_url()).content.decode()
    assert 'href="/feeds/packages/widgets/releases/rss/"' in html
    assert 'href="/feeds/packages/widgets/releases/atom/"' in html


def test_it_answers_404_for_the_releases_feed_of_an_unknown_package(client: Client) -> None:
    assert client.get("/feeds/packages/nothing/releases/rss/").status_code == 404
    assert client.get("/feeds/packages/a%00b/releases/atom/").status_code == 400


@pytest.mark.parametrize("count", [2, FEED_SIZE + 5])
def test_it_reads_a_package_releases_feed_in_two_queries(
    client: Client, count: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    package = make_package(slug="busy")
    for n in range(count):
        make_release(package, f"1.{n}", days_ago=n)
    with django_assert_num_queries(2):  # the package, its newest releases
        items = _rss_items(client.get("/feeds/packages/busy/releases/rss/"))
    assert len(items) == min(count, FEED_SIZE)


def test_a_package_releases_feed_escapes_the_title_in_its_description(client: Client) -> None:
    make_package(title="<script>alert(1)</script>", slug="scripted")
    response = client.get("/feeds/packages/scripted/releases/rss/")
    channel = _channel(response)
    description = channel.findtext("description")
    assert description is not None
    assert "<script>" not in description
    assert "&lt;script&gt;" in description
