"""Adding packages to a grid (search as you type) and removing them."""

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import EditRecord
from packagegrid.conftest import csrf_client, log_in, make_package, set_cell
from packagegrid.grids.models import Element, GridPackage
from packagegrid.web.tests.grid_actors import HTMX, fresh_cache, small_grid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fresh_cache.__name__)]

SEARCH = "/grids/auth/packages/add/"
SEARCH_QUERIES = 4  # session, user, grid, the search itself


def test_it_finds_packages_not_yet_in_the_grid_by_title_or_slug(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    small_grid()  # holds Alpha and Bravo
    make_package(title="django-allauth", slug="django-allauth", repo={"stars": 5})
    make_package(title="Auth Kit", slug="authkit", repo={"stars": 50})
    make_package(title="Something", slug="alpha-tools")
    make_package(title="Unrelated", slug="unrelated")
    log_in(client)
    client.get(SEARCH, {"q": "warm up the session"}, headers=HTMX)
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get(SEARCH, {"q": "AUTH"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert not html.lstrip().startswith("<!doctype")
    # Titles starting with the text first, then by stars.
    assert html.index("Auth Kit") < html.index("django-allauth")
    assert "Unrelated" not in html
    assert 'name="package" value="authkit"' in html
    assert 'hx-post="/grids/auth/packages/add/"' in html
    alpha = client.get(SEARCH, {"q": "alpha"}, headers=HTMX).content.decode()
    assert "alpha-tools" in alpha  # by slug
    assert 'value="package-' not in alpha  # Alpha itself is already in the grid


def test_it_returns_at_most_ten_packages(client: Client) -> None:
    small_grid()
    for n in range(12):
        make_package(title=f"Widget {n:02d}")
    log_in(client)
    html = client.get(SEARCH, {"q": "widget"}, headers=HTMX).content.decode()
    assert html.count('name="package"') == 10


def test_it_says_so_when_nothing_matches_and_nothing_for_an_empty_query(client: Client) -> None:
    small_grid()
    log_in(client)
    html = client.get(SEARCH, {"q": "zzz"}, headers=HTMX).content.decode()
    assert "No package matches “zzz”" in html
    assert client.get(SEARCH, {"q": "  "}, headers=HTMX).content.decode().strip() == ""


def test_it_escapes_the_query_and_package_titles(client: Client) -> None:
    small_grid()
    make_package(title="<img src=x onerror=alert(1)>")
    log_in(client)
    html = client.get(SEARCH, {"q": "<img"}, headers=HTMX).content.decode()
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    none = client.get(SEARCH, {"q": "<script>"}, headers=HTMX).content.decode()
    assert "<script>" not in none


def test_it_shows_a_search_page_without_htmx(client: Client) -> None:
    small_grid()
    make_package(title="Charlie")
    log_in(client)
    response = client.get(SEARCH, {"q": "char"})
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    assert "<h1>Add a package</h1>" in html
    assert 'value="char"' in html
    assert "Charlie" in html


def test_it_adds_a_package_and_returns_the_grid_body_for_htmx(client: Client) -> None:
    grid, _packages, _feature = small_grid()
    charlie = make_package(title="Charlie")
    alice = log_in(client)
    response = client.post(SEARCH, {"package": charlie.slug, "sort": "title"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div id="grid-body"' in html
    assert "<!doctype" not in html  # the grid body only
    assert "Added Charlie to the grid." in html
    # The package search, outside the grid body, runs again on this event.
    assert response["HX-Trigger"] == "grid-packages-changed"
    assert 'id="package-search"' not in html
    assert f'href="{charlie.get_absolute_url()}">Charlie</a>' in html
    assert html.index(">Alpha</a>") < html.index(">Bravo</a>") < html.index(">Charlie</a>")
    link = GridPackage.objects.get(grid=grid, package=charlie)
    record = EditRecord.objects.get(object_id=link.pk)
    assert (record.user, record.action) == (alice, EditRecord.Action.CREATE)


def test_it_adds_a_package_and_redirects_without_htmx(client: Client) -> None:
    grid, _packages, _feature = small_grid()
    charlie = make_package(title="Charlie")
    log_in(client)
    response = client.post(SEARCH, {"package": charlie.slug, "sort": "usage"})
    assert response.status_code == 302
    assert response["Location"] == "/grids/g/auth/?sort=usage"
    assert grid.packages.filter(pk=charlie.pk).exists()


@pytest.mark.parametrize("slug", ["no-such-package", ""])
def test_it_refuses_an_unknown_package(client: Client, slug: str) -> None:
    grid, _packages, _feature = small_grid()
    log_in(client)
    response = client.post(SEARCH, {"package": slug}, headers=HTMX)
    assert response.status_code == 200
    assert 'class="notice notice-warn" role="alert"' in response.content.decode()
    assert grid.packages.count() == 2
    assert not EditRecord.objects.exists()


def test_it_refuses_a_package_already_in_the_grid(client: Client) -> None:
    grid, (alpha, _bravo), _feature = small_grid()
    log_in(client)
    response = client.post(SEARCH, {"package": alpha.slug})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Alpha is already in this grid." in html
    assert grid.packages.count() == 2


def test_it_asks_before_removing_a_package_without_javascript(client: Client) -> None:
    grid, (alpha, _bravo), _feature = small_grid()
    log_in(client)
    url = f"/grids/auth/packages/{alpha.slug}/remove/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Remove Alpha from “Auth”?" in html
    assert f'action="{url}"' in html
    assert grid.packages.count() == 2  # GET changes nothing


def test_it_removes_a_package_with_its_cells(client: Client) -> None:
    grid, (alpha, bravo), feature = small_grid()
    set_cell(grid, alpha, feature, "yes")
    set_cell(grid, bravo, feature, "no")
    log_in(client)
    link_id = GridPackage.objects.get(grid=grid, package=alpha).pk
    response = client.post(f"/grids/auth/packages/{alpha.slug}/remove/", headers=HTMX)
    assert response["HX-Trigger"] == "grid-packages-changed"
    assert response.status_code == 200
    html = response.content.decode()
    assert "Removed Alpha from the grid." in html
    assert ">Alpha</a>" not in html
    assert list(grid.packages.all()) == [bravo]
    assert list(Element.objects.values_list("text", flat=True)) == ["no"]
    assert EditRecord.objects.get(object_id=link_id).action == EditRecord.Action.DELETE
    alpha.refresh_from_db()  # the package itself stays


def test_it_removes_a_package_and_redirects_without_htmx(client: Client) -> None:
    grid, (alpha, _bravo), _feature = small_grid()
    log_in(client)
    response = client.post(f"/grids/auth/packages/{alpha.slug}/remove/")
    assert response.status_code == 302
    assert response["Location"] == "/grids/g/auth/"
    assert grid.packages.count() == 1


def test_it_is_404_to_remove_a_package_not_in_the_grid(client: Client) -> None:
    small_grid()
    stranger = make_package()
    log_in(client)
    url = f"/grids/auth/packages/{stranger.slug}/remove/"
    assert client.post(url).status_code == 404


def test_it_keeps_anonymous_visitors_and_non_staff_on_locked_grids_out(client: Client) -> None:
    grid, (alpha, _bravo), _feature = small_grid(is_locked=True)
    charlie = make_package(title="Charlie")
    remove = f"/grids/auth/packages/{alpha.slug}/remove/"
    assert client.get(SEARCH, {"q": "char"}).status_code == 302
    assert client.post(SEARCH, {"package": charlie.slug}).status_code == 302
    assert client.post(remove).status_code == 302
    log_in(client)
    assert client.get(SEARCH, {"q": "char"}).status_code == 403
    assert client.post(SEARCH, {"package": charlie.slug}).status_code == 403
    assert client.post(remove).status_code == 403
    assert grid.packages.count() == 2
    client.logout()
    log_in(client, "sam", staff=True)
    assert client.post(SEARCH, {"package": charlie.slug}).status_code == 302
    assert grid.packages.count() == 3


def test_it_requires_the_csrf_token() -> None:
    grid, (alpha, _bravo), _feature = small_grid()
    charlie = make_package(title="Charlie")
    client, _alice = csrf_client()
    assert client.post(SEARCH, {"package": charlie.slug}).status_code == 403
    assert client.post(f"/grids/auth/packages/{alpha.slug}/remove/").status_code == 403
    assert grid.packages.count() == 2
