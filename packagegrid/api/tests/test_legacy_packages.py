"""API v3 packages: shape, slug lookup, category filter, paging and query counts."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from packagegrid.api.tests.conftest import assert_keys_sorted
from packagegrid.api.tests.golden import assert_matches_golden
from packagegrid.catalog.models import Package, Usage
from packagegrid.conftest import VERSIONS_QUERY, make_category, make_grid, make_package

pytestmark = pytest.mark.django_db

MakePerson = Callable[..., User]


def make_rich_package(make_person: MakePerson) -> Package:
    """A package with everything v3 shows: people, two grids, usage, fetched data."""
    category = make_category(title="APIs", slug="apis")
    alice = make_person("alice")
    carol = make_person("carol", github_account="carol-gh")
    package = make_package(
        title="django-rich",
        slug="django-rich",
        category=category,
        created_by=alice,
        last_modified_by=carol,
        repo_url="https://github.com/example/django-rich",
        pypi_url="https://pypi.org/project/django-rich/",
        documentation_url=None,
        created=datetime(2014, 3, 4, 5, 6, 7, 890123, tzinfo=UTC),
        repo={
            "stars": 42,
            "forks": 5,
            "description": "Rich in data",
            "commits_over_52": [0] * 50 + [3, 17],
            "participants": ["alice", "carol", "dave"],
        },
        pypi={"latest_version": "2.0.1"},
    )
    # Joined "zebra" first: a package lists its grids in the order it joined them.
    make_grid(title="Zebra", slug="zebra", packages=[package])
    make_grid(title="Alpha", slug="alpha", packages=[package])
    Usage.objects.create(package=package, user=alice)
    Usage.objects.create(package=package, user=carol)
    return package


def make_bare_package() -> Package:
    """A package that was never fetched and that nobody is recorded as adding."""
    package = make_package(
        title="django-bare",
        slug="django-bare",
        repo_url="",
        pypi_url="",
        last_fetched=None,
    )
    package.repo_data.delete()
    package.pypi_data.delete()
    return package


def test_it_lists_packages_by_title_in_the_legacy_shape(
    client: Client, make_person: MakePerson
) -> None:
    make_rich_package(make_person)
    make_bare_package()
    response = client.get("/api/v3/packages/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["category", "meta", "objects"]
    assert body["category"] is None
    assert [p["slug"] for p in body["objects"]] == ["django-bare", "django-rich"]
    assert_keys_sorted(body)
    assert_matches_golden(body, "legacy-packages-list")


def test_it_serves_a_package_by_slug(client: Client, make_person: MakePerson) -> None:
    make_rich_package(make_person)
    response = client.get("/api/v3/packages/django-rich/")
    assert response.status_code == 200
    body = response.json()
    assert body["commit_list"] == body["commits_over_52"] == "0," * 50 + "3,17"
    assert body["created"] == "2014-03-04T05:06:07.890Z"
    assert body["created_by"] == "/api/v3/users/alice/"
    # The bare account, where `created_by` is a link: upstream's inconsistency, kept.
    assert body["last_modified_by"] == "carol-gh"
    assert body["grids"] == ["/api/v3/grids/zebra/", "/api/v3/grids/alpha/"]
    assert body["usage_count"] == 2
    assert_keys_sorted(body)
    assert_matches_golden(body, "legacy-package-detail")


def test_it_serves_a_never_fetched_package_with_empty_values(client: Client) -> None:
    make_bare_package()
    body = client.get("/api/v3/packages/django-bare/").json()
    assert body["commit_list"] == body["commits_over_52"] == body["participants"] == ""
    assert body["repo_watchers"] == body["repo_forks"] == body["usage_count"] == 0
    assert body["pypi_version"] is None
    assert body["last_fetched"] is None
    assert body["created_by"] is None
    assert body["grids"] == []


def test_it_links_no_user_for_people_without_a_github_account(
    client: Client, make_person: MakePerson
) -> None:
    make_package(
        slug="orphan",
        created_by=make_person("bob", profile=False),
        last_modified_by=make_person("dan", github_account=""),
    )
    body = client.get("/api/v3/packages/orphan/").json()
    assert body["created_by"] is None
    assert body["last_modified_by"] is None


def test_it_filters_packages_by_category_slug(client: Client) -> None:
    apis = make_category(slug="apis")
    other = make_category(slug="other")
    make_package(slug="in-apis", category=apis)
    make_package(slug="elsewhere", category=other)
    body = client.get("/api/v3/packages/", {"category": "apis"}).json()
    assert [p["slug"] for p in body["objects"]] == ["in-apis"]
    assert body["meta"]["total_count"] == 1


@pytest.mark.parametrize("category", ["no-such-category", "", "APIS"])
def test_it_lists_every_package_for_an_unknown_category(client: Client, category: str) -> None:
    make_package(category=make_category(slug="apis"))
    make_package(category=make_category(slug="other"))
    response = client.get("/api/v3/packages/", {"category": category})
    assert response.status_code == 200
    assert response.json()["category"] is None
    assert len(response.json()["objects"]) == 2
    assert response.json()["meta"]["total_count"] == 2


def test_it_ignores_tastypies_category_filter(client: Client) -> None:
    """`?category__slug=` was a tastypie filter; the hand-written v3 never read it."""
    make_package(category=make_category(slug="app"))
    make_package(category=make_category(slug="framework"))
    body = client.get("/api/v3/packages/", {"category__slug": "app"}).json()
    assert body["meta"]["total_count"] == 2


def test_it_keeps_the_category_filter_in_paging_links(client: Client) -> None:
    apis = make_category(slug="apis")
    for _ in range(3):
        make_package(category=apis)
    make_package(category=make_category())
    meta = client.get("/api/v3/packages/", {"category": "apis", "limit": "2"}).json()["meta"]
    assert meta["next"] == "/api/v3/packages/?limit=2&offset=2&category=apis"
    assert meta["total_count"] == 3


def test_it_pages_with_limit_and_offset(client: Client) -> None:
    for _ in range(5):
        make_package()
    first = client.get("/api/v3/packages/", {"limit": 2}).json()
    assert first["meta"] == {
        "limit": 2,
        "next": "/api/v3/packages/?limit=2&offset=2",
        "offset": 0,
        "previous": None,
        "total_count": 5,
    }
    middle = client.get(first["meta"]["next"]).json()
    assert middle["meta"]["next"] == "/api/v3/packages/?limit=2&offset=4"
    assert middle["meta"]["previous"] == "/api/v3/packages/?limit=2&offset=0"
    last = client.get(middle["meta"]["next"]).json()
    assert last["meta"]["next"] is None
    slugs = [p["slug"] for page in (first, middle, last) for p in page["objects"]]
    assert slugs == list(Package.objects.order_by("title", "pk").values_list("slug", flat=True))


def test_it_defaults_to_20_a_page(client: Client) -> None:
    for _ in range(21):
        make_package()
    body = client.get("/api/v3/packages/").json()
    assert len(body["objects"]) == 20
    assert body["meta"]["limit"] == 20
    assert body["meta"]["next"] == "/api/v3/packages/?limit=20&offset=20"


def test_it_serves_an_empty_page_past_the_end(client: Client) -> None:
    make_package()
    for offset in ("10", "99999999999999999999999999"):
        response = client.get("/api/v3/packages/", {"limit": 5, "offset": offset})
        assert response.status_code == 200
        assert response.json()["objects"] == []
        assert response.json()["meta"]["total_count"] == 1
        assert response.json()["meta"]["next"] is None


@pytest.mark.parametrize(
    ("params", "limit", "offset"),
    [
        # As upstream read them: whatever int() refuses, and negatives, are the default.
        ({"limit": "abc"}, 20, 0),
        ({"limit": "1.5"}, 20, 0),
        ({"limit": ""}, 20, 0),
        ({"limit": "-5"}, 20, 0),
        ({"limit": " 3 "}, 3, 0),
        ({"offset": "-1"}, 20, 0),
        ({"offset": "x"}, 20, 0),
        ({"limit": "3", "offset": "2"}, 3, 2),
        # A large limit returns the rows, at most 1000 of them.
        ({"limit": "10000000"}, 1000, 0),
    ],
)
def test_it_reads_paging_parameters_as_upstream(
    client: Client, params: dict[str, str], limit: int, offset: int
) -> None:
    for _ in range(25):
        make_package()
    response = client.get("/api/v3/packages/", params)
    assert response.status_code == 200
    body = response.json()
    assert body["meta"]["limit"] == limit
    assert body["meta"]["offset"] == offset
    assert body["meta"]["total_count"] == 25
    slugs = list(Package.objects.order_by("title", "pk").values_list("slug", flat=True))
    assert [p["slug"] for p in body["objects"]] == slugs[offset : offset + limit]


def test_it_caps_a_page_at_1000_packages(client: Client) -> None:
    category = make_category()
    Package.objects.bulk_create(
        Package(title=f"p{i:04}", slug=f"p{i:04}", category=category, repo_url="")
        for i in range(1001)
    )
    body = client.get("/api/v3/packages/", {"limit": "5000"}).json()
    assert len(body["objects"]) == 1000
    assert body["meta"]["limit"] == 1000
    assert body["meta"]["next"] == "/api/v3/packages/?limit=1000&offset=1000"


def test_it_counts_without_objects_for_limit_0(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """djangoproject.com's community counter reads only `meta.total_count`."""
    for _ in range(3):
        make_package()
    for offset in ("0", "2"):
        with django_assert_num_queries(VERSIONS_QUERY + 1):
            response = client.get("/api/v3/packages/", {"limit": "0", "offset": offset})
        assert response.status_code == 200
        body = response.json()
        assert body["objects"] == []
        assert body["meta"]["total_count"] == 3
        assert body["meta"]["limit"] == 0
        # A link to the same empty page again would loop a client that follows it.
        assert body["meta"]["next"] is None
        assert body["meta"]["previous"] is None


