"""Editing a cell inline (htmx) and without JavaScript."""

import pytest
from django.test import Client

from packagegrid.catalog.models import EditRecord, Package
from packagegrid.conftest import (
    csrf_client,
    log_in,
    make_feature,
    make_grid,
    make_package,
    set_cell,
)
from packagegrid.grids.models import Element, Feature
from packagegrid.limits.services import limit_hit
from packagegrid.web.grid_views import GRID_EDITS_PER_HOUR
from packagegrid.web.tests.grid_actors import HTMX, fresh_cache, small_grid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fresh_cache.__name__)]


def _urls(package: Package, feature: Feature) -> tuple[str, str]:
    base = f"/grids/auth/cells/{package.pk}/{feature.pk}/"
    return base, f"{base}edit/"


def test_it_swaps_in_the_form_for_htmx(client: Client) -> None:
    grid, (alpha, _bravo), feature = small_grid()
    set_cell(grid, alpha, feature, "yes **really**")
    log_in(client)
    _view, edit = _urls(alpha, feature)
    response = client.get(edit, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert not html.lstrip().startswith("<!doctype")  # a partial, not a page
    assert f'<form class="cell-form" method="post" action="{edit}" hx-post="{edit}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert ">\nyes **really**</textarea>" in html
    assert "autofocus" in html
    assert 'maxlength="1000"' in html
    assert '<label class="visually-hidden" for="cell-' in html
    assert "Async for Alpha" in html


def test_it_shows_a_full_page_form_without_htmx(client: Client) -> None:
    _grid, (alpha, _bravo), feature = small_grid()
    log_in(client)
    response = client.get(_urls(alpha, feature)[1])
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    assert "<h1>Async <span" in html
    assert '<form class="cell-form"' in html


def test_it_saves_a_cell_and_returns_it_rendered_for_htmx(client: Client) -> None:
    _grid, (alpha, _bravo), feature = small_grid()
    alice = log_in(client)
    _view, edit = _urls(alpha, feature)
    response = client.post(edit, {"text": "✓ since 2.0"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<span class="mark mark-yes" aria-hidden="true">✓</span>')
    assert "since 2.0" in html
    assert f'<a class="cell-edit" href="{edit}" hx-get="{edit}" autofocus' in html
    assert "<form" not in html
    element = Element.objects.get()
    assert element.text == "✓ since 2.0"
    record = EditRecord.objects.get()
    assert (record.user, record.action, record.object_id) == (alice, "create", element.pk)


def test_it_saves_a_cell_and_redirects_without_htmx(client: Client) -> None:
    grid, (alpha, _bravo), feature = small_grid()
    set_cell(grid, alpha, feature, "old")
    log_in(client)
    response = client.post(_urls(alpha, feature)[1], {"text": "new"})
    assert response.status_code == 302
    assert response["Location"] == f"/grids/g/auth/#cell-{alpha.pk}-{feature.pk}"
    assert Element.objects.get().text == "new"
    assert EditRecord.objects.get().changes == {"text": ["old", "new"]}
    html = client.get(response["Location"]).content.decode()
    assert "Saved the cell." in html


def test_it_refuses_an_over_long_cell_and_changes_nothing(client: Client) -> None:
    grid, (alpha, _bravo), feature = small_grid()
    set_cell(grid, alpha, feature, "old")
    log_in(client)
    edit = _urls(alpha, feature)[1]
    for headers in (HTMX, {}):
        response = client.post(edit, {"text": "x" * 1001}, headers=headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Ensure this value has at most 1000 characters (it has 1001)." in html
        assert '<form class="cell-form"' in html
    assert Element.objects.get().text == "old"
    assert not EditRecord.objects.exists()


def test_it_accepts_exactly_1000_characters(client: Client) -> None:
    _grid, (alpha, _bravo), feature = small_grid()
    log_in(client)
    client.post(_urls(alpha, feature)[1], {"text": "x" * 1000}, headers=HTMX)
    assert len(Element.objects.get().text) == 1000


def test_it_renders_markdown_safely_and_escapes_scripts(client: Client) -> None:
    _grid, (alpha, _bravo), feature = small_grid()
    log_in(client)
    text = "<script>alert(1)</script> **bold** [x](javascript:alert(2)) [ok](https://ok.example)"
    response = client.post(_urls(alpha, feature)[1], {"text": text}, headers=HTMX)
    html = response.content.decode()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>bold</strong>" in html
    assert 'href="javascript' not in html
    assert '<a href="https://ok.example" rel="nofollow noopener">ok</a>' in html
    page = client.get("/grids/g/auth/").content.decode()
    assert "<script>alert(1)" not in page
    assert "<strong>bold</strong>" in page


def test_it_returns_the_cell_when_editing_is_cancelled(client: Client) -> None:
    grid, (alpha, _bravo), feature = small_grid()
    set_cell(grid, alpha, feature, "no")
    log_in(client)
    view, edit = _urls(alpha, feature)
    response = client.get(view, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="mark mark-no"' in html
    assert f'href="{edit}"' in html
    no_js = client.get(view)
    assert no_js.status_code == 302
    assert no_js["Location"] == f"/grids/g/auth/#cell-{alpha.pk}-{feature.pk}"


def test_it_is_404_for_a_cell_outside_the_grid(client: Client) -> None:
    _grid, (alpha, _bravo), feature = small_grid()
    stranger = make_package(title="Stranger")
    other_feature = make_feature(make_grid())
    log_in(client)
    assert client.get(f"/grids/auth/cells/{stranger.pk}/{feature.pk}/edit/").status_code == 404
    assert client.get(f"/grids/auth/cells/{alpha.pk}/{other_feature.pk}/edit/").status_code == 404
    response = client.post(f"/grids/auth/cells/{alpha.pk}/{other_feature.pk}/edit/", {"text": "y"})
    assert response.status_code == 404
    assert not Element.objects.exists()


def test_it_never_changes_a_cell_on_get(client: Client) -> None:
    _grid, (alpha, _bravo), feature = small_grid()
    log_in(client)
    client.get(_urls(alpha, feature)[1], {"text": "sneaky"})
    assert not Element.objects.exists()


def test_it_sends_anonymous_visitors_to_log_in(client: Client) -> None:
    _grid, (alpha, _bravo), feature = small_grid()
    edit = _urls(alpha, feature)[1]
    response = client.post(edit, {"text": "yes"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    htmx = client.post(edit, {"text": "yes"}, headers=HTMX)
    assert htmx.headers["HX-Redirect"].startswith("/accounts/login/")
    assert not Element.objects.exists()


def test_it_lets_only_staff_edit_cells_of_a_locked_grid(client: Client) -> None:
    _grid, (alpha, _bravo), feature = small_grid(is_locked=True)
    edit = _urls(alpha, feature)[1]
    log_in(client)
    assert client.get(edit, headers=HTMX).status_code == 403
    assert client.post(edit, {"text": "yes"}, headers=HTMX).status_code == 403
    assert not Element.objects.exists()
    client.logout()
    log_in(client, "sam", staff=True)
    assert client.post(edit, {"text": "yes"}, headers=HTMX).status_code == 200
    assert Element.objects.get().text == "yes"


def test_it_requires_the_csrf_token() -> None:
    _grid, (alpha, _bravo), feature = small_grid()
    client, _alice = csrf_client()
    response = client.post(_urls(alpha, feature)[1], {"text": "yes"}, headers=HTMX)
    assert response.status_code == 403
    assert not Element.objects.exists()


def test_it_rate_limits_cell_edits(client: Client) -> None:
    _grid, (alpha, _bravo), feature = small_grid()
    alice = log_in(client)
    edit = _urls(alpha, feature)[1]
    assert client.post(edit, {"text": "first"}, headers=HTMX).status_code == 200
    for _ in range(GRID_EDITS_PER_HOUR - 1):  # the rest of the hour's edits
        limit_hit(scope="grid-edit", subject=f"user:{alice.pk}", period=3600)
    response = client.post(edit, {"text": "too many"}, headers=HTMX)
    assert response.status_code == 429
    assert Element.objects.get().text == "first"
