"""API v5 packages: v4's keys plus health, compatibility, advisories, latest release and
licence, page-numbered, in a constant number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries

from packagegrid.api.tests.golden import assert_matches_golden
from packagegrid.api.tests.test_packages import PACKAGE_KEYS
from packagegrid.catalog.models import Package, PyPIData, RepoData
from packagegrid.conftest import VERSIONS_QUERY, make_dependencies, make_health, make_package
from packagegrid.health.scores import package_health_recompute
from packagegrid.health.tests.support import advisory, apply_pypi

pytestmark = pytest.mark.django_db

V5_KEYS = [
    *PACKAGE_KEYS,
    "health",
    "compatibility",
    "advisories",
    "latest_release",
    "license",
    "reviewed",
    "usage_count",
    "favorite_count",
    "releases",
    "fetch",
    "dependencies",
    "dependents_count",
]
HEALTH_KEYS = ["score", "model", "lifecycle", "lifecycle_reason", "axes", "factors"]
FACTOR_KEYS = ["axis", "name", "value", "points", "max_points", "explanation"]
# The packages with their joins, then prefetched: grid links, requirements, compatibility
# rows, advisories, the latest release and the fetch states; and the content versions.
LIST_QUERIES = VERSIONS_QUERY + 7
DETAIL_QUERIES = VERSIONS_QUERY + 7
TODAY = date(2026, 12, 6)


def _get(client: Any, url: str) -> Any:
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("slug", ["openwisp-users", "django-valkey"])
def test_a_real_demo_package_matches_its_golden_file(client: Any, slug: str) -> None:
    """The demo data's own records: openwisp-users (id 3773, djangopackages.org's record
    with its recorded PyPI document: active, no classifier names a Django version) and
    django-valkey (stable, Django and Python versions from classifiers and
    requires_python), scored on 2026-12-06 against the whole demo directory."""
    from packagegrid.demo.loader import demo_load

    demo_load()
    package_health_recompute(today=TODAY)
    data = _get(client, f"/api/v5/packages/{slug}/")
    assert list(data) == V5_KEYS
    assert list(data["health"]) == HEALTH_KEYS
    assert all(list(factor) == FACTOR_KEYS for factor in data["health"]["factors"])
    assert data == _get(client, f"/api/v5/packages/{data['id']}/")
    v4 = _get(client, f"/api/v4/packages/{slug}/")
    assert {key: data[key] for key in PACKAGE_KEYS} == v4
    assert_matches_golden(data, f"v5-package-{slug}")


def test_it_serves_the_health_facts_exactly(client: Any) -> None:
    package = make_package()
    apply_pypi(
        package,
        classifiers=["Framework :: Django :: 5.2", "Programming Language :: Python :: 3.13"],
        requires_dist=["Django>=5.2,<6"],
        advisories=[
            advisory("GHSA-live"),
            advisory("GHSA-gone", withdrawn=datetime(2026, 11, 1, tzinfo=UTC)),
        ],
    )
    data = _get(client, f"/api/v5/packages/{package.slug}/")
    assert data["health"] is None  # facts applied, never scored
    assert data["compatibility"] == {
        "django": {"5.2": ["classifiers", "requires_dist"]},
        "python": {"3.13": ["classifiers"]},
    }
    assert data["advisories"] == [
        {
            "id": "GHSA-live",
            "aliases": ["CVE-2026-0001"],
            "summary": "Cross-site scripting in the widget.",
            "fixed_in": ["2.0.1"],
            "link": "https://osv.dev/vulnerability/GHSA-live",
        }
    ]
    assert data["latest_release"] == {
        "version": "2.0",
        "uploaded": "2026-10-01T12:00:00Z",
        "yanked": False,
    }
    assert data["license"] == "MIT"
    package_health_recompute(today=TODAY)
    health = _get(client, f"/api/v5/packages/{package.slug}/")["health"]
    assert list(health) == HEALTH_KEYS
    assert list(health["axes"]) == ["maintenance", "popularity", "quality", "compatibility"]


@pytest.mark.parametrize(
    ("classifiers", "compatibility"),
    [
        ([], {"django": {}, "python": {}}),
        (
            ["Programming Language :: Python :: 3.13"],
            {"django": {}, "python": {"3.13": ["classifiers"]}},
        ),
        (["Framework :: Django :: 5.2"], {"django": {"5.2": ["classifiers"]}, "python": {}}),
        (
            ["Framework :: Wagtail :: 7.0", "Framework :: Django :: 5.2"],
            {"django": {"5.2": ["classifiers"]}, "python": {}, "wagtail": {"7.0": ["classifiers"]}},
        ),
    ],
)
def test_compatibility_always_names_django_and_python_first(
    client: Any, classifiers: list[str], compatibility: dict[str, Any]
) -> None:
    package = make_package()
    apply_pypi(package, classifiers=classifiers)
    data = _get(client, f"/api/v5/packages/{package.slug}/")
    assert data["compatibility"] == compatibility
    assert list(data["compatibility"]) == list(compatibility)
    listed = _get(client, "/api/v5/packages/")["results"][0]["compatibility"]
    assert list(listed.items()) == list(compatibility.items())


def test_a_package_without_pypi_facts_has_empty_ones(client: Any) -> None:
    package = make_package()
    RepoData.objects.filter(package=package).update(license="")
    PyPIData.objects.filter(package=package).delete()
    data = _get(client, f"/api/v5/packages/{package.slug}/")
    assert (data["compatibility"], data["advisories"]) == ({"django": {}, "python": {}}, [])
    assert (data["latest_release"], data["license"], data["health"]) == (None, None, None)


@pytest.mark.parametrize("count", [2, 30])
def test_it_takes_the_same_queries_for_any_page_size(
    client: Any, count: int, django_assert_num_queries: Any
) -> None:
    for _ in range(count):
        apply_pypi(
            make_package(), classifiers=["Framework :: Django :: 5.2"], advisories=[advisory()]
        )
    package_health_recompute(today=TODAY)
    with django_assert_num_queries(LIST_QUERIES):
        data = _get(client, "/api/v5/packages/?page_size=30")
    assert len(data["results"]) == count
    assert all(
        item["health"] and item["advisories"] and item["latest_release"] for item in data["results"]
    )
    with django_assert_num_queries(DETAIL_QUERIES):
        _get(client, f"/api/v5/packages/{data['results'][0]['slug']}/")


def test_it_pages_by_cursor(client: Any) -> None:
    for _ in range(3):
        make_package()
    data = _get(client, "/api/v5/packages/?page_size=2")
    assert list(data) == ["next", "previous", "results"]
    ids = list(Package.objects.order_by("-id").values_list("id", flat=True))
    assert [p["id"] for p in data["results"]] == ids[:2]
    assert data["previous"] is None
    second = _get(client, data["next"])
    assert [p["id"] for p in second["results"]] == ids[2:]
    assert second["next"] is None
    assert [p["id"] for p in _get(client, second["previous"])["results"]] == ids[:2]
    assert client.get("/api/v5/packages/?cursor=nope").status_code == 400
    assert client.get("/api/v5/packages/nope/").status_code == 404


def test_the_page_size_is_at_most_100(client: Any) -> None:
    for _ in range(101):
        Package.objects.create(
            title="p", slug=f"p-{Package.objects.count()}", category=make_package().category
        )
    assert len(_get(client, "/api/v5/packages/?page_size=500")["results"]) == 100
    assert len(_get(client, "/api/v5/packages/")["results"]) == 20


def test_the_root_lists_packages(client: Any) -> None:
    assert _get(client, "/api/v5/") == {
        name: f"http://testserver/api/v5/{name}/"
        for name in ["packages", "releases", "grids", "categories", "users", "search", "compare"]
    }


def test_it_serves_dependencies_and_dependents(
    client: Any, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    core = make_package(slug="django-core", pypi_url="https://pypi.org/project/django-core/")
    users = [make_package(title=f"user-{i}", slug=f"user-{i}") for i in range(3)]
    for user in users:
        make_dependencies(user, 'Django_Core>=1; python_version >= "3.12"')
    make_dependencies(make_package(), 'django-core; extra == "core"')
    data = _get(client, f"/api/v5/packages/{users[0].slug}/")
    assert data["dependencies"] == [
        {
            "name": "Django_Core",
            "specifier": ">=1",
            "markers": 'python_version >= "3.12"',
            "package": "django-core",
        }
    ]
    assert _get(client, "/api/v5/packages/django-core/")["dependents_count"] == 3
    # The same queries for a full page and a shorter one: constant in the rows.
    with django_assert_num_queries(LIST_QUERIES + 1):  # the package looked up first
        page = _get(client, "/api/v5/packages/django-core/dependents/?page_size=2")
    assert [item["slug"] for item in page["results"]] == ["user-0", "user-1"]
    assert page["previous"] is None
    with django_assert_num_queries(LIST_QUERIES + 1):
        rest = _get(client, page["next"].removeprefix("http://testserver"))
    assert [item["slug"] for item in rest["results"]] == ["user-2"]
    assert rest["next"] is None
    descending = _get(client, f"/api/v5/packages/{core.pk}/dependents/?ordering=-title")
    assert [item["slug"] for item in descending["results"]] == ["user-2", "user-1", "user-0"]
    missing = client.get("/api/v5/packages/nope/dependents/", HTTP_ACCEPT="application/json")
    assert missing.status_code == 404


def test_it_filters_dependents_and_refuses_bad_parameters(client: Any) -> None:
    make_package(slug="django-core", pypi_url="https://pypi.org/project/django-core/")
    for i in range(2):
        make_dependencies(make_package(title=f"user-{i}", slug=f"user-{i}"), "django-core")
    make_health(Package.objects.get(slug="user-1"), 80, "active")
    filtered = _get(client, "/api/v5/packages/django-core/dependents/?lifecycle=active")
    assert [item["slug"] for item in filtered["results"]] == ["user-1"]
    for query in ["ordering=nope", "cursor=nope", "django=five"]:
        answer = client.get(
            f"/api/v5/packages/django-core/dependents/?{query}", HTTP_ACCEPT="application/json"
        )
        assert answer.status_code == 400, query
