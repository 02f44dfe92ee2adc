"""Adding, editing and deleting a grid's features, with and without htmx."""

import pytest
from django.test import Client

from packagegrid.catalog.models import EditRecord
from packagegrid.conftest import csrf_client, log_in, make_feature, make_grid, set_cell
from packagegrid.grids.models import Element, Feature
from packagegrid.web.tests.grid_actors import HTMX, fresh_cache, records, small_grid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fresh_cache.__name__)]

ADD = "/grids/auth/features/add/"


def test_it_adds_a_feature_and_returns_the_grid_body_for_htmx(client: Client) -> None:
    grid, _packages, _async = small_grid()
    alice = log_in(client)
    response = client.post(ADD, {"title": "Two-factor", "description": "TOTP"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<!doctype" not in html
    assert "Added the feature “Two-factor”." in html
    assert '<th scope="row">Two-factor<span class="feature-description">TOTP</span>' in html
    feature = Feature.objects.get(title="Two-factor")
    assert feature.grid == grid
    (record,) = records(feature)
    assert (record.user, record.action) == (alice, EditRecord.Action.CREATE)


def test_it_adds_a_feature_and_redirects_without_htmx(client: Client) -> None:
    small_grid()
    log_in(client)
    response = client.post(ADD, {"title": "Two-factor", "description": ""})
    assert response.status_code == 302
    assert response["Location"] == "/grids/g/auth/"
    assert Feature.objects.filter(title="Two-factor").exists()


def test_it_shows_the_add_form_as_a_page(client: Client) -> None:
    small_grid()
    log_in(client)
    html = client.get(ADD).content.decode()
    assert "<h1>Add a feature</h1>" in html
    assert 'id="new-feature-title"' in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"title": "x" * 101}, "Ensure this value has at most 100 characters (it has 101)."),
        ({"title": ""}, "This field is required."),
        ({"title": "Ok", "description": "d" * 1001}, "at most 1000 characters"),
    ],
)
def test_it_refuses_a_bad_feature_and_adds_nothing(
    client: Client, data: dict[str, str], error: str
) -> None:
    small_grid()
    log_in(client)
    htmx = client.post(ADD, {"description": "", **data}, headers=HTMX)
    assert htmx.status_code == 200
    html = htmx.content.decode()
    assert error in html
    assert '<details class="grid-tool" open>' in html  # the form stays open with the error
    page = client.post(ADD, {"description": "", **data})
    assert page.status_code == 200
    assert error in page.content.decode()
    assert list(Feature.objects.values_list("title", flat=True)) == ["Async"]
    assert not EditRecord.objects.exists()


def test_it_swaps_in_the_edit_form_for_htmx(client: Client) -> None:
    _grid, _packages, feature = small_grid()
    log_in(client)
    response = client.get(f"/grids/auth/features/{feature.pk}/edit/", headers=HTMX)
    html = response.content.decode()
    assert "<!doctype" not in html
    assert f'hx-post="/grids/auth/features/{feature.pk}/edit/"' in html
    assert 'value="Async"' in html
    assert f'id="feature-{feature.pk}-title"' in html


def test_it_edits_a_feature(client: Client) -> None:
    _grid, _packages, feature = small_grid()
    log_in(client)
    url = f"/grids/auth/features/{feature.pk}/edit/"
    response = client.post(url, {"title": "Async views", "description": "ASGI"}, headers=HTMX)
    assert "Saved the feature “Async views”." in response.content.decode()
    feature.refresh_from_db()
    assert (feature.title, feature.description) == ("Async views", "ASGI")
    assert records(feature)[0].changes == {
        "description": ["", "ASGI"],
        "title": ["Async", "Async views"],
    }
    no_js = client.post(url, {"title": "Async", "description": ""})
    assert no_js.status_code == 302
    full_page = client.get(url)
    assert "<h1>Edit the feature</h1>" in full_page.content.decode()


def test_it_keeps_the_edit_form_open_with_the_error(client: Client) -> None:
    _grid, _packages, feature = small_grid()
    log_in(client)
    url = f"/grids/auth/features/{feature.pk}/edit/"
    response = client.post(url, {"title": "x" * 101, "description": ""}, headers=HTMX)
    html = response.content.decode()
    assert "Ensure this value has at most 100 characters" in html
    assert f'id="feature-{feature.pk}-title"' in html
    feature.refresh_from_db()
    assert feature.title == "Async"
    assert not EditRecord.objects.exists()


def test_it_deletes_a_feature_with_its_cells(client: Client) -> None:
    grid, (alpha, _bravo), feature = small_grid()
    set_cell(grid, alpha, feature, "yes")
    log_in(client)
    url = f"/grids/auth/features/{feature.pk}/delete/"
    confirm = client.get(url)
    assert "Delete the feature “Async”?" in confirm.content.decode()
    assert Feature.objects.exists()  # GET changes nothing
    response = client.post(url, headers=HTMX)
    assert "Deleted the feature “Async”." in response.content.decode()
    assert not Feature.objects.exists()
    assert not Element.objects.exists()
    assert EditRecord.objects.get(object_id=feature.pk).action == EditRecord.Action.DELETE


def test_it_is_404_for_a_feature_of_another_grid(client: Client) -> None:
    small_grid()
    other = make_feature(make_grid(), "Elsewhere")
    log_in(client)
    assert client.get(f"/grids/auth/features/{other.pk}/edit/").status_code == 404
    assert client.post(f"/grids/auth/features/{other.pk}/delete/").status_code == 404
    assert Feature.objects.filter(pk=other.pk).exists()


def test_it_keeps_anonymous_visitors_and_non_staff_on_locked_grids_out(client: Client) -> None:
    _grid, _packages, feature = small_grid(is_locked=True)
    urls = [ADD, f"/grids/auth/features/{feature.pk}/edit/"]
    delete = f"/grids/auth/features/{feature.pk}/delete/"
    for url in urls:
        assert client.post(url, {"title": "Sneaky"}).status_code == 302
    assert client.post(delete).status_code == 302
    log_in(client)
    for url in urls:
        assert client.post(url, {"title": "Sneaky"}).status_code == 403
    assert client.post(delete).status_code == 403
    assert list(Feature.objects.values_list("title", flat=True)) == ["Async"]


def test_it_escapes_feature_titles_and_descriptions(client: Client) -> None:
    small_grid()
    log_in(client)
    client.post(
        ADD, {"title": "<script>alert(1)</script>", "description": "<img src=x onerror=alert(2)>"}
    )
    html = client.get("/grids/g/auth/").content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_requires_the_csrf_token() -> None:
    _grid, _packages, feature = small_grid()
    client, _alice = csrf_client()
    assert client.post(ADD, {"title": "Sneaky"}).status_code == 403
    assert client.post(f"/grids/auth/features/{feature.pk}/delete/").status_code == 403
    assert list(Feature.objects.values_list("title", flat=True)) == ["Async"]
