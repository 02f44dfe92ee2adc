"""API v3 categories: shape, slug lookup, paging and query counts."""

from datetime import UTC, datetime

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.api.tests.conftest import assert_keys_sorted
from packagegrid.api.tests.golden import assert_matches_golden
from packagegrid.conftest import VERSIONS_QUERY, make_category

pytestmark = pytest.mark.django_db


def make_two_categories() -> None:
    make_category(
        title="App",
        slug="apps",
        title_plural="Apps",
        description="Small components used to build projects.",
        created=datetime(2010, 8, 14, 1, 2, 3, 4000, tzinfo=UTC),
    )
    make_category(
        title="Framework",
        slug="frameworks",
        title_plural="Frameworks",
        description="",
        show_pypi=False,
    )


def test_it_lists_categories_in_the_legacy_shape(client: Client) -> None:
    make_two_categories()
    response = client.get("/api/v3/categories/")
    assert response.status_code == 200
    body = response.json()
    assert [c["slug"] for c in body["objects"]] == ["apps", "frameworks"]
    assert body["objects"][0]["created"] == "2010-08-14T01:02:03.004Z"
    assert_keys_sorted(body)
    assert_matches_golden(body, "legacy-categories-list")


def test_it_lists_categories_by_title(client: Client) -> None:
    make_category(title="Zeta", slug="zeta")
    make_category(title="Alpha", slug="alpha")
    body = client.get("/api/v3/categories/").json()
    assert [c["slug"] for c in body["objects"]] == ["alpha", "zeta"]


@pytest.mark.parametrize(
    ("microsecond", "text"),
    [
        (0, "2010-08-14T01:02:03Z"),
        (500, "2010-08-14T01:02:03.000Z"),
        (4999, "2010-08-14T01:02:03.004Z"),
    ],
)
def test_it_writes_timestamps_as_djangos_json_encoder(
    client: Client, microsecond: int, text: str
) -> None:
    """Milliseconds, and no fraction at all for a time without microseconds."""
    make_category(slug="c", created=datetime(2010, 8, 14, 1, 2, 3, microsecond, tzinfo=UTC))
    assert client.get("/api/v3/categories/c/").json()["created"] == text


def test_it_serves_a_category_by_slug(client: Client) -> None:
    make_two_categories()
    body = client.get("/api/v3/categories/frameworks/").json()
    assert body == client.get("/api/v3/categories/").json()["objects"][1]
    assert body["resource_uri"] == "/api/v3/categories/frameworks/"
    assert body["absolute_url"] == "/categories/frameworks/"


def test_it_pages_categories(client: Client) -> None:
    make_two_categories()
    body = client.get("/api/v3/categories/", {"limit": 1}).json()
    assert body["meta"]["next"] == "/api/v3/categories/?limit=1&offset=1"
    assert [c["slug"] for c in body["objects"]] == ["apps"]


def test_it_answers_an_unknown_category_with_404_json(client: Client) -> None:
    response = client.get("/api/v3/categories/nope/")
    assert response.status_code == 404
    assert response.json() == {"error": 404, "message": "No Category matches the given query."}


@pytest.mark.parametrize("count", [1, 30])
def test_it_lists_categories_in_two_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    for _ in range(count):
        make_category()
    # count, page
    with django_assert_num_queries(VERSIONS_QUERY + 2):
        body = client.get("/api/v3/categories/", {"limit": 30}).json()
    assert len(body["objects"]) == count


def test_it_serves_a_category_in_one_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make_two_categories()
    with django_assert_num_queries(VERSIONS_QUERY + 1):
        assert client.get("/api/v3/categories/apps/").status_code == 200
