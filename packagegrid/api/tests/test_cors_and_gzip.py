"""CORS on /api/ (any origin may GET, never with credentials) and gzip for API JSON only."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from django.test import Client

from packagegrid.conftest import VERSIONS_QUERY, make_package

pytestmark = pytest.mark.django_db

ORIGIN = "https://example.org"


def test_it_lets_any_origin_read_the_api_without_credentials(client: Client) -> None:
    make_package()
    response = client.get("/api/v4/packages/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_it_answers_a_preflight_for_get_only(client: Client) -> None:
    response = client.options(
        "/api/v5/packages/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_it_sends_no_cors_header_outside_the_api(client: Client) -> None:
    response = client.get("/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("path", ["/api/v4/packages/", "/api/v3/packages/", "/api/v5/packages/"])
def test_it_compresses_api_json(client: Client, path: str) -> None:
    for _ in range(5):
        make_package()
    response = client.get(path, HTTP_ACCEPT="application/json", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    body: Any = json.loads(gzip.decompress(response.content))
    assert len(body.get("results", body.get("objects", []))) == 5


def test_it_compresses_the_schema(client: Client) -> None:
    response = client.get("/api/schema/?format=json", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["openapi"] == "3.1.0"


@pytest.mark.parametrize("path", ["/api/v4/packages/", "/api/", "/packages/"])
def test_it_never_compresses_html(client: Client, path: str) -> None:
    """HTML pages may carry a CSRF token, which gzip would expose to BREACH; the
    browsable API (HTML under /api/v4/) included."""
    for _ in range(5):
        make_package()
    response = client.get(path, HTTP_ACCEPT="text/html", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Encoding" not in response


def test_it_leaves_json_alone_when_the_client_does_not_accept_gzip(client: Client) -> None:
    make_package()
    response = client.get("/api/v4/packages/", HTTP_ACCEPT="application/json")
    assert "Content-Encoding" not in response
    assert response.json()["count"] == 1


def test_compression_adds_no_query(client: Client, django_assert_num_queries: Any) -> None:
    for _ in range(3):
        make_package()
    # The page and its grid links (a list that fits on its first page is not counted), as
    # test_packages measures without gzip.
    with django_assert_num_queries(VERSIONS_QUERY + 2):
        plain = client.get("/api/v4/packages/", HTTP_ACCEPT="application/json")
    with django_assert_num_queries(VERSIONS_QUERY + 2):
        packed = client.get(
            "/api/v4/packages/", HTTP_ACCEPT="application/json", HTTP_ACCEPT_ENCODING="gzip"
        )
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
