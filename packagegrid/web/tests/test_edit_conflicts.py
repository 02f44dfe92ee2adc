"""Stale saves of the grid, feature and cell forms (the package form: see
test_package_edit.py): shown as a conflict with
both values, nothing overwritten, and saved when the person submits again."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from packagegrid.catalog.models import Package
from packagegrid.conftest import log_in, set_cell
from packagegrid.grids.models import Element, Feature, Grid
from packagegrid.grids.services import element_set, feature_update, grid_update
from packagegrid.web.conflicts import CONFLICT_MESSAGE
from packagegrid.web.tests.grid_actors import (
    HTMX,
    conflict_cells,
    fresh_cache,
    hidden_version,
    small_grid,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fresh_cache.__name__)]


# The grid edit form.


def test_a_stale_grid_save_shows_both_values_and_changes_nothing(client: Client, bob: User) -> None:
    grid, _packages, _feature = small_grid()
    log_in(client)
    assert hidden_version(client.get("/grids/auth/edit/").content.decode(), 1)
    grid_update(grid=grid, title="Theirs", slug="auth", description="", user=bob)
    form = {"title": "Mine", "slug": "auth", "description": "", "version": "1"}
    response = client.post("/grids/auth/edit/", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert CONFLICT_MESSAGE in html
    assert conflict_cells(html, "Mine", "Theirs")
    assert hidden_version(html, 2)
    assert Grid.objects.get().title == "Theirs"
    response = client.post("/grids/auth/edit/", {**form, "version": "2"})
    assert response.status_code == 302
    assert Grid.objects.get().title == "Mine"


# The feature form, as a page and inline (htmx).


def test_a_stale_feature_save_shows_both_values(client: Client, bob: User) -> None:
    _grid, _packages, feature = small_grid()
    log_in(client)
    url = f"/grids/auth/features/{feature.pk}/edit/"
    assert hidden_version(client.get(url).content.decode(), feature.version)
    feature_update(feature=feature, title="Theirs", description="", user=bob)
    form = {"title": "Mine", "description": "", "version": "1"}
    html = client.post(url, form).content.decode()
    assert CONFLICT_MESSAGE in html
    assert conflict_cells(html, "Mine", "Theirs")
    assert Feature.objects.get().title == "Theirs"


def test_a_stale_inline_feature_save_shows_the_conflict_in_the_grid_body(
    client: Client, bob: User
) -> None:
    _grid, _packages, feature = small_grid()
    log_in(client)
    url = f"/grids/auth/features/{feature.pk}/edit/"
    feature_update(feature=feature, title="Theirs", description="", user=bob)
    form = {"title": "Mine", "description": "", "version": "1"}
    response = client.post(url, form, headers=HTMX)
    html = response.content.decode()
    assert 'id="grid-body"' in html
    assert CONFLICT_MESSAGE in html
    assert conflict_cells(html, "Mine", "Theirs")
    assert Feature.objects.get().title == "Theirs"
    response = client.post(url, {**form, "version": "2"}, headers=HTMX)
    assert Feature.objects.get().title == "Mine"


# The cell form, inline (htmx) and as a page.


def _cell_edit_url(package: Package, feature: Feature) -> str:
    return f"/grids/auth/cells/{package.pk}/{feature.pk}/edit/"


def test_the_inline_cell_form_carries_the_cells_version(client: Client) -> None:
    grid, (alpha, bravo), feature = small_grid()
    set_cell(grid, alpha, feature, "yes")
    log_in(client)
    filled = client.get(_cell_edit_url(alpha, feature), headers=HTMX).content.decode()
    assert hidden_version(filled, Element.objects.get().version)
    empty = client.get(_cell_edit_url(bravo, feature), headers=HTMX).content.decode()
    assert hidden_version(empty, 0)  # no row yet


def test_a_stale_inline_cell_save_shows_both_values_and_changes_nothing(
    client: Client, bob: User
) -> None:
    grid, (alpha, _bravo), feature = small_grid()
    element = set_cell(grid, alpha, feature, "yes")
    version = element.version
    element_set(grid_package=element.grid_package, feature=feature, text="theirs", user=bob)
    log_in(client)
    url = _cell_edit_url(alpha, feature)
    response = client.post(url, {"text": "mine", "version": str(version)}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<form" in html  # the form again
    assert CONFLICT_MESSAGE in html
    assert conflict_cells(html, "mine", "theirs")
    assert hidden_version(html, version + 1)
    assert Element.objects.get().text == "theirs"
    response = client.post(url, {"text": "mine", "version": str(version + 1)}, headers=HTMX)
    assert "<form" not in response.content.decode()
    assert Element.objects.get().text == "mine"


def test_a_cell_filled_meanwhile_is_a_conflict_for_who_saw_it_empty(
    client: Client, bob: User
) -> None:
    grid, (alpha, _bravo), feature = small_grid()
    set_cell(grid, alpha, feature, "theirs")
    log_in(client)
    response = client.post(_cell_edit_url(alpha, feature), {"text": "mine", "version": "0"})
    html = response.content.decode()
    assert html.startswith("<!doctype html>")  # the page form, without htmx
    assert conflict_cells(html, "mine", "theirs")
    assert Element.objects.get().text == "theirs"


def test_a_post_without_a_version_saves_unchecked(client: Client) -> None:
    grid, (alpha, _bravo), feature = small_grid()
    set_cell(grid, alpha, feature, "theirs")
    log_in(client)
    client.post(_cell_edit_url(alpha, feature), {"text": "mine"}, headers=HTMX)
    assert Element.objects.get().text == "mine"
