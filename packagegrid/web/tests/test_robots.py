"""robots.txt."""

import pytest
from django.test import Client, override_settings
from pytest_django import DjangoAssertNumQueries


@pytest.mark.django_db
@override_settings(SITE_URL="https://packages.example")
def test_it_allows_everything_and_names_the_sitemap(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == (
        "User-agent: *\nAllow: /\n\nSitemap: https://packages.example/sitemap.xml\n"
    )
