"""Conditional GETs on API v3, v4 and v5: ETag and Last-Modified on every answer, 304 to a
current copy, with the response cache on and off."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from packagegrid.accounts.api_keys import api_key_create
from packagegrid.catalog.models import Package, RepoData
from packagegrid.conftest import VERSIONS_QUERY, make_grid, make_package

# Versions are bumped when a transaction commits: the tests must commit.
pytestmark = pytest.mark.django_db(transaction=True)

Path = Callable[[Package], str]
PATHS: list[tuple[str, Path]] = [
    ("v3 list", lambda p: "/api/v3/packages/"),
    ("v3 detail", lambda p: f"/api/v3/packages/{p.slug}/"),
    ("v4 list", lambda p: "/api/v4/packages/"),
    ("v4 detail", lambda p: f"/api/v4/packages/{p.id}/"),
    ("v5 list", lambda p: "/api/v5/packages/"),
    ("v5 detail", lambda p: f"/api/v5/packages/{p.slug}/"),
    ("v5 search", lambda p: "/api/v5/search/?q=widgets"),
    ("v5 grid", lambda p: "/api/v5/grids/"),
]


@pytest.fixture(params=[0, 300], ids=["cache-off", "cache-on"])
def cache_seconds(request: pytest.FixtureRequest, settings: Settings) -> Iterator[int]:
    seconds: int = request.param
    settings.RESPONSE_CACHE_SECONDS = seconds
    cache.clear()
    yield seconds
    cache.clear()


def _set_stars(package: Package, stars: int) -> None:
    repo = RepoData.objects.get(package=package)
    repo.stars = stars
    repo.save(update_fields=["stars"])


def _varies(header: str) -> set[str]:
    return {value.strip().lower() for value in header.split(",")}


@pytest.mark.parametrize(("name", "path_of"), PATHS, ids=[name for name, _ in PATHS])
def test_a_repeated_get_with_if_none_match_gets_304_until_the_package_changes(
    client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    cache_seconds: int,
    name: str,
    path_of: Path,
) -> None:
    package = make_package(slug="django-widgets", title="django-widgets")
    make_grid(packages=[package])
    path = path_of(package)
    first = client.get(path)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('W/"')
    assert first["Last-Modified"].endswith(" GMT")
    assert sorted(first["Cache-Control"].split(", ")) == ["max-age=0", "must-revalidate"]
    assert {"accept", "accept-encoding", "cookie"} <= _varies(first["Vary"])
    assert first.has_header("X-Cache") is (cache_seconds > 0)
    # The 304 comes from the versions alone: one query, no render, no cached copy needed.
    cache.clear()
    with django_assert_num_queries(VERSIONS_QUERY):
        not_modified = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    for header in ("ETag", "Last-Modified", "Cache-Control"):
        assert not_modified[header] == first[header], header
    assert _varies(not_modified["Vary"]) == _varies(first["Vary"])
    assert not_modified.has_header("RateLimit-Remaining")  # counted like any answer
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    _set_stars(package, 4321)
    changed = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert client.get(path, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304


def test_an_old_date_or_a_wrong_etag_gets_the_whole_answer(client: Client) -> None:
    package = make_package()
    path = f"/api/v5/packages/{package.slug}/"
    etag = client.get(path)["ETag"]
    stale = client.get(path, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT")
    assert stale.status_code == 200 and stale.json()["slug"] == package.slug
    wrong = client.get(path, HTTP_IF_NONE_MATCH='"nope", W/"other"')
    assert wrong.status_code == 200 and wrong["ETag"] == etag
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    both = client.get(
        path, HTTP_IF_NONE_MATCH='"nope"', HTTP_IF_MODIFIED_SINCE="Fri, 01 Jan 2100 00:00:00 GMT"
    )
    assert both.status_code == 200


def test_formats_have_their_own_etags(client: Client) -> None:
    package = make_package()
    path = f"/api/v4/packages/{package.id}/"
    as_json = client.get(path, HTTP_ACCEPT="application/json")
    as_html = client.get(path, HTTP_ACCEPT="text/html")
    assert as_json["ETag"] != as_html["ETag"]
    assert (
        client.get(path, HTTP_ACCEPT="text/html", HTTP_IF_NONE_MATCH=as_json["ETag"]).status_code
        == 200
    )


def test_only_whether_gzip_is_accepted_tells_encodings_apart(client: Client) -> None:
    package = make_package()
    path = f"/api/v5/packages/{package.slug}/"
    plain = client.get(path)["ETag"]
    assert client.get(path, HTTP_ACCEPT_ENCODING="identity")["ETag"] == plain
    gzip = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert gzip["Content-Encoding"] == "gzip"
    assert gzip["ETag"] != plain
    assert client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")["ETag"] == gzip["ETag"]
    # A copy fetched with one client's header is current for another's, when they match.
    assert client.get(path, HTTP_IF_NONE_MATCH=plain).status_code == 304
    assert (
        client.get(path, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain).status_code == 200
    )


def test_an_api_key_changes_nothing_but_the_limit(
    client: Client, alice: User, settings: Settings
) -> None:
    settings.API_RATE_LIMIT, settings.API_RATE_LIMIT_KEY = 10, 20
    package = make_package()
    path = f"/api/v5/packages/{package.slug}/"
    anonymous = client.get(path)
    key = api_key_create(user=alice, name="ci").key
    with_key = client.get(path, HTTP_X_API_KEY=key, HTTP_IF_NONE_MATCH=anonymous["ETag"])
    assert with_key.status_code == 304
    assert with_key["ETag"] == anonymous["ETag"]
    assert (anonymous["RateLimit-Limit"], with_key["RateLimit-Limit"]) == ("10", "20")


def test_a_signed_in_client_gets_private_etags_of_its_own(client: Client, alice: User) -> None:
    package = make_package()
    path = f"/api/v5/packages/{package.slug}/?format=api"
    anonymous = client.get(path)
    client.force_login(alice)
    client.get(path)  # sets the CSRF cookie that the page shows from now on
    mine = client.get(path)
    assert mine.status_code == 200
    assert "private" in mine["Cache-Control"]
    assert "X-Cache" not in mine
    assert mine["ETag"] != anonymous["ETag"]
    # A copy fetched before signing in is not current: the page now names the person.
    assert client.get(path, HTTP_IF_NONE_MATCH=anonymous["ETag"]).status_code == 200
    not_modified = client.get(path, HTTP_IF_NONE_MATCH=mine["ETag"])
    assert not_modified.status_code == 304
    assert "private" in not_modified["Cache-Control"]
    client.logout()
    client.force_login(alice)  # a new session
    assert client.get(path, HTTP_IF_NONE_MATCH=mine["ETag"]).status_code == 200


def test_errors_and_the_change_feed_carry_no_validators(client: Client) -> None:
    make_package()
    for path, status in [
        ("/api/v5/packages/nope/", 404),
        ("/api/v5/packages/?django=x", 400),
        ("/api/v5/packages/?ordering=nope", 400),
        ("/api/v5/changes/", 200),
    ]:
        response = client.get(path)
        assert response.status_code == status, path
        assert "ETag" not in response, path
        assert "Last-Modified" not in response, path
        # "*" would need to know before the view runs that the resource exists: never 304.
        assert client.get(path, HTTP_IF_NONE_MATCH="*").status_code == status, path


def test_writes_are_never_answered_304(client: Client) -> None:
    response = client.post("/api/v5/packages/", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 405
    assert "ETag" not in response


def test_the_schema_documents_the_304_of_every_validated_get(client: Client) -> None:
    paths = client.get("/api/schema/?format=json").json()["paths"]
    gets = {path: item["get"] for path, item in paths.items() if "get" in item}
    validated = [p for p in gets if p.startswith(("/api/v3/", "/api/v4/", "/api/v5/"))]
    assert "/api/v5/packages/{id}/" in validated
    for path in validated:
        documented = "304" in gets[path]["responses"]
        assert documented is (path != "/api/v5/changes/"), path
    headers = gets["/api/v5/packages/"]["responses"]["304"]["headers"]
    assert {"ETag", "Last-Modified", "RateLimit-Remaining"} <= set(headers)
