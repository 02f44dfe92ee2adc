"""The packages list and the category pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from packagegrid.conftest import make_category, make_package, make_usage

pytestmark = pytest.mark.django_db

LIST_QUERIES = 4  # categories (for the filter), count, ids of a page, its rows
CATEGORY_QUERIES = 4  # the category, count, ids of a page, its rows


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
        ("nonsense", ["Bravo", "Alpha", "Charlie"]),
    ],
)
def test_it_sorts(client: Client, sort: str, expected: list[str]) -> None:
    now = timezone.now()
    make_package(
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
    html = client.get("/packages/", {"sort": sort}).content.decode()
    assert _titles_in_order(html, *expected)


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
    for _ in range(count):
        make_usage(make_package(category=category))
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get("/packages/", {"sort": "usage", "category": "apps"}).status_code == 200


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
    assert _titles_in_order(html, "Bravo", "Alpha")
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
    for _ in range(count):
        make_package(category=category)
    with django_assert_num_queries(CATEGORY_QUERIES):
        assert client.get("/categories/apps/").status_code == 200


def test_it_updates_results_in_place_with_shareable_urls(client: Client) -> None:
    page = client.get("/packages/").content.decode()
    assert 'hx-boost="true"' in page
    assert 'hx-select="#package-results"' in page
    assert 'hx-push-url="true"' in page
    assert 'id="package-results"' in page
