"""The grid's history page, and staff reverting an edit from it."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import EditRecord
from packagegrid.conftest import csrf_client, log_in, make_package
from packagegrid.grids.models import Element, Feature, Grid, GridPackage
from packagegrid.grids.selectors import grid_history, grid_history_records
from packagegrid.grids.services import (
    element_set,
    feature_create,
    feature_delete,
    feature_update,
    grid_add_package,
    grid_create,
    grid_remove_package,
    grid_update,
)
from packagegrid.web.tests.grid_actors import fresh_cache

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fresh_cache.__name__)]

HISTORY_QUERIES = 5  # count, records (with users), features, cells, packages


def _build(user: User) -> Grid:
    """A grid with one of every kind of edit, made through the services."""
    grid = grid_create(title="Auth", slug="auth", description="", user=user)
    grid_update(grid=grid, title="Authentication", slug="auth", description="", user=user)
    alpha = make_package(title="Alpha")
    bravo = make_package(title="Bravo")
    link = grid_add_package(grid=grid, package=alpha, user=user)
    gone = grid_add_package(grid=grid, package=bravo, user=user)
    grid_remove_package(grid_package=gone, user=user)
    feature = feature_create(grid=grid, title="Async", description="", user=user)
    feature_update(feature=feature, title="Async views", description="", user=user)
    doomed = feature_create(grid=grid, title="Doomed", description="", user=user)
    feature_delete(feature=doomed, user=user)
    element_set(grid_package=link, feature=feature, text="yes", user=user)
    element_set(grid_package=link, feature=feature, text="✓ since 2.0", user=user)
    return grid


def test_it_collects_every_edit_of_the_grid_and_its_parts(
    alice: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    grid = _build(alice)
    other = grid_create(title="Other", slug="other", description="", user=alice)
    feature_create(grid=other, title="Not ours", description="", user=alice)
    grid_history(grid=grid, page_number="1")  # warm the content type cache
    with django_assert_num_queries(HISTORY_QUERIES):
        history = grid_history(grid=grid, page_number="1")
    described = [(e.kind, e.record.action, e.subject) for e in history.entries]
    assert described == [
        ("cell", "update", "Async views / Alpha"),
        ("cell", "create", "Async views / Alpha"),
        ("feature", "delete", "Doomed"),
        ("feature", "create", "Doomed"),
        ("feature", "update", "Async views"),
        ("feature", "create", "Async views"),
        ("package", "delete", "Bravo"),
        ("package", "create", "Bravo"),
        ("package", "create", "Alpha"),
        ("grid", "update", "Authentication"),
        ("grid", "create", "Authentication"),
    ]
    assert [e.revert_label for e in history.entries] == [
        "Revert",  # the cell's update
        "",  # a cell's creation is undone by editing it
        "Restore",  # the deleted feature
        "",  # ...whose creation is gone with it
        "Revert",
        "Revert",  # adding a feature that is still there
        "Restore",  # the removed package
        "",
        "Revert",  # adding a package that is still there
        "Revert",
        "",  # a grid's creation
    ]
    cell_update = history.entries[0]
    assert [(c.label, c.before, c.after) for c in cell_update.changes] == [
        ("Text", "yes", "✓ since 2.0")
    ]


def test_it_shows_the_history_to_anyone(client: Client, alice: User) -> None:
    _build(alice)
    response = client.get("/grids/auth/history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>History</h1>" in html
    assert "the cell <strong>Async views / Alpha</strong>" in html
    assert "removed the package <strong>Bravo</strong>" in html
    assert "the feature <strong>Doomed</strong>" in html
    assert "by alice" in html
    assert "{#" not in html and "The entries of a history page" not in html
    assert "Revert" not in html
    assert "csrfmiddlewaretoken" not in html  # cacheable for anonymous visitors


def test_it_takes_a_constant_number_of_queries(
    client: Client, alice: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    grid = _build(alice)
    client.get("/grids/auth/history/")
    with django_assert_num_queries(1 + HISTORY_QUERIES):  # the grid, then the selector
        client.get("/grids/auth/history/")
    for n in range(30):
        element_set(
            grid_package=GridPackage.objects.get(grid=grid),
            feature=Feature.objects.get(grid=grid),
            text=f"edit {n}",
            user=alice,
        )
    with django_assert_num_queries(1 + HISTORY_QUERIES):
        client.get("/grids/auth/history/")


def test_it_shows_revert_and_restore_buttons_to_staff(client: Client, alice: User) -> None:
    _build(alice)
    log_in(client, "sam", staff=True)
    html = client.get("/grids/auth/history/").content.decode()
    # The grid, feature and cell updates, and the feature and package still added.
    assert html.count(">Revert<") == 5
    assert html.count(">Restore<") == 2  # the deleted feature and the removed package


def test_it_escapes_recorded_values(client: Client, alice: User) -> None:
    grid = grid_create(title="Auth", slug="auth", description="", user=alice)
    grid_update(
        grid=grid, title="<script>alert(1)</script>", slug="auth", description="", user=alice
    )
    html = client.get("/grids/auth/history/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_lets_staff_revert_a_cell_edit(client: Client, alice: User) -> None:
    grid = _build(alice)
    sam = log_in(client, "sam", staff=True)
    update = grid_history_records(grid=grid).filter(content_type__model="element").first()
    assert update is not None
    response = client.post(f"/grids/auth/history/{update.pk}/revert/")
    assert response.status_code == 302
    assert response["Location"] == "/grids/auth/history/"
    assert Element.objects.get().text == "yes"
    revert = EditRecord.objects.first()
    assert revert is not None
    assert (revert.user, revert.action) == (sam, EditRecord.Action.REVERT)
    html = client.get("/grids/auth/history/").content.decode()
    assert "Reverted the edit." in html


def test_it_follows_a_reverted_slug(client: Client, alice: User) -> None:
    grid = grid_create(title="Auth", slug="auth", description="", user=alice)
    grid_update(grid=grid, title="Auth", slug="authn", description="", user=alice)
    update = grid_history_records(grid=grid).first()
    assert update is not None
    log_in(client, "sam", staff=True)
    response = client.post(f"/grids/authn/history/{update.pk}/revert/")
    assert response["Location"] == "/grids/auth/history/"
    assert Grid.objects.get().slug == "auth"


def test_it_says_why_a_revert_is_refused(client: Client, alice: User) -> None:
    grid = grid_create(title="Auth", slug="auth", description="", user=alice)
    create = grid_history_records(grid=grid).get()
    grid_update(grid=grid, title="Auth", slug="authn", description="", user=alice)
    update = grid_history_records(grid=grid).first()
    grid_create(title="Squatter", slug="auth", description="", user=alice)
    log_in(client, "sam", staff=True)
    response = client.post(f"/grids/authn/history/{create.pk}/revert/", follow=True)
    assert (
        "Could not revert this edit: Only updates, added or deleted features and added or "
        "removed packages can be reverted." in response.content.decode()
    )
    assert update is not None
    response = client.post(f"/grids/authn/history/{update.pk}/revert/", follow=True)
    assert "Could not revert this edit:" in response.content.decode()
    assert Grid.objects.get(title="Auth").slug == "authn"


def test_it_is_404_to_revert_an_edit_of_another_grid(client: Client, alice: User) -> None:
    _build(alice)
    other = grid_create(title="Other", slug="other", description="", user=alice)
    grid_update(grid=other, title="Other!", slug="other", description="", user=alice)
    foreign = grid_history_records(grid=other).first()
    assert foreign is not None
    log_in(client, "sam", staff=True)
    assert client.post(f"/grids/auth/history/{foreign.pk}/revert/").status_code == 404
    assert Grid.objects.get(slug="other").title == "Other!"


def test_it_lets_only_staff_revert_and_only_by_post(client: Client, alice: User) -> None:
    grid = _build(alice)
    update = grid_history_records(grid=grid).first()
    assert update is not None
    url = f"/grids/auth/history/{update.pk}/revert/"
    assert client.post(url).status_code == 302  # to the login page
    log_in(client, "bob")
    assert client.post(url).status_code == 403
    client.logout()
    log_in(client, "sam", staff=True)
    assert client.get(url).status_code == 405
    assert Element.objects.get().text == "✓ since 2.0"
    staff_client, _sam = csrf_client("sam2", staff=True)
    assert staff_client.post(url).status_code == 403  # no CSRF token
    assert Element.objects.get().text == "✓ since 2.0"


def test_it_is_404_for_an_unknown_grid(client: Client) -> None:
    assert client.get("/grids/nope/history/").status_code == 404


def _deletion(grid: Grid, model: str) -> EditRecord:
    record = grid_history_records(grid=grid).filter(content_type__model=model, action="delete")
    found = record.first()
    assert found is not None
    return found


def _grid_with_cells(user: User) -> tuple[Grid, GridPackage, Feature]:
    """The grid "auth": Alpha and Bravo, features Async and Typed, every cell filled."""
    grid = grid_create(title="Auth", slug="auth", description="", user=user)
    links = [
        grid_add_package(grid=grid, package=make_package(title=title), user=user)
        for title in ("Alpha", "Bravo")
    ]
    features = [
        feature_create(grid=grid, title=title, description="", user=user)
        for title in ("Async", "Typed")
    ]
    for feature in features:
        for link in links:
            text = f"{feature.title} {link.package.title}"
            element_set(grid_package=link, feature=feature, text=text, user=user)
    return grid, links[0], features[0]


def test_staff_restore_a_deleted_feature_with_its_cells(client: Client, alice: User) -> None:
    grid, _alpha, feature = _grid_with_cells(alice)
    log_in(client, "bob")
    assert client.post(f"/grids/auth/features/{feature.pk}/delete/").status_code == 302
    assert Element.objects.count() == 2
    sam = log_in(client, "sam", staff=True)
    html = client.get("/grids/auth/history/").content.decode()
    record = _deletion(grid, "feature")
    assert f'action="/grids/auth/history/{record.pk}/revert/"' in html
    assert ">Restore<" in html
    response = client.post(f"/grids/auth/history/{record.pk}/revert/", follow=True)
    assert "Restored it with 2 cell(s)." in response.content.decode()
    assert Feature.objects.get(pk=feature.pk).title == "Async"
    assert sorted(Element.objects.filter(feature=feature).values_list("text", flat=True)) == [
        "Async Alpha",
        "Async Bravo",
    ]
    restore = grid_history_records(grid=grid).first()
    assert restore is not None
    assert (restore.action, restore.user) == (EditRecord.Action.RESTORE, sam)
    html = client.get("/grids/auth/history/").content.decode()
    assert "Restored</span>" in html
    assert html.count(">Restore<") == 0  # nothing deleted is left to restore


def test_staff_restore_a_removed_package_with_its_cells(client: Client, alice: User) -> None:
    grid, alpha, _feature = _grid_with_cells(alice)
    package = alpha.package
    log_in(client, "bob")
    client.post(f"/grids/auth/packages/{package.slug}/remove/")
    assert not GridPackage.objects.filter(grid=grid, package=package).exists()
    log_in(client, "sam", staff=True)
    record = _deletion(grid, "gridpackage")
    response = client.post(f"/grids/auth/history/{record.pk}/revert/", follow=True)
    assert "Restored it with 2 cell(s)." in response.content.decode()
    assert sorted(
        Element.objects.filter(grid_package__package=package).values_list("text", flat=True)
    ) == ["Async Alpha", "Typed Alpha"]
    html = client.get("/grids/auth/history/").content.decode()
    assert "put back the package <strong>Alpha</strong>" in html


def test_restoring_twice_says_so_and_changes_nothing(client: Client, alice: User) -> None:
    grid, _alpha, feature = _grid_with_cells(alice)
    feature_delete(feature=feature, user=alice)
    record = _deletion(grid, "feature")
    log_in(client, "sam", staff=True)
    client.post(f"/grids/auth/history/{record.pk}/revert/")
    count = EditRecord.objects.count()
    response = client.post(f"/grids/auth/history/{record.pk}/revert/", follow=True)
    assert "This feature exists again: it was restored already." in response.content.decode()
    assert EditRecord.objects.count() == count
    assert Element.objects.count() == 4


def test_only_staff_restore_and_only_by_post(client: Client, alice: User) -> None:
    grid, _alpha, feature = _grid_with_cells(alice)
    feature_delete(feature=feature, user=alice)
    url = f"/grids/auth/history/{_deletion(grid, 'feature').pk}/revert/"
    assert client.post(url).status_code == 302  # to the login page
    log_in(client, "bob")
    assert client.post(url).status_code == 403
    assert ">Restore<" not in client.get("/grids/auth/history/").content.decode()
    log_in(client, "sam", staff=True)
    assert client.get(url).status_code == 405
    assert not Feature.objects.filter(pk=feature.pk).exists()


def test_restoring_needs_the_csrf_token(alice: User) -> None:
    grid, _alpha, feature = _grid_with_cells(alice)
    feature_delete(feature=feature, user=alice)
    client, _sam = csrf_client("sam", staff=True)
    response = client.post(f"/grids/auth/history/{_deletion(grid, 'feature').pk}/revert/")
    assert response.status_code == 403
    assert not Feature.objects.filter(pk=feature.pk).exists()


def test_staff_revert_an_added_feature(client: Client, alice: User) -> None:
    grid, _alpha, feature = _grid_with_cells(alice)
    create = grid_history_records(grid=grid).get(
        content_type__model="feature", object_id=feature.pk, action="create"
    )
    log_in(client, "sam", staff=True)
    client.post(f"/grids/auth/history/{create.pk}/revert/")
    assert not Feature.objects.filter(pk=feature.pk).exists()
    assert _deletion(grid, "feature").snapshot["cells"]  # restorable, cells included