def test_it_answers_an_unknown_slug_with_404_json(client: Client) -> None:
    response = client.get("/api/v3/packages/no-such-package/")
    assert response.status_code == 404
    assert response.json() == {"error": 404, "message": "No Package matches the given query."}


def make_busy_packages(count: int, make_person: MakePerson) -> None:
    """`count` packages, each with a creator, an editor, two grids and a user."""
    editor = make_person("editor")
    for i in range(count):
        creator = make_person(f"creator-{i}")
        package = make_package(created_by=creator, last_modified_by=editor)
        make_grid(packages=[package])
        make_grid(packages=[package])
        Usage.objects.create(package=package, user=creator)


@pytest.mark.parametrize("count", [1, 30])
def test_it_lists_packages_in_three_queries(
    client: Client,
    make_person: MakePerson,
    django_assert_num_queries: DjangoAssertNumQueries,
    count: int,
) -> None:
    make_busy_packages(count, make_person)
    # count, page, grid slugs
    with django_assert_num_queries(VERSIONS_QUERY + 3):
        body = client.get("/api/v3/packages/", {"limit": 30}).json()
    assert len(body["objects"]) == count
    assert all(len(p["grids"]) == 2 and p["created_by"] for p in body["objects"])


@pytest.mark.parametrize("count", [1, 30])
def test_it_lists_a_category_in_three_queries(
    client: Client,
    make_person: MakePerson,
    django_assert_num_queries: DjangoAssertNumQueries,
    count: int,
) -> None:
    make_busy_packages(count, make_person)
    first = Package.objects.first()
    assert first is not None
    slug = first.category.slug
    with django_assert_num_queries(VERSIONS_QUERY + 3):
        body = client.get("/api/v3/packages/", {"limit": "30", "category": slug}).json()
    assert len(body["objects"]) == count


