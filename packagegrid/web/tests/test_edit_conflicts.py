"""Stale saves of the package, grid, feature and cell forms: shown as a conflict with
both values, nothing overwritten, and saved when the person submits again."""

import pytest
from django.contrib.auth.models import User

from packagegrid.catalog.models import EditRecord, Package
from packagegrid.catalog.services import package_update
from packagegrid.grids.models import Element, Feature, Grid
from packagegrid.grids.services import element_set, feature_update, grid_update
from packagegrid.web.conflicts import CONFLICT_MESSAGE
from packagegrid.web.tests.factories import make_package, set_cell
from packagegrid.web.tests.grid_actors import HTMX, fresh_cache, log_in, small_grid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fresh_cache.__name__)]


@pytest.fixture
def bob() -> User:
    return User.objects.create_user(username="bob")


def _conflict_cells(html: str, yours: str, current: str) -> bool:
    return (
        f'<td class="history-value conflict-yours">{yours}</td>' in html
        and f'<td class="history-value conflict-current">{current}</td>' in html
    )


def _hidden_version(html: str, version: int) -> bool:
    return f'name="version" value="{version}"' in html


# The package edit form.


def _package_form(package: Package, **overrides: str) -> dict[str, str]:
    return {
        "repo_url": package.repo_url,
        "title": package.title,
        "category": str(package.category_id),
        "pypi_name": package.pypi_name,
        "documentation_url": package.documentation_url or "",
        "replaced_by": "",
        "version": str(package.version),
        **overrides,
    }


def test_the_package_form_carries_its_version(client):
    package = make_package(title="Widgets")
    log_in(client)
    html = client.get(f"/packages/{package.slug}/edit/").content.decode()
    assert _hidden_version(html, package.version)


def test_a_stale_package_save_shows_both_values_and_changes_nothing(client, bob):
    package = make_package(title="Widgets")
    form = _package_form(package, title="Mine")
    package_update(package=package, user=bob, title="Theirs")  # saved meanwhile
    log_in(client)
    response = client.post(f"/packages/{package.slug}/edit/", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert CONFLICT_MESSAGE in html
    assert _conflict_cells(html, "Mine", "Theirs")
    assert 'value="Mine"' in html  # the person's values stay in the form
    assert _hidden_version(html, package.version + 1)
    assert Package.objects.get().title == "Theirs"
    assert EditRecord.objects.count() == 1
    # Saving the conflict form again is a deliberate choice: it keeps "Mine".
    form["version"] = str(package.version + 1)
    response = client.post(f"/packages/{package.slug}/edit/", form)
    assert response.status_code == 302
    assert Package.objects.get().title == "Mine"


# The grid edit form.


def test_a_stale_grid_save_shows_both_values_and_changes_nothing(client, bob):
    grid, _packages, _feature = small_grid()
    log_in(client)
    assert _hidden_version(client.get("/grids/auth/edit/").content.decode(), 1)
    grid_update(grid=grid, title="Theirs", slug="auth", description="", user=bob)
    form = {"title": "Mine", "slug": "auth", "description": "", "version": "1"}
    response = client.post("/grids/auth/edit/", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert CONFLICT_MESSAGE in html
    assert _conflict_cells(html, "Mine", "Theirs")
    assert _hidden_version(html, 2)
    assert Grid.objects.get().title == "Theirs"
    response = client.post("/grids/auth/edit/", {**form, "version": "2"})
    assert response.status_code == 302
    assert Grid.objects.get().title == "Mine"


# The feature form, as a page and inline (htmx).


def test_a_stale_feature_save_shows_both_values(client, bob):
    _grid, _packages, feature = small_grid()
    log_in(client)
    url = f"/grids/auth/features/{feature.pk}/edit/"
    assert _hidden_version(client.get(url).content.decode(), feature.version)
    feature_update(feature=feature, title="Theirs", description="", user=bob)
    form = {"title": "Mine", "description": "", "version": "1"}
    html = client.post(url, form).content.decode()
    assert CONFLICT_MESSAGE in html
    assert _conflict_cells(html, "Mine", "Theirs")
    assert Feature.objects.get().title == "Theirs"


def test_a_stale_inline_feature_save_shows_the_conflict_in_the_grid_body(client, bob):
    _grid, _packages, feature = small_grid()
    log_in(client)
    url = f"/grids/auth/features/{feature.pk}/edit/"
    feature_update(feature=feature, title="Theirs", description="", user=bob)
    form = {"title": "Mine", "description": "", "version": "1"}
    response = client.post(url, form, headers=HTMX)
    html = response.content.decode()
    assert 'id="grid-body"' in html
    assert CONFLICT_MESSAGE in html
    assert _conflict_cells(html, "Mine", "Theirs")
    assert Feature.objects.get().title == "Theirs"
    response = client.post(url, {**form, "version": "2"}, headers=HTMX)
    assert Feature.objects.get().title == "Mine"


# The cell form, inline (htmx) and as a page.


def _cell_edit_url(package: Package, feature: Feature) -> str:
    return f"/grids/auth/cells/{package.pk}/{feature.pk}/edit/"


def test_the_inline_cell_form_carries_the_cells_version(client):
    grid, (alpha, bravo), feature = small_grid()
    set_cell(grid, alpha, feature, "yes")
    log_in(client)
    filled = client.get(_cell_edit_url(alpha, feature), headers=HTMX).content.decode()
    assert _hidden_version(filled, Element.objects.get().version)
    empty = client.get(_cell_edit_url(bravo, feature), headers=HTMX).content.decode()
    assert _hidden_version(empty, 0)  # no row yet


def test_a_stale_inline_cell_save_shows_both_values_and_changes_nothing(client, bob):
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
    assert _conflict_cells(html, "mine", "theirs")
    assert _hidden_version(html, version + 1)
    assert Element.objects.get().text == "theirs"
    response = client.post(url, {"text": "mine", "version": str(version + 1)}, headers=HTMX)
    assert "<form" not in response.content.decode()
    assert Element.objects.get().text == "mine"


def test_a_cell_filled_meanwhile_is_a_conflict_for_who_saw_it_empty(client, bob):
    grid, (alpha, _bravo), feature = small_grid()
    set_cell(grid, alpha, feature, "theirs")
    log_in(client)
    response = client.post(_cell_edit_url(alpha, feature), {"text": "mine", "version": "0"})
    html = response.content.decode()
    assert html.startswith("<!doctype html>")  # the page form, without htmx
    assert _conflict_cells(html, "mine", "theirs")
    assert Element.objects.get().text == "theirs"


def test_a_post_without_a_version_saves_unchecked(client):
    grid, (alpha, _bravo), feature = small_grid()
    set_cell(grid, alpha, feature, "theirs")
    log_in(client)
    client.post(_cell_edit_url(alpha, feature), {"text": "mine"}, headers=HTMX)
    assert Element.objects.get().text == "mine"
