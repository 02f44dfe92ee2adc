"""The favicon."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from pytest_django import DjangoAssertNumQueries

STATIC = Path(settings.BASE_DIR) / "packagegrid" / "static"


@pytest.mark.django_db
def test_favicon_ico_redirects_to_the_static_icon(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"


@pytest.mark.django_db
def test_every_page_names_its_icons(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in html


def test_the_icon_files_are_real_images() -> None:
    assert (STATIC / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # ICO header
    assert b"\x89PNG" in (STATIC / "favicon.ico").read_bytes()
    assert (STATIC / "favicon.svg").read_text().startswith("<svg")
