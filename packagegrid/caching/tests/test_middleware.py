"""Anonymous responses are served from the cache until what they show changes."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from packagegrid.caching.bulk import after_bulk_write
from packagegrid.catalog.models import Package, RepoData
from packagegrid.conftest import make_grid, make_package, make_user
from packagegrid.grids.models import Element

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _cache_on(settings: Settings) -> Iterator[None]:
    settings.RESPONSE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _set_stars(package: Package, stars: int) -> None:
    repo = RepoData.objects.get(package=package)
    repo.stars = stars
    repo.save(update_fields=["stars"])


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


@pytest.mark.parametrize("rows", [1, 8])
def test_a_hit_takes_one_query_whatever_the_rows(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, rows: int
) -> None:
    packages = [make_package() for _ in range(rows)]
    grid = make_grid(packages=packages, features=3)
    for path in ("/", "/packages/", grid.get_absolute_url(), "/api/v4/packages/"):
        assert client.get(path)["X-Cache"] == "miss"
        with django_assert_num_queries(1):
            assert client.get(path)["X-Cache"] == "hit"


def test_a_change_to_a_package_re_renders_every_page_showing_it(client: Client) -> None:
    package = make_package(repo={"stars": 5})
    grid = make_grid(packages=[package], features=1)
    pages = [
        f"/api/v4/packages/{package.id}/",
        f"/api/v4/packages/{package.slug}/",
        package.get_absolute_url(),
        grid.get_absolute_url(),
        f"/categories/{package.category.slug}/",
        "/packages/",
        "/api/v4/packages/",
        "/api/v3/packages/",
    ]
    for path in pages:
        assert client.get(path)["X-Cache"] == "miss"
        assert client.get(path)["X-Cache"] == "hit"
    RepoData.objects.filter(package=package).update(stars=6)  # no signal: still cached
    assert client.get(f"/api/v4/packages/{package.id}/").json()["repo_watchers"] == 5
    _set_stars(package, 6_543)
    for path in pages:
        response = client.get(path)
        assert response["X-Cache"] == "miss", path
        assert "6543" in response.content.decode().replace(",", "").replace(" ", ""), path


def test_a_change_to_one_package_leaves_the_others_pages_cached(client: Client) -> None:
    package, other = make_package(), make_package()
    grid = make_grid(packages=[other], features=1)
    pages = [other.get_absolute_url(), grid.get_absolute_url(), f"/api/v4/packages/{other.id}/"]
    for path in pages:
        client.get(path)
    _set_stars(package, 77)
    for path in pages:
        assert client.get(path)["X-Cache"] == "hit", path
    assert client.get("/api/v4/packages/")["X-Cache"] == "miss"


def test_a_login_leaves_every_page_cached(client: Client) -> None:
    make_user("alice", password="a long enough password 42")
    package = make_package()
    client.get(package.get_absolute_url())
    other = Client()
    assert (
        other.post(
            "/accounts/login/", {"login": "alice", "password": "a long enough password 42"}
        ).status_code
        == 302
    )
    assert client.get(package.get_absolute_url())["X-Cache"] == "hit"


def test_bulk_writes_invalidate_everything(client: Client) -> None:
    make_package()
    assert client.get("/api/v4/packages/").json()["count"] == 1
    Package.objects.bulk_create(
        [Package(title="b", slug="b", category_id=Package.objects.get().category_id)]
    )
    after_bulk_write(inserted_with_ids=[Package])
    assert client.get("/api/v4/packages/").json()["count"] == 2


@pytest.mark.parametrize(
    "path", ["/", "/api/v4/packages/", "/api/v3/packages/", "/api/v5/packages/"]
)
def test_it_answers_304_to_a_current_etag_without_rendering(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, path: str
) -> None:
    package = make_package()
    first = client.get(path)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"')
    assert "max-age=0" in first["Cache-Control"]
    cache.clear()  # a 304 needs no cached copy: it is derived from the versions alone
    with django_assert_num_queries(1):
        not_modified = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    _set_stars(package, 1234)
    changed = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_it_answers_304_to_if_modified_since(client: Client) -> None:
    package = make_package()
    first = client.get(package.get_absolute_url())
    last_modified = first["Last-Modified"]
    assert (
        client.get(package.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=last_modified).status_code
        == 304
    )
    assert (
        client.get(
            package.get_absolute_url(), HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT"
        ).status_code
        == 200
    )


def test_a_wrong_etag_gets_the_whole_page(client: Client) -> None:
    package = make_package()
    response = client.get(package.get_absolute_url(), HTTP_IF_NONE_MATCH='"nope", W/"other"')
    assert response.status_code == 200
    assert package.title in response.content.decode()


def test_it_keeps_formats_and_htmx_requests_apart(client: Client) -> None:
    package = make_package()
    json_body = client.get(f"/api/v4/packages/{package.id}/", HTTP_ACCEPT="application/json")
    html_body = client.get(f"/api/v4/packages/{package.id}/", HTTP_ACCEPT="text/html")
    assert json_body["Content-Type"] == "application/json"
    assert html_body["Content-Type"].startswith("text/html")
    assert json_body["ETag"] != html_body["ETag"]


def test_it_never_caches_for_people_who_are_logged_in(client: Client) -> None:
    package = make_package()
    client.force_login(make_user("alice"))
    client.get(package.get_absolute_url())
    response = client.get(package.get_absolute_url())
    assert "X-Cache" not in response
    assert "ETag" not in response


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
    package = make_package()
    client.get("/api/v4/packages/")
    response = client.get("/api/v4/packages/")
    assert "X-Cache" not in response
    assert response["ETag"].startswith('W/"')  # the API keeps its validators
    client.get(package.get_absolute_url())
    page = client.get(package.get_absolute_url())
    assert "X-Cache" not in page
    assert "ETag" not in page  # pages have them only with the cache


def test_it_caches_the_browsable_api_for_anonymous_visitors(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    package = make_package()
    path = f"/api/v4/packages/{package.id}/?format=api"
    first = client.get(path)
    assert first.status_code == 200
    assert first["X-Cache"] == "miss"
    assert "csrftoken" not in first.cookies
    body = first.content.decode()
    assert package.title in body
    assert 'name="csrfmiddlewaretoken"' not in body
    assert '"csrfToken": ""' in body
    with django_assert_num_queries(1):
        second = client.get(path)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_browsable_api_keeps_its_token_for_people_logged_in(client: Client) -> None:
    package = make_package()
    client.force_login(make_user("alice"))
    response = client.get(f"/api/v4/packages/{package.id}/?format=api")
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert '"csrfToken": ""' not in response.content.decode()
    assert "csrftoken" in response.cookies


def test_a_grid_table_is_cached_by_the_grid_version_for_people_logged_in_too(
    client: Client,
) -> None:
    grid = make_grid(packages=[make_package(), make_package()], features=2, is_locked=True)
    client.force_login(make_user("bob"))
    assert "Zebra stripes" not in client.get(grid.get_absolute_url()).content.decode()
    cell = Element.objects.filter(grid_package__grid=grid).first()
    assert cell is not None
    Element.objects.filter(pk=cell.pk).update(text="Zebra stripes")  # no signal
    cached = client.get(grid.get_absolute_url()).content.decode()
    assert "Zebra stripes" not in cached  # the table came from the fragment cache
    assert "X-Cache" not in client.get(grid.get_absolute_url())  # the page itself is not
    cell.refresh_from_db()
    cell.save()  # bumps the grid's version
    assert "Zebra stripes" in client.get(grid.get_absolute_url()).content.decode()


def test_a_grid_table_with_edit_forms_is_never_shared(client: Client) -> None:
    grid = make_grid(packages=[make_package()], features=1)
    client.force_login(make_user("carol"))
    first = client.get(grid.get_absolute_url()).content.decode()
    assert "Add a feature" in first
    Element.objects.filter(grid_package__grid=grid).update(text="Zebra stripes")  # no signal
    assert "Zebra stripes" in client.get(grid.get_absolute_url()).content.decode()
