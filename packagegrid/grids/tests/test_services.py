"""The grid services: each change is validated, saved and recorded in the history."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from packagegrid.catalog.history_services import edit_revert
from packagegrid.catalog.models import EditRecord
from packagegrid.catalog.selectors import history_for
from packagegrid.conftest import add_to_grid, make_feature, make_grid, make_package
from packagegrid.grids.models import Element, Feature, Grid, GridPackage
from packagegrid.grids.services import (
    GridPackageExists,
    element_set,
    feature_create,
    feature_delete,
    feature_update,
    grid_add_package,
    grid_create,
    grid_delete,
    grid_remove_package,
    grid_set_locked,
    grid_update,
)

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(days=30)


def _only_record(instance: object) -> EditRecord:
    records = list(history_for(instance))  # type: ignore[arg-type]  # any recorded model
    assert len(records) == 1, records
    return records[0]


def test_it_creates_a_grid_and_records_it(alice: User) -> None:
    grid = grid_create(title="Forms", slug="forms", description="*Form* helpers", user=alice)
    assert grid.created_by == alice
    assert Grid.objects.get(slug="forms").description == "*Form* helpers"
    record = _only_record(grid)
    assert record.action == EditRecord.Action.CREATE
    assert record.user == alice
    assert record.changes == {
        "description": [None, "*Form* helpers"],
        "is_locked": [None, False],
        "slug": [None, "forms"],
        "title": [None, "Forms"],
    }


@pytest.mark.parametrize(
    ("title", "slug"),
    [("x" * 101, "ok"), ("Fine", "not a slug"), ("Fine", "taken"), ("", "empty-title")],
)
def test_it_refuses_a_bad_grid_and_changes_nothing(alice: User, title: str, slug: str) -> None:
    make_grid(slug="taken")
    with pytest.raises(ValidationError):
        grid_create(title=title, slug=slug, description="", user=alice)
    assert Grid.objects.count() == 1
    assert EditRecord.objects.count() == 0


def test_it_updates_a_grid_and_records_only_what_changed(alice: User) -> None:
    grid = make_grid(title="Old", slug="old", description="Same", modified=LONG_AGO)
    grid_update(grid=grid, title="New", slug="new", description="Same", user=alice)
    grid.refresh_from_db()
    assert (grid.title, grid.slug) == ("New", "new")
    assert grid.modified > LONG_AGO
    record = _only_record(grid)
    assert record.action == EditRecord.Action.UPDATE
    assert record.changes == {"slug": ["old", "new"], "title": ["Old", "New"]}


def test_it_records_nothing_when_nothing_changed(alice: User) -> None:
    grid = make_grid(title="Same", slug="same", description="", modified=LONG_AGO)
    grid_update(grid=grid, title="Same", slug="same", description="", user=alice)
    grid.refresh_from_db()
    assert grid.modified == LONG_AGO
    assert EditRecord.objects.count() == 0


def test_it_keeps_the_grid_as_it_was_when_an_update_is_refused(alice: User) -> None:
    make_grid(slug="taken")
    grid = make_grid(title="Mine", slug="mine")
    with pytest.raises(ValidationError):
        grid_update(grid=grid, title="Other", slug="taken", description="", user=alice)
    assert (grid.title, grid.slug) == ("Mine", "mine")  # the instance is restored too
    grid.refresh_from_db()
    assert (grid.title, grid.slug) == ("Mine", "mine")
    assert EditRecord.objects.count() == 0


def test_it_locks_and_unlocks_a_grid(alice: User) -> None:
    grid = make_grid()
    grid_set_locked(grid=grid, is_locked=True, user=alice)
    grid_set_locked(grid=grid, is_locked=True, user=alice)  # already locked: no record
    assert Grid.objects.get(pk=grid.pk).is_locked
    grid_set_locked(grid=grid, is_locked=False, user=alice)
    assert not Grid.objects.get(pk=grid.pk).is_locked
    assert [r.changes for r in history_for(grid)] == [
        {"is_locked": [True, False]},
        {"is_locked": [False, True]},
    ]


def test_it_deletes_a_grid_but_keeps_its_packages_and_the_record(alice: User) -> None:
    package = make_package()
    grid = make_grid(title="Gone", slug="gone")
    add_to_grid(grid, package)
    make_feature(grid)
    grid_id = grid.pk
    grid_delete(grid=grid, user=alice)
    assert not Grid.objects.filter(pk=grid_id).exists()
    assert not Feature.objects.exists()
    assert package.__class__.objects.filter(pk=package.pk).exists()
    record = EditRecord.objects.get(object_id=grid_id, action=EditRecord.Action.DELETE)
    assert record.changes["title"] == ["Gone", None]


def test_it_adds_and_removes_a_package(alice: User) -> None:
    grid = make_grid(modified=LONG_AGO)
    package = make_package()
    link = grid_add_package(grid=grid, package=package, user=alice)
    assert list(grid.packages.all()) == [package]
    assert Grid.objects.get(pk=grid.pk).modified > LONG_AGO
    added = _only_record(link)
    assert added.changes == {"grid": [None, grid.pk], "package": [None, package.pk]}
    link_id = link.pk
    grid_remove_package(grid_package=link, user=alice)
    assert not GridPackage.objects.filter(pk=link_id).exists()
    removed = EditRecord.objects.get(object_id=link_id, action=EditRecord.Action.DELETE)
    assert removed.changes == {"grid": [grid.pk, None], "package": [package.pk, None]}


def test_it_refuses_a_package_already_in_the_grid(alice: User) -> None:
    grid = make_grid()
    package = make_package()
    add_to_grid(grid, package)
    with pytest.raises(GridPackageExists):
        grid_add_package(grid=grid, package=package, user=alice)
    assert GridPackage.objects.count() == 1
    assert EditRecord.objects.count() == 0


def test_it_creates_updates_and_deletes_a_feature(alice: User) -> None:
    grid = make_grid()
    feature = feature_create(grid=grid, title="Async", description="", user=alice)
    assert _only_record(feature).changes == {
        "description": [None, ""],
        "grid": [None, grid.pk],
        "title": [None, "Async"],
    }
    feature_update(feature=feature, title="Async views", description="ASGI", user=alice)
    feature.refresh_from_db()
    assert (feature.title, feature.description) == ("Async views", "ASGI")
    update = history_for(feature).first()
    assert update is not None
    assert update.changes == {"description": ["", "ASGI"], "title": ["Async", "Async views"]}
    feature_id = feature.pk
    feature_delete(feature=feature, user=alice)
    assert not Feature.objects.filter(pk=feature_id).exists()
    deleted = EditRecord.objects.get(object_id=feature_id, action=EditRecord.Action.DELETE)
    assert deleted.changes == {
        "description": ["ASGI", None],
        "grid": [grid.pk, None],
        "title": ["Async views", None],
    }


@pytest.mark.parametrize(("title", "description"), [("x" * 101, ""), ("", ""), ("Ok", "y" * 1001)])
def test_it_refuses_a_bad_feature_and_changes_nothing(
    alice: User, title: str, description: str
) -> None:
    grid = make_grid()
    feature = make_feature(grid, "Before")
    with pytest.raises(ValidationError):
        feature_create(grid=grid, title=title, description=description, user=alice)
    with pytest.raises(ValidationError):
        feature_update(feature=feature, title=title, description=description, user=alice)
    assert feature.title == "Before"
    assert list(Feature.objects.values_list("title", flat=True)) == ["Before"]
    assert EditRecord.objects.count() == 0


def test_it_sets_a_cell_then_changes_it(alice: User) -> None:
    grid = make_grid()
    (link,) = add_to_grid(grid, make_package())
    feature = make_feature(grid)
    element = element_set(grid_package=link, feature=feature, text="✓ since 2.0", user=alice)
    assert Element.objects.get().text == "✓ since 2.0"
    assert _only_record(element).changes == {
        "feature": [None, feature.pk],
        "grid_package": [None, link.pk],
        "text": [None, "✓ since 2.0"],
    }
    element_set(grid_package=link, feature=feature, text="no", user=alice)
    assert Element.objects.get().text == "no"
    update = history_for(element).first()
    assert update is not None
    assert update.action == EditRecord.Action.UPDATE
    assert update.changes == {"text": ["✓ since 2.0", "no"]}


def test_it_records_nothing_for_an_unchanged_or_empty_new_cell(alice: User) -> None:
    grid = make_grid()
    (link,) = add_to_grid(grid, make_package())
    feature = make_feature(grid)
    unsaved = element_set(grid_package=link, feature=feature, text="", user=alice)
    assert unsaved.pk is None
    element_set(grid_package=link, feature=feature, text="yes", user=alice)
    element_set(grid_package=link, feature=feature, text="yes", user=alice)
    assert EditRecord.objects.count() == 1


def test_it_refuses_an_over_long_cell_and_keeps_the_old_text(alice: User) -> None:
    grid = make_grid()
    (link,) = add_to_grid(grid, make_package())
    feature = make_feature(grid)
    element_set(grid_package=link, feature=feature, text="old", user=alice)
    with pytest.raises(ValidationError):
        element_set(grid_package=link, feature=feature, text="x" * 1001, user=alice)
    assert Element.objects.get().text == "old"
    assert EditRecord.objects.count() == 1


def test_it_refuses_a_cell_across_two_grids(alice: User) -> None:
    (link,) = add_to_grid(make_grid(), make_package())
    other_feature = make_feature(make_grid())
    with pytest.raises(ValidationError):
        element_set(grid_package=link, feature=other_feature, text="yes", user=alice)
    assert not Element.objects.exists()


def test_it_lets_staff_revert_a_cell_update(alice: User) -> None:
    grid = make_grid()
    (link,) = add_to_grid(grid, make_package())
    feature = make_feature(grid)
    element = element_set(grid_package=link, feature=feature, text="yes", user=alice)
    element_set(grid_package=link, feature=feature, text="vandalised", user=alice)
    update = history_for(element).first()
    assert update is not None
    edit_revert(record=update, user=alice)
    assert Element.objects.get().text == "yes"
