"""API v3 as a whole: the root, read-only methods, JSON whatever is asked, error shape."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.conftest import VERSIONS_QUERY, make_grid, make_package

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/api/v3/",
    "/api/v3/packages/",
    "/api/v3/packages/django-thing-1/",
    "/api/v3/grids/",
    "/api/v3/grids/grid-1/",
    "/api/v3/grids/grid-1/packages/",
    "/api/v3/categories/",
    "/api/v3/categories/category-1/",
]


@pytest.fixture
def catalog(db: None) -> None:
    """One package in one category and one grid, reachable by the slugs in PUBLIC_URLS."""
    make_grid(packages=[make_package()])


def test_it_lists_the_four_collections_with_relative_urls(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(VERSIONS_QUERY):
        response = client.get("/api/v3/")
    assert response.status_code == 200
    assert response.json() == {
        "categories": "/api/v3/categories/",
        "grids": "/api/v3/grids/",
        "packages": "/api/v3/packages/",
        "users": "/api/v3/users/",
    }


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_it_serves_json_by_default(client: Client, catalog: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("url", PUBLIC_URLS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_refuses_writes_with_405_json(
    client: Client, catalog: None, url: str, method: str
) -> None:
    response = getattr(client, method)(url, {}, content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": 405,
        "message": f'Method "{method.upper()}" not allowed.',
    }


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_it_answers_head_and_options(client: Client, catalog: None, url: str) -> None:
    assert client.head(url).status_code == 200
    assert client.options(url).status_code == 200


@pytest.mark.parametrize("url", PUBLIC_URLS)
@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ({"format": "api"}, "*/*"),
        ({"format": "xml"}, "*/*"),
        ({}, "text/html"),
        ({}, "application/xml"),
        ({}, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ],
)
def test_it_answers_json_whatever_is_asked_for(
    client: Client, catalog: None, url: str, query: dict[str, str], accept: str
) -> None:
    """Never the browsable API's HTML, never a 406: upstream's v3 only spoke JSON."""
    response = client.get(url, query, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert isinstance(response.json(), dict)


def test_it_keeps_the_format_in_paging_links(client: Client) -> None:
    make_package()
    make_package()
    body = client.get("/api/v3/packages/", {"limit": "1", "format": "json"}).json()
    assert body["meta"]["next"] == "/api/v3/packages/?limit=1&offset=1&format=json"


def test_it_sends_anonymous_writes_to_users_to_the_login_page(client: Client) -> None:
    response = client.post("/api/v3/users/", {}, content_type="application/json")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/api/v3/users/"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v3/packages/a.b/",
        "/api/v3/nothing-here/",
    ],
)
def test_it_answers_impossible_slugs_with_404(client: Client, url: str) -> None:
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == 404
    assert isinstance(response.json()["message"], str)


def test_it_answers_a_post_to_an_unknown_path_with_404_json() -> None:
    response = Client(enforce_csrf_checks=True).post("/api/v3/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"error": 404, "message": "Not found."}


def test_it_redirects_a_path_without_its_trailing_slash(client: Client, catalog: None) -> None:
    response = client.get("/api/v3/packages/django-thing-1")
    assert response.status_code == 301
    assert response["Location"] == "/api/v3/packages/django-thing-1/"
    assert client.get(response["Location"]).json()["slug"] == "django-thing-1"


@pytest.mark.parametrize(
    "url", ["/api/v1/", "/api/v1/package/django-cms/", "/api/v1/grid/cms/", "/api/v1"]
)
@pytest.mark.parametrize("method", ["get", "head", "post"])
def test_it_answers_api_v1_with_410_gone(url: str, method: str) -> None:
    response = getattr(Client(enforce_csrf_checks=True), method)(url)
    assert response.status_code == 410
    if method == "get":
        assert response.json()["error"] == 410
        assert "APIv1 was removed on April 2, 2015" in response.json()["message"]


def test_it_answers_an_impossible_account_with_404(
    client: Client, make_person: Callable[..., User]
) -> None:
    client.force_login(make_person("alice"))
    assert client.get("/api/v3/users/a%00b/").status_code == 400  # NUL middleware
