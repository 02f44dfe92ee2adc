"""API v4 packages: shape, lookups, links, pagination, query counts and bad input."""

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.api.tests.golden import assert_matches_golden
from packagegrid.catalog.models import Package
from packagegrid.conftest import FIXED_TIME, VERSIONS_QUERY, make_category, make_grid, make_package
from packagegrid.grids.models import GridPackage

pytestmark = pytest.mark.django_db

PACKAGE_KEYS = [
    "category",
    "grids",
    "id",
    "title",
    "slug",
    "last_updated",
    "last_fetched",
    "repo_url",
    "pypi_version",
    "created",
    "modified",
    "repo_forks",
    "repo_description",
    "pypi_url",
    "documentation_url",
    "repo_watchers",
    "commits_over_52",
    "participants",
]


def test_it_lists_packages_newest_id_first_in_the_v4_shape(client: Client) -> None:
    # Explicit ids: sequences are not reset between tests on PostgreSQL.
    category = make_category(id=7)
    # Commit times are whole seconds, as the providers give them (see SOURCES.md).
    repo = {"last_commit_at": FIXED_TIME.replace(microsecond=0)}
    first = make_package(id=101, category=category, repo=repo)
    second = make_package(id=102, category=category, documentation_url=None, repo=repo)
    make_grid(id=31, packages=[first, second])
    response = client.get("/api/v4/packages/")
    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body["results"]] == [second.id, first.id]
    assert list(body["results"][0]) == PACKAGE_KEYS
    assert_matches_golden(body, "packages-list")


def test_it_keeps_null_and_empty_documentation_urls_apart(client: Client) -> None:
    unset = make_package(documentation_url=None)
    empty = make_package(documentation_url="")
    assert client.get(f"/api/v4/packages/{unset.id}/").json()["documentation_url"] is None
    assert client.get(f"/api/v4/packages/{empty.id}/").json()["documentation_url"] == ""


def test_it_serves_a_never_fetched_package_with_empty_numbers(client: Client) -> None:
    package = make_package()
    package.repo_data.delete()
    package.pypi_data.delete()
    body = client.get(f"/api/v4/packages/{package.id}/").json()
    assert body["repo_watchers"] == 0
    assert body["commits_over_52"] == []
    assert body["participants"] == []
    assert body["pypi_version"] is None
    assert body["last_updated"] is None


def test_it_finds_a_package_by_id_or_slug(client: Client) -> None:
    package = make_package(slug="django-sesame")
    by_id = client.get(f"/api/v4/packages/{package.id}/")
    by_slug = client.get("/api/v4/packages/django-sesame/")
    assert by_id.status_code == by_slug.status_code == 200
    assert by_id.json() == by_slug.json()


def test_it_prefers_the_id_when_a_slug_is_all_digits(client: Client) -> None:
    target = make_package()
    make_package(slug=str(target.id))
    assert client.get(f"/api/v4/packages/{target.id}/").json()["id"] == target.id


