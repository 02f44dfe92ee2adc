"""API v5's releases, grids, categories, people, search and compare; cursor pages,
filters and orderings on the package list."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import Category, Favorite, Package
from packagegrid.conftest import (
    VERSIONS_QUERY,
    add_to_grid,
    make_category,
    make_feature,
    make_grid,
    make_health,
    make_package,
    make_release,
    make_usage,
    make_user,
    set_cell,
)
from packagegrid.fetchers.models import FetchState
from packagegrid.health.tests.support import advisory, apply_pypi
from packagegrid.search.services import search_reindex

pytestmark = pytest.mark.django_db


def _get(client: Client, url: str) -> Any:
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def _ids(client: Client, url: str) -> list[int]:
    return [item["id"] for item in _get(client, url)["results"]]


def _walk(client: Client, url: str) -> list[int]:
    """Every id of a list, following `next` links."""
    ids: list[int] = []
    next_url: str | None = url
    while next_url:
        data = _get(client, next_url)
        ids += [item["id"] for item in data["results"]]
        next_url = data["next"]
    return ids


def test_it_adds_counts_releases_and_fetch_states_to_a_package(client: Client) -> None:
    package = make_package()
    make_usage(package, 2)
    Favorite.objects.create(package=package, user=make_user())
    FetchState.objects.create(
        package=package,
        source="github",
        last_error="404 Not Found",
        last_error_at=datetime(2026, 1, 2, tzinfo=UTC),
        error_count=1,
    )
    data = _get(client, f"/api/v5/packages/{package.slug}/")
    assert (data["usage_count"], data["favorite_count"]) == (2, 1)
    assert data["fetch"]["github"]["last_error"] == "404 Not Found"
    assert data["fetch"]["github"]["error_count"] == 1
    assert data["releases"] == f"http://testserver/api/v5/releases/?package={package.id}"


def test_it_lists_a_packages_releases_newest_first(client: Client) -> None:
    package, other = make_package(), make_package()
    old, new = make_release(package, "1.0", days_ago=10), make_release(package, "2.0")
    make_release(other, "9.0")
    assert _ids(client, f"/api/v5/releases/?package={package.slug}") == [new.id, old.id]
    assert _ids(client, f"/api/v5/releases/?package={package.id}") == [new.id, old.id]
    assert _ids(client, "/api/v5/releases/?package=nobody") == []
    detail = _get(client, f"/api/v5/releases/{old.id}/")
    assert (detail["version"], detail["package"]["slug"]) == ("1.0", package.slug)


def test_a_grid_has_its_packages_features_and_cells(client: Client) -> None:
    a, b = make_package(title="Alpha"), make_package(title="Beta")
    grid = make_grid(slug="forms")
    add_to_grid(grid, b, a)
    feature = make_feature(grid, "Widgets")
    set_cell(grid, a, feature, "yes")
    data = _get(client, "/api/v5/grids/forms/")
    assert [p["slug"] for p in data["packages"]] == [a.slug, b.slug]
    assert data["features"] == [{"id": feature.id, "title": "Widgets", "description": ""}]
    assert data["cells"] == [{"feature": feature.id, "package": a.id, "text": "yes"}]
    assert data == _get(client, f"/api/v5/grids/{grid.id}/")
    assert "cells" not in _get(client, "/api/v5/grids/")["results"][0]


def test_categories_count_their_packages(client: Client) -> None:
    category = make_category(slug="apps")
    make_package(category=category)
    make_package(category=category)
    data = _get(client, "/api/v5/categories/apps/")
    assert data["package_count"] == 2
    assert _ids(client, data["packages"]) == list(
        Package.objects.order_by("-id").values_list("id", flat=True)
    )


def test_people_show_public_facts_only(client: Client, alice: User) -> None:
    alice.email = "alice@example.com"
    alice.first_name = "Alice Secret"
    alice.save()
    package = make_package(created_by=alice)
    data = _get(client, "/api/v5/users/alice/")
    assert set(data) == {
        "id",
        "username",
        "date_joined",
        "github_account",
        "gitlab_url",
        "bitbucket_url",
        "packages_added",
        "grids",
        "url",
    }
    assert data["packages_added"][0]["slug"] == package.slug
    assert "alice@example.com" not in str(data) and "Secret" not in str(data)
    assert data == _get(client, f"/api/v5/users/{alice.id}/")


def test_search_finds_packages(client: Client) -> None:
    make_package(title="django-rest-widgets", slug="django-rest-widgets")
    search_reindex()
    results = _get(client, "/api/v5/search/?q=widgets")["results"]
    assert results[0]["slug"] == "django-rest-widgets"
    assert results[0]["url"] == "http://testserver/api/v5/packages/django-rest-widgets/"
    assert _get(client, "/api/v5/search/?q=")["results"] == []


def test_compare_keeps_the_order_given(client: Client) -> None:
    a, b = make_package(), make_package()
    data = _get(client, f"/api/v5/compare/?packages={b.slug},{a.slug},nope")
    assert [p["slug"] for p in data["packages"]] == [b.slug, a.slug]
    assert data["not_found"] == ["nope"]
    assert client.get("/api/v5/compare/").status_code == 400
    many = ",".join(f"p{i}" for i in range(26))
    assert client.get(f"/api/v5/compare/?packages={many}").status_code == 400


@pytest.mark.parametrize("rows", [2, 25])
def test_every_v5_resource_takes_constant_queries(
    client: Client, rows: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    grid = make_grid(slug="g")
    feature = make_feature(grid, "f")
    user = make_user("maker")
    for n in range(rows):
        package = make_package(created_by=user)
        make_release(package, "1.0")
        add_to_grid(grid, package)
        set_cell(grid, package, feature, "x")
        make_grid(slug=f"g{n}", created_by=user)
    for url, queries in [
        ("/api/v5/releases/?page_size=100", 1),
        ("/api/v5/grids/?page_size=100", 3),
        ("/api/v5/grids/g/", 4),
        ("/api/v5/categories/?page_size=100", 1),
        ("/api/v5/users/?page_size=100", 3),
        ("/api/v5/users/maker/", 3),
        (f"/api/v5/compare/?packages={','.join(p.slug for p in Package.objects.all()[:20])}", 7),
    ]:
        with django_assert_num_queries(VERSIONS_QUERY + queries):
            _get(client, url)


# --- cursor pages ---------------------------------------------------------------------


def test_the_cursor_neither_repeats_nor_skips_under_inserts(client: Client) -> None:
    for n in range(5):
        make_package(repo={"stars": 10 * (n % 2)})
    first = _get(client, "/api/v5/packages/?ordering=-stars&page_size=2")
    seen = [p["id"] for p in first["results"]]
    make_package(repo={"stars": 1000})  # sorts before the first page: not seen now
    make_package(repo={"stars": 0})  # sorts after every page: seen at the end
    seen += _walk(client, first["next"])
    assert len(seen) == len(set(seen)) == 6
    expected = list(
        Package.objects.order_by("-repo_data__stars", "-id").values_list("id", flat=True)
    )
    assert seen == expected[1:]


def test_a_cursor_for_another_ordering_is_refused(client: Client) -> None:
    for _ in range(3):
        make_package()
    link = _get(client, "/api/v5/packages/?page_size=1&ordering=title")["next"]
    cursor = link.split("cursor=")[1].split("&")[0]
    response = client.get(f"/api/v5/packages/?cursor={cursor}&ordering=-stars")
    assert response.status_code == 400
    assert "cursor" in response.json()


# --- filters ------------------------------------------------------------------------------


def test_it_filters_by_category_and_grid(client: Client) -> None:
    apps = make_category(slug="apps")
    a = make_package(category=apps)
    b = make_package(category=make_category(slug="tools"))
    add_to_grid(make_grid(slug="grid"), b)
    assert _ids(client, "/api/v5/packages/?category=apps") == [a.id]
    assert _ids(client, "/api/v5/packages/?grid=grid") == [b.id]
    response = client.get("/api/v5/packages/?category=nope")
    assert response.status_code == 400
    assert response.json() == {"category": ["No category has this slug."]}


def test_it_filters_by_license_ignoring_case(client: Client) -> None:
    mit = make_package(pypi={"license": "MIT"})
    make_package(pypi={"license": "BSD-3-Clause"})
    from_repo = make_package(pypi={"license": ""}, repo={"license": "mit"})
    assert _ids(client, "/api/v5/packages/?license=mit") == [from_repo.id, mit.id]


def test_it_filters_by_lifecycle(client: Client) -> None:
    active, gone = make_package(), make_package()
    make_health(active, 80, "active")
    make_health(gone, 10, "abandoned")
    assert _ids(client, "/api/v5/packages/?lifecycle=abandoned") == [gone.id]
    assert client.get("/api/v5/packages/?lifecycle=zombie").status_code == 400


def test_it_filters_by_django_and_python_support(client: Client) -> None:
    both = make_package()
    apply_pypi(
        both,
        classifiers=["Framework :: Django :: 5.2", "Programming Language :: Python :: 3.13"],
    )
    make_package()
    assert _ids(client, "/api/v5/packages/?django=5.2") == [both.id]
    assert _ids(client, "/api/v5/packages/?python=3.13&django=5.2") == [both.id]
    assert _ids(client, "/api/v5/packages/?django=4.2") == []
    response = client.get("/api/v5/packages/?django=five")
    assert response.status_code == 400
    assert response.json() == {"django": ['Give a feature release such as "5.2".']}


def test_it_filters_by_advisory(client: Client) -> None:
    advised, clean = make_package(), make_package()
    apply_pypi(advised, advisories=[advisory("GHSA-live")])
    assert _ids(client, "/api/v5/packages/?has_advisory=true") == [advised.id]
    assert advised.id not in _ids(client, "/api/v5/packages/?has_advisory=false")
    assert clean.id in _ids(client, "/api/v5/packages/?has_advisory=false")
    assert client.get("/api/v5/packages/?has_advisory=maybe").status_code == 400


def test_it_filters_by_updated_since(client: Client) -> None:
    old = make_package(modified=datetime(2020, 1, 1, tzinfo=UTC), fetched=False)
    new = make_package(modified=datetime(2026, 3, 1, tzinfo=UTC), fetched=False)
    assert _ids(client, "/api/v5/packages/?updated_since=2026-01-01T00:00:00Z") == [new.id]
    assert _ids(client, "/api/v5/packages/?updated_since=2019-12-31") == [new.id, old.id]
    response = client.get("/api/v5/packages/?updated_since=yesterday")
    assert response.status_code == 400
    assert "updated_since" in response.json()


# --- ordering ----------------------------------------------------------------------------


def test_it_orders_by_health_with_unscored_last(client: Client) -> None:
    low, high, unscored = make_package(), make_package(), make_package()
    make_health(low, 20)
    make_health(high, 90)
    assert _ids(client, "/api/v5/packages/?ordering=-health") == [high.id, low.id, unscored.id]
    assert _ids(client, "/api/v5/packages/?ordering=health") == [unscored.id, low.id, high.id]


def test_it_orders_by_stars_usage_last_release_and_title(client: Client) -> None:
    a = make_package(title="Zeta", repo={"stars": 5})
    b = make_package(title="alpha", repo={"stars": 50})
    c = make_package(title="Mid", repo={"stars": 5})
    make_usage(c, 3)
    make_usage(a, 1)
    make_release(a, "1.0", days_ago=1)
    make_release(b, "1.0", days_ago=30)
    assert _ids(client, "/api/v5/packages/?ordering=-stars") == [b.id, c.id, a.id]
    assert _ids(client, "/api/v5/packages/?ordering=-usage") == [c.id, a.id, b.id]
    assert _ids(client, "/api/v5/packages/?ordering=-last_release") == [a.id, b.id, c.id]
    assert _ids(client, "/api/v5/packages/?ordering=title") == [c.id, a.id, b.id]
    assert _walk(client, "/api/v5/packages/?ordering=-last_release&page_size=1") == [
        a.id,
        b.id,
        c.id,
    ]
    response = client.get("/api/v5/packages/?ordering=downloads")
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_bad_input_changes_nothing(client: Client) -> None:
    make_package()
    before = list(Category.objects.values()), list(Package.objects.values())
    for url in [
        "/api/v5/packages/?cursor=%00",
        "/api/v5/packages/?updated_since=2026-13-45",
        "/api/v5/packages/?page_size=-1",
    ]:
        assert client.get(url).status_code < 500
    assert (list(Category.objects.values()), list(Package.objects.values())) == before
