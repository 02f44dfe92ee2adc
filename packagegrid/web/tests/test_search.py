"""The search page."""

import pytest

from packagegrid.web.tests.factories import make_grid, make_package

pytestmark = pytest.mark.django_db

SEARCH_QUERIES = 2  # packages, grids


def test_it_prompts_for_a_query_when_empty(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/search/")
    assert response.status_code == 200
    assert "Type a package name" in response.content.decode()


def test_it_shows_packages_and_grids_with_type_link_and_description(client):
    package = make_package(title="django-payments", description="Take payments")
    grid = make_grid(title="Payments grid", description="Payment providers")
    response = client.get("/search/", {"q": "payment"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{package.get_absolute_url()}">django-payments</a>' in html
    assert f'href="{grid.get_absolute_url()}">Payments grid</a>' in html
    assert "Take payments" in html
    assert "Payment providers" in html
    assert '<span class="badge badge-package">Package</span>' in html
    assert '<span class="badge badge-grid">Grid</span>' in html
    assert "2 results" in html


def test_it_says_so_when_nothing_matches(client):
    make_package(title="Something")
    html = client.get("/search/", {"q": "zzzz"}).content.decode()
    assert "No packages or grids match." in html


def test_it_escapes_the_query_and_descriptions(client):
    make_package(title="scripted", description="<script>alert(1)</script>")
    html = client.get("/search/", {"q": "<script>"}).content.decode()
    assert "<script>alert(1)" not in html
    assert 'value="&lt;script&gt;"' in html


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "\"quoted\" 'single'",
        "100%",
        "%_%",
        "\\",
        "\x00",
        "😀 ǅ ﷽ \u202e",
        "\uff24\uff2a\uff21\uff2e\uff27\uff2f",  # DJANGO in full-width letters
    ],
)
def test_it_never_fails_on_odd_input(client, query):
    make_package(title="django-widgets")
    make_grid(title="Widgets")
    assert client.get("/search/", {"q": query}).status_code == 200


@pytest.mark.parametrize("count", [2, 30])
def test_it_takes_a_constant_number_of_queries(client, django_assert_num_queries, count):
    for index in range(count):
        make_package(title=f"widget {index}")
        make_grid(title=f"widget grid {index}")
    with django_assert_num_queries(SEARCH_QUERIES):
        assert client.get("/search/", {"q": "widget"}).status_code == 200
