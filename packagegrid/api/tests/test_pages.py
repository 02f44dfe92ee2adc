"""The API's pages for people: the overview at /api/, Swagger UI and Redoc."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_menu_leads_to_the_api_overview(client: Client) -> None:
    home = client.get("/").content.decode()
    assert '<a href="/api/"' in home
    response = client.get("/api/")
    assert response.status_code == 200
    page = response.content.decode()
    for link in ("/api/v5/", "/api/v4/", "/api/v3/", "/api/docs/", "/api/redoc/", "/api/schema/"):
        assert f'href="{link}' in page, link


def test_the_overview_takes_no_query(client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert client.get("/api/").status_code == 200


@pytest.mark.parametrize(
    ("path", "asset"),
    [
        ("/api/docs/", "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"),
        ("/api/redoc/", "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"),
    ],
)
def test_the_docs_pages_load_only_our_own_files(client: Client, path: str, asset: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'src="/static/{asset}"' in page
    assert 'data-schema-url="/api/schema/?format=json"' in page
    assert "https://" not in page  # no CDN, no web fonts
    assert "<script>" not in page  # no inline script


def test_only_redoc_may_insert_styles(client: Client) -> None:
    swagger = client.get("/api/docs/")["Content-Security-Policy"]
    redoc = client.get("/api/redoc/")["Content-Security-Policy"]
    assert "style-src 'self';" in swagger
    assert "style-src 'self' 'unsafe-inline'" in redoc
    assert "script-src 'self';" in redoc


def test_the_v4_root_keeps_its_json_shape(client: Client) -> None:
    response = client.get("/api/v4/", HTTP_ACCEPT="application/json")
    assert list(response.json()) == ["packages", "search", "grids", "categories"]
