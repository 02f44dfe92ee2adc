"""Anonymous responses are served from the cache until any content changes."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from packagegrid.caching.bulk import after_bulk_write
from packagegrid.caching.services import content_version
from packagegrid.catalog.models import Package, RepoData
from packagegrid.conftest import make_package, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _cache_on(settings: Settings) -> Iterator[None]:
    settings.RESPONSE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_it_serves_a_repeated_request_from_the_cache_in_one_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    package = make_package()
    first = client.get(f"/api/v4/packages/{package.id}/")
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(1):
        second = client.get(f"/api/v4/packages/{package.id}/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_any_change_to_the_content_is_visible_at_once(client: Client) -> None:
    package = make_package(repo={"stars": 5})
    assert client.get(f"/api/v4/packages/{package.id}/").json()["repo_watchers"] == 5
    RepoData.objects.filter(package=package).update(stars=6)  # no signal: still cached
    assert client.get(f"/api/v4/packages/{package.id}/").json()["repo_watchers"] == 5
    package.repo_data.refresh_from_db()
    package.repo_data.save()  # a save sends a signal
    assert client.get(f"/api/v4/packages/{package.id}/").json()["repo_watchers"] == 6


def test_bulk_writes_invalidate_too(client: Client) -> None:
    make_package()
    assert client.get("/api/v4/packages/").json()["count"] == 1
    before = content_version()
    Package.objects.bulk_create(
        [Package(title="b", slug="b", category_id=Package.objects.get().category_id)]
    )
    after_bulk_write(inserted_with_ids=[Package])
    assert content_version() != before
    assert client.get("/api/v4/packages/").json()["count"] == 2


def test_it_keeps_formats_and_htmx_requests_apart(client: Client) -> None:
    package = make_package()
    json_body = client.get(f"/api/v4/packages/{package.id}/", HTTP_ACCEPT="application/json")
    html_body = client.get(f"/api/v4/packages/{package.id}/", HTTP_ACCEPT="text/html")
    assert json_body["Content-Type"] == "application/json"
    assert html_body["Content-Type"].startswith("text/html")


def test_it_never_caches_for_people_who_are_logged_in(client: Client) -> None:
    package = make_package()
    client.force_login(make_user("alice"))
    client.get(package.get_absolute_url())
    assert "X-Cache" not in client.get(package.get_absolute_url())


def test_it_does_not_cache_pages_that_carry_a_csrf_token(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert "X-Cache" not in client.get("/accounts/login/")


def test_it_does_not_cache_errors_or_health(client: Client) -> None:
    assert "X-Cache" not in client.get("/api/v4/packages/nope/")
    assert "X-Cache" not in client.get("/health/")


def test_it_is_off_when_the_lifetime_is_zero(client: Client, settings: Settings) -> None:
    settings.RESPONSE_CACHE_SECONDS = 0
    make_package()
    client.get("/api/v4/packages/")
    assert "X-Cache" not in client.get("/api/v4/packages/")