def test_it_answers_404_with_drfs_message_for_an_unknown_package(client: Client) -> None:
    for url in ("/api/v4/packages/no-such-package/", "/api/v4/packages/999999/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "No Package matches the given query."}


def test_it_links_category_and_grids_with_the_format_parameter_carried(client: Client) -> None:
    package = make_package()
    grid = make_grid(packages=[package])
    body = client.get(f"/api/v4/packages/{package.id}/", {"format": "json"}).json()
    assert body["category"] == (
        f"http://testserver/api/v4/categories/{package.category_id}/?format=json"
    )
    assert body["grids"] == [f"http://testserver/api/v4/grids/{grid.id}/?format=json"]
    plain = client.get(f"/api/v4/packages/{package.id}/", HTTP_ACCEPT="application/json")
    assert plain.json()["grids"] == [f"http://testserver/api/v4/grids/{grid.id}/"]


def test_it_lists_grids_of_a_package_in_the_order_it_joined_them(client: Client) -> None:
    package = make_package()
    joined_first, joined_second = make_grid(id=90), make_grid(id=80)
    for grid in (joined_first, joined_second):
        GridPackage.objects.create(grid=grid, package=package)
    body = client.get(f"/api/v4/packages/{package.id}/", HTTP_ACCEPT="application/json").json()
    assert body["grids"] == [f"http://testserver/api/v4/grids/{pk}/" for pk in (90, 80)]


# The page and its grid links, and the count when the list does not fit on the page.
@pytest.mark.parametrize(("count", "limit", "queries"), [(1, 1000, 2), (30, 1000, 2), (30, 30, 3)])
def test_it_lists_any_page_size_in_three_queries(
    client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    count: int,
    limit: int,
    queries: int,
) -> None:
    packages = [make_package() for _ in range(count)]
    make_grid(packages=packages)
    make_grid(packages=packages[:5])
    with django_assert_num_queries(VERSIONS_QUERY + queries):
        response = client.get("/api/v4/packages/", {"limit": limit})
    assert len(response.json()["results"]) == count
    assert response.json()["count"] == count


@pytest.mark.parametrize(
    ("params", "count", "results", "next_offset"),
    [
        ({"limit": 3}, 3, 3, None),  # a full first page: counted
        ({"limit": 2}, 3, 2, "offset=2"),
        ({"limit": 4}, 3, 3, None),  # the whole list on the page: its length
        ({"limit": 2, "offset": 2}, 3, 1, None),  # not the first page: counted
        ({"limit": 2, "offset": 9}, 3, 0, None),  # past the end
    ],
)
def test_every_page_gives_the_lists_count(
    client: Client,
    params: dict[str, int],
    count: int,
    results: int,
    next_offset: str | None,
) -> None:
    for _ in range(3):
        make_package()
    body = client.get("/api/v4/packages/", params).json()
    assert (body["count"], len(body["results"])) == (count, results)
    if next_offset is None:
        assert body["next"] is None
    else:
        assert next_offset in body["next"]


def test_it_reads_a_package_in_two_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    package = make_package()
    make_grid(packages=[package])
    with django_assert_num_queries(VERSIONS_QUERY + 2):
        client.get(f"/api/v4/packages/{package.id}/")


def test_it_pages_with_limit_and_offset(client: Client) -> None:
    for _ in range(5):
        make_package()
    body = client.get("/api/v4/packages/", {"limit": 2, "offset": 2}).json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"] == "http://testserver/api/v4/packages/?limit=2&offset=4"
    assert body["previous"] == "http://testserver/api/v4/packages/?limit=2"


def test_it_pages_twenty_by_default(client: Client) -> None:
    for _ in range(21):
        make_package()
    body = client.get("/api/v4/packages/").json()
    assert len(body["results"]) == 20
    assert body["next"] == "http://testserver/api/v4/packages/?limit=20&offset=20"


@pytest.mark.parametrize(
    ("query", "limit", "offset"),
    [
        # As DRF's LimitOffsetPagination: a limit that is not a positive integer is the
        # default, a larger one is cut to the maximum; a bad offset is 0.
        ({"limit": "abc"}, 20, 0),
        ({"limit": "0"}, 20, 0),
        ({"limit": "-3"}, 20, 0),
        ({"limit": "1.5"}, 20, 0),
        ({"limit": ""}, 20, 0),
        ({"limit": "10000000"}, 1000, 0),
        ({"limit": " 2 "}, 2, 0),
        ({"offset": "-1"}, 20, 0),
        ({"offset": "1e3"}, 20, 0),
        ({"limit": "2", "offset": "x"}, 2, 0),
        ({"limit": "2", "offset": "1"}, 2, 1),
    ],
)
def test_it_pages_as_drf_does_whatever_the_parameters(
    client: Client, query: dict[str, str], limit: int, offset: int
) -> None:
    for _ in range(25):
        make_package()
    response = client.get("/api/v4/packages/", query)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 25
    expected = list(Package.objects.order_by("-id").values_list("id", flat=True))
    assert [p["id"] for p in body["results"]] == expected[offset : offset + limit]


def test_it_answers_an_offset_past_the_end_with_an_empty_page(client: Client) -> None:
    make_package()
    for offset in ("1", "5", "99999999999999999999999999"):
        response = client.get("/api/v4/packages/", {"offset": offset})
        assert response.status_code == 200
        assert response.json()["results"] == []
        assert response.json()["count"] == 1
        assert response.json()["next"] is None


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_is_read_only(client: Client, method: str) -> None:
    package = make_package()
    url = "/api/v4/packages/" if method == "post" else f"/api/v4/packages/{package.id}/"
    response = getattr(client, method)(url, data={}, content_type="application/json")
    assert response.status_code == 405
    assert "not allowed" in response.json()["detail"]
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert Package.objects.count() == 1


def test_it_renders_the_browsable_api_with_upstream_description(client: Client) -> None:
    package = make_package()
    response = client.get(f"/api/v4/packages/{package.id}/", {"format": "api"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "API endpoint that allows packages to be viewed or edited." in page
    assert 'Allow:</b> <span class="lit">GET, HEAD, OPTIONS</span>' in page
    assert f"/api/v4/categories/{package.category_id}/?format=api" in page


@pytest.mark.parametrize("key", ["..", "x y"])
def test_it_answers_404_for_a_key_that_cannot_be_a_slug(client: Client, key: str) -> None:
    assert client.get(f"/api/v4/packages/{key}/").status_code == 404


def test_its_list_items_are_the_detail_json_key_for_key(client: Client) -> None:
    # The list is built from plain rows, the detail from model instances: both the same.
    fetched = make_package(
        repo={
            "stars": 7,
            "forks": 2,
            "description": "Fetched",
            "commits_over_52": [1] * 52,
            "participants": ["ann", "bo"],
        },
        pypi={"latest_version": "1.2"},
    )
    never_fetched = make_package()
    never_fetched.repo_data.delete()
    never_fetched.pypi_data.delete()
    make_grid(packages=[fetched, never_fetched])
    make_grid(packages=[fetched])
    for params in ({}, {"format": "json", "limit": "1", "offset": "1"}):
        listed = client.get("/api/v4/packages/", params).json()["results"]
        assert listed
        for item in listed:
            detail = client.get(f"/api/v4/packages/{item['id']}/", params).json()
            assert list(item.items()) == list(detail.items())