def test_it_serves_a_package_in_two_queries(
    client: Client, make_person: MakePerson, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make_busy_packages(1, make_person)
    slug = Package.objects.get().slug
    # package, grid slugs
    with django_assert_num_queries(VERSIONS_QUERY + 2):
        assert client.get(f"/api/v3/packages/{slug}/").status_code == 200


def test_its_pages_follow_title_then_id_across_page_boundaries(client: Client) -> None:
    category = make_category(title="Apps", slug="apps")
    other = make_category(title="Other", slug="other")
    # Equal titles, so that the id decides between them, on both sides of page edges.
    for index, title in enumerate(["b", "a", "c", "a", "b", "a", "d"]):
        make_package(title=title, slug=f"p{index}", category=category if index % 3 else other)
    expected = [p.slug for p in Package.objects.order_by("title", "id")]
    in_apps = [p.slug for p in Package.objects.filter(category=category).order_by("title", "id")]

    def walk(**params: str) -> list[str]:
        slugs: list[str] = []
        for offset in range(0, 9, 2):
            query = {"limit": "2", "offset": str(offset), **params}
            slugs += [p["slug"] for p in client.get("/api/v3/packages/", query).json()["objects"]]
        return slugs

    assert walk() == expected
    assert walk(category="apps") == in_apps


def test_its_page_query_reads_wide_rows_for_the_page_ids_only(client: Client) -> None:
    for index in range(5):
        make_package(title=f"t{index}", slug=f"p{index}")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v3/packages/", {"limit": "2", "offset": "1"}).status_code == 200
    page_query = next(q["sql"] for q in captured.captured_queries if "catalog_repodata" in q["sql"])
    # The ids of the page are chosen on the bare table, limited there, before any join.
    inner = page_query.split(" IN (SELECT ", 1)[1]
    assert "LIMIT 2" in inner and "OFFSET 1" in inner
    assert "catalog_repodata" not in inner.split(")")[0]
