"""The about and FAQ page, and the footer link to it."""

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

pytestmark = pytest.mark.django_db


def test_it_explains_the_site_the_numbers_the_api_and_adding(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/about/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>About packagegrid</h1>" in html
    for heading in (
        "What is on this site?",
        "Where do the numbers come from?",
        "How do I add a package?",
        "Is there an API?",
        "Feeds",
    ):
        assert f">{heading}</h2>" in html
    assert 'href="/packages/add/"' in html
    assert 'href="/api/v4/"' in html
    assert 'href="/feeds/packages/latest/rss/"' in html
    assert 'href="/feeds/releases/latest/atom/"' in html
    assert 'href="/sitemap.xml"' in html
    assert 'href="/compare/django-filter,django-tables2/"' in html


def test_it_is_linked_from_every_footer(client: Client) -> None:
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="/about/">About</a>' in footer
    assert '<a href="/packages/add/">Add a package</a>' in footer


def test_it_is_read_only(client: Client) -> None:
    assert client.post("/about/").status_code == 405
