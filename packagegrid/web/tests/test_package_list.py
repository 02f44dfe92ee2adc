"""The packages list and the category pages."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import Package
from packagegrid.conftest import make_category, make_health, make_package, make_usage

pytestmark = pytest.mark.django_db

# The rows are read from the search index; the counts are kept (search.CategoryCounts).
LIST_QUERIES = 2  # categories with their counts (for the filter and the total), the rows
CATEGORY_QUERIES = 2  # the category with its count, the rows


def _title_of(row: str) -> str:
    found = re.search(r'class="package-title"[^>]*>([^<]+)<', row)
    assert found is not None
    return found[1]


def _titles_in_order(html: str, *titles: str) -> bool:
    positions = [html.index(title) for title in titles]
    return positions == sorted(positions)


def test_it_lists_packages_with_their_numbers(client: Client) -> None:
    make_package(
        title="Alpha",
        repo={
            "description": "Does alpha things",
            "stars": 1234,
            "forks": 56,
            "last_commit_at": timezone.now() - timedelta(days=3),
            "commits_over_52": [0] * 51 + [1],
        },
    )
    response = client.get("/packages/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alpha" in html
    assert "Does alpha things" in html
    assert "1,234" in html
    assert "56" in html
    assert "3 days ago" in html
    assert 'aria-label="1 commit in the last 52 weeks"' in html


def test_it_escapes_a_script_in_a_description(client: Client) -> None:
    make_package(repo={"description": "<script>alert('x')</script>"})
    html = client.get("/packages/").content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;" in html


def test_it_notes_missing_commit_data(client: Client) -> None:
    make_package(repo={"commits_over_52": []})
    make_package(fetched=False)
    html = client.get("/packages/").content.decode()
    assert html.count("No commit data") == 2


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("stars", ["Bravo", "Alpha", "Charlie"]),
        ("forks", ["Charlie", "Alpha", "Bravo"]),
        ("title", ["Alpha", "Bravo", "Charlie"]),
        ("newest", ["Charlie", "Bravo", "Alpha"]),
        ("last_commit", ["Alpha", "Charlie", "Bravo"]),
        ("usage", ["Charlie", "Bravo", "Alpha"]),
        ("health", ["Charlie", "Alpha", "Bravo"]),
        ("", ["Charlie", "Alpha", "Bravo"]),  # the default: health, then stars
        ("nonsense", ["Charlie", "Alpha", "Bravo"]),
    ],
)
def test_it_sorts(client: Client, sort: str, expected: list[str]) -> None:
    now = timezone.now()
    alpha = make_package(
        title="Alpha",
        created=now - timedelta(days=3),
        repo={"stars": 5, "forks": 2, "last_commit_at": now},
    )
    bravo = make_package(
        title="Bravo",
        created=now - timedelta(days=2),
        repo={"stars": 9, "forks": 1, "last_commit_at": now - timedelta(days=100)},
    )
    charlie = make_package(
        title="Charlie",
        created=now - timedelta(days=1),
        repo={"stars": 1, "forks": 7, "last_commit_at": now - timedelta(days=10)},
    )
    make_usage(charlie, 2)
    make_usage(bravo, 1)
    make_health(alpha, 50)
    make_health(charlie, 80)  # Bravo, the most starred, is not scored yet: last
    html = client.get("/packages/", {"sort": sort}).content.decode()
    assert _titles_in_order(html, *expected)


def test_it_breaks_equal_health_scores_by_stars_then_title(client: Client) -> None:
    for title, stars in [("Delta", 5), ("Bravo", 50), ("Alpha", 5)]:
        make_health(make_package(title=title, repo={"stars": stars}), 60)
    html = client.get("/packages/").content.decode()
    assert _titles_in_order(html, "Bravo", "Alpha", "Delta")
    assert '<option value="health" selected>Health</option>' in html


def test_it_shows_each_health_score_and_lifecycle(client: Client) -> None:
    make_health(make_package(title="Alive"), 88, "active")
    make_health(make_package(title="Dead", repo={"archived": True}), 7, "archived")
    make_package(title="New")
    html = client.get("/packages/").content.decode()
    # Each body row, by the package title it links to.
    rows = {_title_of(row): row for row in html.split("<tr>")[2:]}
    assert '<span class="health-chip">88</span>' in rows["Alive"]
    assert 'data-lifecycle="active">Active</span>' in rows["Alive"]
    assert 'data-lifecycle="archived">Archived</span>' in rows["Dead"]
    assert 'badge-warn">archived</span>' not in rows["Dead"]  # said once
    assert "Not scored" in rows["New"]


def test_it_filters_by_text_in_title_or_slug(client: Client) -> None:
    make_package(title="Django Payments", slug="payments")
    make_package(title="Other", slug="django-stripe-thing")
    make_package(title="Unrelated", slug="unrelated")
    html = client.get("/packages/", {"q": "STRIPE"}).content.decode()
    assert "Other" in html
    assert "Unrelated" not in html
    assert "Django Payments" not in html
    html = client.get("/packages/", {"q": "payments"}).content.decode()
    assert "Django Payments" in html


def test_it_filters_by_category(client: Client) -> None:
    apps = make_category(title="Apps", slug="apps", title_plural="Apps")
    tools = make_category(title="Tools", slug="tools")
    make_package(title="An app", category=apps)
    make_package(title="A tool", category=tools)
    html = client.get("/packages/", {"category": "tools"}).content.decode()
    assert "A tool" in html
    assert "An app" not in html
    html = client.get("/packages/", {"category": "no-such-category"}).content.decode()
    assert "A tool" in html
    assert "An app" in html


def test_it_paginates_fifty_a_page(client: Client) -> None:
    for index in range(51):
        make_package(title=f"Pkg {index:03d}", repo={"stars": 100 - index})
    first = client.get("/packages/").content.decode()
    assert "Pkg 049" in first
    assert "Pkg 050" not in first
    assert "Page 1 of 2" in first
    assert "?page=2" in first
    second = client.get("/packages/", {"page": 2}).content.decode()
    assert "Pkg 050" in second
    assert "Pkg 049" not in second


@pytest.mark.parametrize("page", ["abc", "-1", "99999", ""])
def test_it_survives_odd_page_numbers(client: Client, page: str) -> None:
    make_package()
    assert client.get("/packages/", {"page": page}).status_code == 200


@pytest.mark.parametrize("query", ["x" * 10_000, "'\"%_\\", "😀 ǅ ﷽ \u202e"])
def test_it_survives_odd_filters(client: Client, query: str) -> None:
    make_package()
    response = client.get("/packages/", {"q": query, "sort": query, "category": query})
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 30])
def test_it_takes_a_constant_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    category = make_category(slug="apps")
    for index in range(count):
        package = make_package(category=category)
        make_usage(package)
        make_health(package, index, "stale")
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get("/packages/", {"sort": "usage", "category": "apps"}).status_code == 200
    with django_assert_num_queries(LIST_QUERIES):  # the default order: by health
        assert client.get("/packages/").status_code == 200


def test_category_page_lists_only_its_packages(client: Client) -> None:
    apps = make_category(title="Apps", slug="apps", title_plural="Apps")
    apps.description = "Small reusable apps."
    apps.save(update_fields=["description"])
    make_package(title="An app", category=apps)
    make_package(title="A tool", category=make_category())
    response = client.get("/categories/apps/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Apps" in html
    assert "Small reusable apps." in html
    assert "An app" in html
    assert "A tool" not in html


def test_category_page_sorts_and_filters(client: Client) -> None:
    apps = make_category(slug="apps")
    make_package(title="Alpha", category=apps, repo={"stars": 1})
    make_package(title="Bravo", category=apps, repo={"stars": 2})
    html = client.get("/categories/apps/", {"sort": "title"}).content.decode()
    assert _titles_in_order(html, "Alpha", "Bravo")
    html = client.get("/categories/apps/").content.decode()
    assert _titles_in_order(html, "Bravo", "Alpha")  # neither scored: by stars
    make_health(Package.objects.get(title="Alpha"), 40)
    html = client.get("/categories/apps/").content.decode()
    assert _titles_in_order(html, "Alpha", "Bravo")
    html = client.get("/categories/apps/", {"q": "brav"}).content.decode()
    assert "Alpha" not in html


def test_category_page_is_404_for_an_unknown_slug(client: Client) -> None:
    assert client.get("/categories/nope/").status_code == 404
    assert client.get("/categories/%00/").status_code == 400


@pytest.mark.parametrize("count", [2, 30])
def test_category_page_takes_a_constant_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    category = make_category(slug="apps")
    for index in range(count):
        make_health(make_package(category=category), index)
    with django_assert_num_queries(CATEGORY_QUERIES):
        assert client.get("/categories/apps/").status_code == 200


def test_it_updates_results_in_place_with_shareable_urls(client: Client) -> None:
    page = client.get("/packages/").content.decode()
    assert 'hx-boost="true"' in page
    assert 'hx-select="#package-results"' in page
    assert 'hx-push-url="true"' in page
    assert 'id="package-results"' in page


def test_it_escapes_a_long_description_once_after_clipping_it(client: Client) -> None:
    make_package(repo={"description": "Tom & Jerry " * 30})
    html = client.get("/packages/").content.decode()
    assert "Tom &amp; Jerry" in html
    assert "&amp;amp;" not in html
    clipped = re.search(r'<p class="description">([^<]*)</p>', html)
    assert clipped is not None
    assert len(clipped.group(1).replace("&amp;", "&")) == 200


def test_it_shows_a_package_without_fetched_data_or_score(client: Client) -> None:
    make_package(title="Never <fetched>", fetched=False)
    html = client.get("/packages/").content.decode()
    assert "Never &lt;fetched&gt;" in html
    assert '<span class="muted">Not scored</span>' in html
    assert '<td data-label="Last commit"><span class="muted">Unknown</span></td>' in html
    assert '<span class="sparkline-empty">No commit data</span>' in html
