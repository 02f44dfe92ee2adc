"""Grid services: deletions kept and restored with their cells, additions undone, and
edits saved only from the version they started from."""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection

from packagegrid.catalog.history_services import EditConflict, RevertRefused
from packagegrid.catalog.models import EditRecord
from packagegrid.catalog.selectors import history_for
from packagegrid.conftest import make_grid, make_package, make_user
from packagegrid.grids.models import Element, Feature, Grid, GridPackage
from packagegrid.grids.selectors import grid_history_records
from packagegrid.grids.services import (
    element_set,
    feature_create,
    feature_delete,
    feature_update,
    grid_add_package,
    grid_edit_revert,
    grid_remove_package,
    grid_update,
)

pytestmark = pytest.mark.django_db


def _grid_with_cells(user: User) -> tuple[Grid, list[GridPackage], list[Feature]]:
    """A grid of two packages and two features, every cell filled ("<feature> <package>")."""
    grid = make_grid(title="Auth", slug="auth")
    links = [
        grid_add_package(grid=grid, package=make_package(title=title), user=user)
        for title in ("Alpha", "Bravo")
    ]
    features = [
        feature_create(grid=grid, title=title, description=f"{title}?", user=user)
        for title in ("Async", "Typed")
    ]
    for feature in features:
        for link in links:
            text = f"{feature.title} {link.package.title}"
            element_set(grid_package=link, feature=feature, text=text, user=user)
    return grid, links, features


def _cells(grid: Grid) -> set[tuple[str, str, str]]:
    return set(
        Element.objects.filter(feature__grid=grid).values_list(
            "feature__title", "grid_package__package__title", "text"
        )
    )


def _latest(grid: Grid, model: str, action: str) -> EditRecord:
    record = grid_history_records(grid=grid).filter(content_type__model=model, action=action)
    found = record.first()
    assert found is not None
    return found


def test_it_keeps_a_deleted_features_cells_in_the_record(alice: User) -> None:
    grid, _links, (async_, _typed) = _grid_with_cells(alice)
    feature_delete(feature=async_, user=alice)
    record = _latest(grid, "feature", "delete")
    assert sorted(cell["text"] for cell in record.snapshot["cells"]) == [
        "Async Alpha",
        "Async Bravo",
    ]


def test_it_restores_a_deleted_feature_with_its_cells(alice: User, staff: User) -> None:
    grid, _links, (async_, _typed) = _grid_with_cells(alice)
    before = _cells(grid)
    feature_id = async_.pk
    feature_delete(feature=async_, user=alice)
    assert len(_cells(grid)) == 2
    restored = grid_edit_revert(grid=grid, record=_latest(grid, "feature", "delete"), user=staff)
    assert restored == 2
    assert _cells(grid) == before
    feature = Feature.objects.get(pk=feature_id)  # its id kept, so its history reads on
    assert (feature.title, feature.description) == ("Async", "Async?")
    restore = history_for(feature).first()
    assert restore is not None
    assert (restore.action, restore.user) == (EditRecord.Action.RESTORE, staff)


def test_it_restores_a_removed_package_with_its_cells(alice: User, staff: User) -> None:
    grid, (alpha, _bravo), _features = _grid_with_cells(alice)
    before = _cells(grid)
    grid_remove_package(grid_package=alpha, user=alice)
    assert len(_cells(grid)) == 2
    record = _latest(grid, "gridpackage", "delete")
    assert grid_edit_revert(grid=grid, record=record, user=staff) == 2
    assert _cells(grid) == before
    assert GridPackage.objects.filter(grid=grid, package__title="Alpha").exists()
    restore = _latest(grid, "gridpackage", "restore")
    assert restore.user == staff


def test_it_leaves_out_cells_whose_other_half_is_gone(alice: User, staff: User) -> None:
    grid, (alpha, _bravo), (async_, _typed) = _grid_with_cells(alice)
    grid_remove_package(grid_package=alpha, user=alice)
    feature_delete(feature=async_, user=alice)
    record = _latest(grid, "gridpackage", "delete")
    assert grid_edit_revert(grid=grid, record=record, user=staff) == 1  # only "Typed"
    assert ("Typed", "Alpha", "Typed Alpha") in _cells(grid)


def test_it_refuses_to_restore_twice_and_changes_nothing(alice: User, staff: User) -> None:
    grid, _links, (async_, _typed) = _grid_with_cells(alice)
    feature_delete(feature=async_, user=alice)
    record = _latest(grid, "feature", "delete")
    grid_edit_revert(grid=grid, record=record, user=staff)
    count = EditRecord.objects.count()
    with pytest.raises(RevertRefused, match="restored already"):
        grid_edit_revert(grid=grid, record=record, user=staff)
    assert EditRecord.objects.count() == count
    assert Feature.objects.filter(grid=grid, title="Async").count() == 1


def test_it_refuses_to_restore_a_package_that_is_back_in_the_grid(alice: User, staff: User) -> None:
    grid, (alpha, _bravo), _features = _grid_with_cells(alice)
    package = alpha.package
    grid_remove_package(grid_package=alpha, user=alice)
    record = _latest(grid, "gridpackage", "delete")
    grid_add_package(grid=grid, package=package, user=alice)
    with pytest.raises(RevertRefused, match="is in this grid again"):
        grid_edit_revert(grid=grid, record=record, user=staff)
    assert not Element.objects.filter(grid_package__package=package).exists()


