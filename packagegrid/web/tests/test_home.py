"""The home page."""

import re

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.page_selectors import HOME_LIST_SIZE
from packagegrid.conftest import (
    add_to_grid,
    make_category,
    make_grid,
    make_health,
    make_package,
    make_release,
    make_usage,
)

pytestmark = pytest.mark.django_db

HOME_QUERIES = 5  # grids, categories, latest packages, most used, latest releases


def _populate(count: int) -> None:
    category = make_category(title="Apps")
    packages = [make_package(category=category) for _ in range(count)]
    for index, package in enumerate(packages):
        make_release(package, f"1.{index}")
        make_health(package, index)
        if index % 2:
            make_usage(package)
    grid = make_grid()
    add_to_grid(grid, *packages)


def test_it_shows_search_box_and_sections(client: Client) -> None:
    _populate(2)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="search"' in html
    for heading in ("Largest grids", "Latest packages", "Most used", "Latest releases"):
        assert heading in html


def test_it_shows_featured_grids_only_when_some_are_featured(client: Client) -> None:
    big = make_grid(title="Big grid")
    add_to_grid(big, make_package(), make_package())
    make_grid(title="Chosen grid", is_featured=True)
    html = client.get("/").content.decode()
    assert "Featured grids" in html
    assert "Chosen grid" in html
    assert "Big grid" not in html


def test_it_shows_the_largest_grids_when_none_is_featured(client: Client) -> None:
    big = make_grid(title="Big grid")
    add_to_grid(big, make_package(), make_package())
    html = client.get("/").content.decode()
    assert "Largest grids" in html
    assert "Big grid" in html
    assert "2 packages" in html


def test_it_shows_categories_with_package_counts(client: Client) -> None:
    category = make_category(title="Widgets", title_plural="Widgets")
    make_package(category=category)
    make_package(category=category)
    html = client.get("/").content.decode()
    assert "Widgets" in html
    assert '2<span class="visually-hidden"> packages</span>' in html


def test_it_lists_latest_packages_and_most_used(client: Client) -> None:
    make_package(title="Old thing")
    used = make_package(title="Popular thing")
    make_usage(used, 3)
    html = client.get("/").content.decode()
    assert "Popular thing" in html
    assert "3 users" in html


def test_it_breaks_equal_usage_by_health_score(client: Client) -> None:
    make_usage(make_package(title="Most used"), 3)
    for index in range(HOME_LIST_SIZE + 2):
        package = make_package(title=f"Thing {index:02}")
        make_usage(package)
        make_health(package, 10 + index)
    html = client.get("/").content.decode()
    section = html.split('id="used-title"', 1)[1].split("</section>", 1)[0]
    shown = re.findall(r">(Most used|Thing \d\d)</a>", section)
    # The most used first; then the nine healthiest of the twelve used once, best first.
    assert shown == ["Most used", *(f"Thing {index:02}" for index in range(11, 2, -1))]


def test_it_says_when_there_are_no_releases(client: Client) -> None:
    make_package()
    html = client.get("/").content.decode()
    assert "No releases recorded yet" in html


def test_it_lists_latest_releases_and_marks_yanked(client: Client) -> None:
    package = make_package(title="Released")
    make_release(package, "9.9.9", yanked=True)
    html = client.get("/").content.decode()
    assert "9.9.9" in html
    assert "yanked" in html


def test_it_escapes_package_titles(client: Client) -> None:
    make_package(title="<script>alert(1)</script>")
    html = client.get("/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


@pytest.mark.parametrize("count", [2, 30])
def test_it_takes_a_constant_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    _populate(count)
    with django_assert_num_queries(HOME_QUERIES):
        assert client.get("/").status_code == 200


def test_it_shows_packages_that_were_never_fetched(client: Client) -> None:
    make_usage(make_package(title="Bare package", fetched=False))
    assert "Bare package" in client.get("/").content.decode()
