"""The MCP tools through the SDK's own client, in memory, on the test database."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from mcp import Client
from mcp_types import CallToolResult

from packagegrid.catalog.models import Package
from packagegrid.conftest import make_grid, make_package
from packagegrid.health.scores import package_health_recompute
from packagegrid.health.tests.support import advisory, apply_pypi
from packagegrid.mcp.server import build_server

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 6)
TOOLS = ["search_packages", "package_health", "compare_packages", "compatibility", "grid"]
# package_list_for_api_v5: the packages, then grid links, requirements, compatibility,
# advisories, the latest release and the fetch states.
V5_QUERIES = 7
SEARCH_QUERIES = 2 + V5_QUERIES  # the matches, the page's documents
COMPATIBILITY_QUERIES = V5_QUERIES + 1  # the readiness status
GRID_QUERIES = 1 + 6 + V5_QUERIES  # the grid, its comparison table (with health rows)
COMPARE_QUERIES = 1 + 6 + V5_QUERIES  # the packages, their grids, the shared grid's rows


def _call(name: str, arguments: dict[str, Any]) -> CallToolResult:
    """One tool call through a fresh in-memory client session. Run from this thread,
    the tools' database work happens on it too, inside the test's transaction."""

    async def call() -> CallToolResult:
        async with Client(build_server()) as client:
            return await client.call_tool(name, arguments)

    return async_to_sync(call)()


def _ok(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = _call(name, arguments)
    assert not result.is_error, result.content
    content: dict[str, Any] | None = result.structured_content
    assert content is not None
    return content


def _error(name: str, arguments: dict[str, Any]) -> str:
    result = _call(name, arguments)
    assert result.is_error
    assert result.structured_content is None
    text: str = result.content[0].text  # type: ignore[union-attr]  # a TextContent
    return text


def _django_package(slug: str, *, stars: int = 10, **pypi: Any) -> Any:
    package = make_package(slug=slug, title=slug, repo={"stars": stars})
    apply_pypi(
        package,
        classifiers=["Framework :: Django :: 5.2", "Programming Language :: Python :: 3.13"],
        requires_python=">=3.12",
        **pypi,
    )
    return package


def test_it_lists_the_five_read_only_tools_with_their_arguments() -> None:
    async def listed() -> Any:
        async with Client(build_server()) as client:
            return (await client.list_tools()).tools

    tools = {tool.name: tool for tool in async_to_sync(listed)()}
    assert sorted(tools) == sorted(TOOLS)
    assert all(tool.annotations and tool.annotations.read_only_hint for tool in tools.values())
    search = tools["search_packages"].input_schema
    assert search["required"] == ["query"]
    assert set(search["properties"]) == {"query", "django_version", "python_version"}
    assert tools["compatibility"].input_schema["required"] == ["slug", "django_version"]
    assert tools["compare_packages"].input_schema["properties"]["slugs"]["type"] == "array"


def test_it_explains_a_package_health_exactly_as_api_v5_does(client: Any) -> None:
    package = _django_package("django-widgets", advisories=[advisory()])
    package_health_recompute(today=TODAY)
    data = _ok("package_health", {"slug": "django-widgets"})
    api = client.get(f"/api/v5/packages/{package.slug}/", HTTP_ACCEPT="application/json").json()
    # The API's links are absolute on the request's host; the tool's on SITE_URL.
    assert data["package"] == api | {
        "category": data["package"]["category"],
        "grids": data["package"]["grids"],
        "releases": data["package"]["releases"],
    }
    assert data["package"]["category"].endswith(f"/api/v4/categories/{package.category_id}/")
    assert data["scored"] is True
    factors = data["package"]["health"]["factors"]
    assert factors and all(factor["explanation"] for factor in factors)
    assert data["package"]["advisories"][0]["id"] == "GHSA-aaaa-bbbb-cccc"
    assert data["health_breakdown_url"] == "http://127.0.0.1:8000/packages/p/django-widgets/rules/"


def test_it_reads_a_package_health_in_a_constant_number_of_queries(
    django_assert_num_queries: Any,
) -> None:
    package = _django_package("django-widgets")
    make_grid(packages=[package])
    make_grid(packages=[package])
    package_health_recompute(today=TODAY)
    with django_assert_num_queries(V5_QUERIES):
        data = _ok("package_health", {"slug": "django-widgets"})
    assert len(data["package"]["grids"]) == 2


def test_it_answers_a_clear_tool_error_for_an_unknown_slug() -> None:
    make_package(slug="django-widgets")
    for name, arguments in [
        ("package_health", {"slug": "django-nope"}),
        ("compatibility", {"slug": "django-nope", "django_version": "5.2"}),
    ]:
        text = _error(name, arguments)
        assert "No package has the slug 'django-nope'" in text
        assert "search_packages" in text
    assert "No grid has the slug 'nope'" in _error("grid", {"slug": "nope"})
    assert "No package has any of the slugs django-nope" in _error(
        "compare_packages", {"slugs": ["django-nope"]}
    )


def test_it_finds_packages_with_their_health_and_support(django_assert_num_queries: Any) -> None:
    _django_package("django-payments", stars=50)
    stripe = _django_package("django-payments-stripe", stars=5)
    Package.objects.filter(pk=stripe.pk).update(reviewed=False)
    make_package(slug="django-rest-thing", title="django-rest-thing")
    package_health_recompute(today=TODAY)
    with django_assert_num_queries(SEARCH_QUERIES):
        data = _ok("search_packages", {"query": "payments"})
    assert [r["slug"] for r in data["results"]] == ["django-payments", "django-payments-stripe"]
    assert [r["reviewed"] for r in data["results"]] == [True, False]
    first = data["results"][0]
    assert first["supports"]["django"] == ["5.2"]
    assert first["health"]["lifecycle"] and first["health"]["lifecycle_reason"]
    assert first["url"] == "http://127.0.0.1:8000/packages/p/django-payments/"
    assert data["search_url"] == "http://127.0.0.1:8000/search/?q=payments&type=package"


def test_it_filters_a_search_by_the_django_and_python_releases_named() -> None:
    _django_package("django-payments")
    make_package(slug="django-payments-old", title="django-payments-old")
    package_health_recompute(today=TODAY)
    everything = _ok("search_packages", {"query": "payments"})
    assert len(everything["results"]) == 2
    data = _ok("search_packages", {"query": "payments", "django_version": "5.2.4"})
    assert data["filters"] == {"django": "5.2", "python": None}
    assert [r["slug"] for r in data["results"]] == ["django-payments"]
    assert _ok("search_packages", {"query": "payments", "python_version": "3.10"})["results"] == []


def test_it_refuses_a_search_without_words_or_with_an_unknown_release() -> None:
    assert "Give some words" in _error("search_packages", {"query": "  "})
    text = _error("search_packages", {"query": "forms", "django_version": "9.9"})
    assert "Django '9.9' is not a known feature release" in text
    assert "5.2" in text


def test_it_says_whether_a_package_supports_a_django_release(
    django_assert_num_queries: Any,
) -> None:
    _django_package("django-widgets")
    package_health_recompute(today=TODAY)
    with django_assert_num_queries(COMPATIBILITY_QUERIES):
        ready = _ok("compatibility", {"slug": "django-widgets", "django_version": "5.2"})
    assert ready["status"] == "ready"
    assert ready["sources"] == ["classifiers"]
    assert ready["release"]["lts"] is True
    assert ready["readiness_url"].endswith("/readiness/django/5.2/")
    other = _ok("compatibility", {"slug": "django-widgets", "django_version": "4.2"})
    assert other["status"] == "not declared"
    assert other["sources"] == []
    assert "other releases" in other["explanation"]
    make_package(slug="django-silent")
    unknown = _ok("compatibility", {"slug": "django-silent", "django_version": "5.2"})
    assert unknown["status"] == "unknown"


def test_it_shows_a_grid_with_its_features_and_packages(django_assert_num_queries: Any) -> None:
    small = _django_package("django-small", stars=1)
    big = _django_package("django-big", stars=100)
    make_grid(packages=[small, big], features=2, slug="widgets", title="Widgets")
    package_health_recompute(today=TODAY)
    with django_assert_num_queries(GRID_QUERIES):
        data = _ok("grid", {"slug": "widgets"})
    assert data["grid"]["title"] == "Widgets"
    assert data["grid"]["url"] == "http://127.0.0.1:8000/grids/g/widgets/"
    assert [f["title"] for f in data["features"]] == ["Feature 1", "Feature 2"]
    assert [p["slug"] for p in data["packages"]] == ["django-big", "django-small"]
    assert data["packages"][0]["features"] == [
        {"feature": "Feature 1", "value": "+"},
        {"feature": "Feature 2", "value": "+"},
    ]
    assert data["packages"][0]["health"]["score"] >= 0


def test_it_reads_a_grid_in_the_same_queries_whatever_its_size(
    django_assert_num_queries: Any,
) -> None:
    packages = [_django_package(f"django-p{n}") for n in range(6)]
    make_grid(packages=packages, features=3, slug="big")
    with django_assert_num_queries(GRID_QUERIES):
        data = _ok("grid", {"slug": "big"})
    assert len(data["packages"]) == 6


def test_it_compares_packages_in_the_order_given_with_their_shared_grids(
    django_assert_num_queries: Any,
) -> None:
    one = _django_package("django-one")
    two = _django_package("django-two")
    make_grid(packages=[one, two], features=1, slug="shared", title="Shared")
    package_health_recompute(today=TODAY)
    arguments = {"slugs": ["django-two", "django-nope", "django-one", "django-two"]}
    with django_assert_num_queries(COMPARE_QUERIES):
        data = _ok("compare_packages", arguments)
    assert [p["slug"] for p in data["packages"]] == ["django-two", "django-one"]
    assert data["not_found"] == ["django-nope"]
    assert data["shared_grids"][0]["title"] == "Shared"
    assert data["shared_grids"][0]["features"] == [
        {"feature": "Feature 1", "values": {"django-two": "+", "django-one": "+"}}
    ]
    assert data["compare_url"] == "http://127.0.0.1:8000/compare/django-two,django-one/"
    assert "at most 25" in _error("compare_packages", {"slugs": [f"p{n}" for n in range(26)]})
    assert "Name the packages" in _error("compare_packages", {"slugs": []})


def test_it_links_api_v4_resources_on_the_site_address() -> None:
    package = _django_package("django-widgets")
    data = _ok("package_health", {"slug": package.slug})
    assert data["package"]["category"] == (
        f"http://127.0.0.1:8000/api/v4/categories/{package.category_id}/"
    )