def test_reverting_an_added_feature_deletes_it_restorably(alice: User, staff: User) -> None:
    grid, _links, (_async, typed) = _grid_with_cells(alice)
    create = grid_history_records(grid=grid).get(
        content_type__model="feature", object_id=typed.pk, action="create"
    )
    grid_edit_revert(grid=grid, record=create, user=staff)
    assert not Feature.objects.filter(pk=typed.pk).exists()
    deletion = _latest(grid, "feature", "delete")
    assert deletion.user == staff
    assert grid_edit_revert(grid=grid, record=deletion, user=staff) == 2
    with pytest.raises(RevertRefused):  # the old deletion record: restored already
        grid_edit_revert(grid=grid, record=deletion, user=staff)


def test_reverting_an_added_package_removes_it(alice: User, staff: User) -> None:
    grid, (alpha, _bravo), _features = _grid_with_cells(alice)
    create = grid_history_records(grid=grid).get(
        content_type__model="gridpackage", object_id=alpha.pk, action="create"
    )
    grid_edit_revert(grid=grid, record=create, user=staff)
    assert not GridPackage.objects.filter(pk=alpha.pk).exists()
    with pytest.raises(RevertRefused, match="deleted or removed from the grid already"):
        grid_edit_revert(grid=grid, record=create, user=staff)


def test_it_saves_an_edit_from_the_current_version_and_raises_it(alice: User) -> None:
    grid = make_grid(title="Auth", slug="auth")
    assert grid.version == 1
    grid_update(
        grid=grid, title="Authn", slug="auth", description="", user=alice, expected_version=1
    )
    grid.refresh_from_db()
    assert (grid.title, grid.version) == ("Authn", 2)


def test_it_refuses_a_stale_grid_edit_and_saves_nothing(alice: User) -> None:
    grid = make_grid(title="Auth", slug="auth")
    grid_update(grid=grid, title="Theirs", slug="auth", description="", user=alice)
    records = EditRecord.objects.count()
    stale = Grid.objects.get(pk=grid.pk)
    with pytest.raises(EditConflict) as conflict:
        grid_update(
            grid=stale, title="Mine", slug="auth", description="", user=alice, expected_version=1
        )
    assert isinstance(conflict.value.current, Grid)
    assert conflict.value.current.title == "Theirs"
    assert stale.title == "Theirs"  # the object is left as loaded
    assert Grid.objects.get().title == "Theirs"
    assert EditRecord.objects.count() == records


def test_of_two_saves_from_one_version_only_the_first_wins(alice: User) -> None:
    _grid, _links, (async_, _typed) = _grid_with_cells(alice)
    first, second = Feature.objects.get(pk=async_.pk), Feature.objects.get(pk=async_.pk)
    version = first.version
    feature_update(
        feature=first, title="First", description="", user=alice, expected_version=version
    )
    with pytest.raises(EditConflict):
        feature_update(
            feature=second, title="Second", description="", user=alice, expected_version=version
        )
    assert Feature.objects.get(pk=async_.pk).title == "First"


def test_it_refuses_a_stale_cell_edit(alice: User) -> None:
    _grid, (alpha, _bravo), (async_, _typed) = _grid_with_cells(alice)
    cell = Element.objects.get(grid_package=alpha, feature=async_)
    version = cell.version
    element_set(grid_package=alpha, feature=async_, text="theirs", user=alice)
    with pytest.raises(EditConflict) as conflict:
        element_set(
            grid_package=alpha, feature=async_, text="mine", user=alice, expected_version=version
        )
    assert isinstance(conflict.value.current, Element)
    assert conflict.value.current.text == "theirs"


def test_a_cell_created_meanwhile_is_a_conflict_for_an_editor_who_saw_it_empty(alice: User) -> None:
    grid = make_grid(title="Auth", slug="auth")
    link = grid_add_package(grid=grid, package=make_package(title="Alpha"), user=alice)
    feature = feature_create(grid=grid, title="Async", description="", user=alice)
    element_set(grid_package=link, feature=feature, text="theirs", user=alice)
    with pytest.raises(EditConflict):
        element_set(grid_package=link, feature=feature, text="mine", user=alice, expected_version=0)
    assert Element.objects.get().text == "theirs"


def test_an_unchanged_save_from_a_stale_version_is_no_conflict(alice: User) -> None:
    grid = make_grid(title="Auth", slug="auth")
    grid_update(grid=grid, title="Theirs", slug="auth", description="", user=alice)
    grid_update(
        grid=grid, title="Theirs", slug="auth", description="", user=alice, expected_version=1
    )
    assert Grid.objects.get().version == 2


def test_a_revert_raises_the_version(alice: User, staff: User) -> None:
    grid = make_grid(title="Auth", slug="auth")
    grid_update(grid=grid, title="Authn", slug="auth", description="", user=alice)
    grid_edit_revert(grid=grid, record=_latest(grid, "grid", "update"), user=staff)
    assert Grid.objects.get().version == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_of_two_concurrent_saves_from_one_version_exactly_one_wins() -> None:
    """Two threads, each in its own transaction on its own connection, save the same
    feature from version 1 at the same moment: one saves, the other gets a conflict."""
    user = make_user("alice")
    grid = make_grid(title="Auth", slug="auth")
    feature = feature_create(grid=grid, title="Async", description="", user=user)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(title: str) -> None:
        try:
            mine = Feature.objects.select_related("grid").get(pk=feature.pk)
            start.wait()
            feature_update(feature=mine, title=title, description="", user=user, expected_version=1)
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(title,)) for title in ("One", "Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert Feature.objects.get(pk=feature.pk).version == 2
    assert EditRecord.objects.filter(action=EditRecord.Action.UPDATE).count() == 1
