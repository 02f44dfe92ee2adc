"""The type-ahead fragment and the OpenSearch description (the results page is tested in
packagegrid/web/tests/test_search.py)."""

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries, Settings

from packagegrid.conftest import make_package

pytestmark = pytest.mark.django_db


def test_it_suggests_options_for_a_combobox(client: Client) -> None:
    make_package(title="django-sesame", slug="django-sesame", repo={"description": "<b>Links</b>"})
    response = client.get("/search/suggest/", {"q": "sesa"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<li role="option" id="header-suggest-1"' in html
    assert 'aria-selected="false"' in html
    assert 'data-href="/packages/p/django-sesame/"' in html
    assert "<a " not in html  # no interactive element inside an option (axe nested-interactive)
    assert "django-<mark>sesa</mark>me" not in html  # whole words are marked
    assert "django-<mark>sesame</mark>" in html
    assert "&lt;b&gt;Links&lt;/b&gt;" in html
    assert 'id="header-suggest-all"' in html
    assert 'data-href="/search/?q=sesa"' in html


def test_it_suggests_nothing_for_an_empty_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/search/suggest/", {"q": ""})
    assert response.content.decode().strip() == ""


def test_it_offers_the_results_page_when_no_name_matches(client: Client) -> None:
    html = client.get("/search/suggest/", {"q": "nothing like it"}).content.decode()
    assert "No name matches: search descriptions for" in html


def test_it_suggests_in_one_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(20):
        make_package()
    with django_assert_num_queries(1):
        client.get("/search/suggest/", {"q": "django-thing"})


def test_it_answers_browsers_in_the_opensearch_suggestions_shape(client: Client) -> None:
    make_package(title="django-sesame", slug="django-sesame")
    response = client.get("/search/suggest/", {"q": "sesame", "format": "json"})
    assert response.json() == ["sesame", ["django-sesame"]]


@pytest.mark.parametrize("query", ["x" * 10_000, '"*:-()', "NEAR(", "ǅ\u200b🐍%_"])
def test_it_never_fails_on_odd_input(client: Client, query: str) -> None:
    make_package()
    assert client.get("/search/suggest/", {"q": query}).status_code == 200
    assert client.get("/search/suggest/", {"q": query, "format": "json"}).status_code == 200


def test_it_describes_the_site_for_browsers(client: Client, settings: Settings) -> None:
    settings.SITE_URL = "https://packages.example"
    response = client.get("/opensearch.xml")
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert 'template="https://packages.example/search/?q={searchTerms}"' in body
    assert "https://packages.example/search/suggest/?format=json&amp;q={searchTerms}" in body


def test_every_page_links_the_opensearch_description_and_the_type_ahead(client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'rel="search" type="application/opensearchdescription+xml"' in html
    assert 'href="/opensearch.xml"' in html
    assert 'role="combobox"' in html
    assert 'aria-controls="header-suggest"' in html
    assert 'hx-get="/search/suggest/"' in html
    assert '<ul id="header-suggest" class="typeahead-list" role="listbox"' in html
    assert "js/search.js" in html
