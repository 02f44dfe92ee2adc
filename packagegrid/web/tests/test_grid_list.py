"""The grids list."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from packagegrid.conftest import add_to_grid, make_grid, make_package

pytestmark = pytest.mark.django_db

GRID_LIST_QUERIES = 1


def test_it_lists_grids_with_package_counts(client: Client) -> None:
    grid = make_grid(title="Forms", description="Form helpers")
    add_to_grid(grid, make_package(), make_package(), make_package())
    response = client.get("/grids/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{grid.get_absolute_url()}">Forms</a>' in html
    assert "Form helpers" in html
    assert '<td class="num" data-label="Packages">3</td>' in html


def test_it_escapes_descriptions(client: Client) -> None:
    make_grid(description="<script>alert(1)</script>")
    html = client.get("/grids/").content.decode()
    assert "<script>alert(1)" not in html


def test_rows_built_in_python_escape_titles_and_slugs_and_mark_locked_grids(
    client: Client,
) -> None:
    make_grid(title='<b>"T"&\'</b>', slug="odd'slug", description="x" * 250, is_locked=True)
    html = client.get("/grids/").content.decode()
    assert "<b>" not in html
    assert (
        '<a class="package-title" href="/grids/g/odd&#x27;slug/">'
        '&lt;b&gt;&quot;T&quot;&amp;&#x27;&lt;/b&gt;</a> <span class="badge">Locked</span>'
    ) in html
    assert f'<p class="description">{"x" * 199}…</p>' in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Alpha", "Bravo", "Charlie"]),
        ("packages", ["Charlie", "Alpha", "Bravo"]),
        ("updated", ["Bravo", "Charlie", "Alpha"]),
        ("bogus", ["Alpha", "Bravo", "Charlie"]),
    ],
)
def test_it_sorts(client: Client, sort: str, expected: list[str]) -> None:
    now = timezone.now()
    alpha = make_grid(title="Alpha", modified=now - timedelta(days=9))
    make_grid(title="Bravo", modified=now)
    charlie = make_grid(title="Charlie", modified=now - timedelta(days=1))
    add_to_grid(alpha, make_package())
    add_to_grid(charlie, make_package(), make_package())
    html = client.get("/grids/", {"sort": sort}).content.decode()
    positions = [html.index(f">{title}</a>") for title in expected]
    assert positions == sorted(positions)


@pytest.mark.parametrize("count", [2, 30])
def test_it_takes_a_constant_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    for _ in range(count):
        add_to_grid(make_grid(), make_package())
    with django_assert_num_queries(GRID_LIST_QUERIES):
        assert client.get("/grids/", {"sort": "packages"}).status_code == 200


def test_it_finds_grids_by_title(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make_grid(title="Authentication")
    make_grid(title="OAuth providers")
    make_grid(title="Forms", description="auth in the description does not count")
    with django_assert_num_queries(GRID_LIST_QUERIES):
        response = client.get("/grids/", {"q": "AUTH", "sort": "title"})
    html = response.content.decode()
    assert ">Authentication</a>" in html
    assert ">OAuth providers</a>" in html
    assert ">Forms</a>" not in html
    assert "2 grids with “AUTH” in the title" in html
    assert 'value="AUTH"' in html
    assert 'href="?q=AUTH&amp;sort=packages"' in html  # sorting keeps the search


def test_it_says_so_when_no_grid_matches_and_escapes_the_query(client: Client) -> None:
    make_grid(title="Forms")
    html = client.get("/grids/", {"q": "<script>x</script>"}).content.decode()
    assert "<script>x" not in html
    assert "No grid has “&lt;script&gt;x&lt;/script&gt;” in its title." in html


def test_it_links_to_adding_a_grid_and_marks_locked_grids(client: Client) -> None:
    make_grid(title="Frozen", is_locked=True)
    html = client.get("/grids/").content.decode()
    assert 'href="/grids/add/"' in html
    assert '>Frozen</a> <span class="badge">Locked</span>' in html
