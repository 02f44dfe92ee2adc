"""Writes to grids: every change a person makes is one transaction and one history record.

Each service validates its input like the forms do (so a caller that skips the form
still cannot store an over-long cell or a duplicate slug) and raises ValidationError
with nothing changed. Any change to a grid's packages, features or cells also moves
the grid's `modified`, which the grids list sorts by.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from packagegrid.catalog.history_services import (
    EditConflict,
    RevertRefused,
    edit_record,
    edit_revert,
    edit_save,
    field_values,
)
from packagegrid.catalog.models import EditRecord, Package
from packagegrid.changes.models import Action, Kind
from packagegrid.changes.services import ChangeInfo, changes_record
from packagegrid.grids.models import Element, Feature, Grid, GridPackage

# The fields of each model a person edits, and so the fields the history records.
GRID_FIELDS = ["title", "slug", "description", "is_locked"]
FEATURE_FIELDS = ["grid", "title", "description"]
GRID_PACKAGE_FIELDS = ["grid", "package"]
ELEMENT_FIELDS = ["grid_package", "feature", "text"]


class GridPackageExists(ValidationError):
    """The package is already in the grid."""


def _validated(instance: Grid | Feature | Element, *, unique: bool = False) -> None:
    """Run the model's field validation (lengths, slug characters, and with `unique` the
    unique checks); raises ValidationError.

    Foreign keys are skipped: the callers pass saved objects, and checking each would
    cost a query.
    """
    foreign_keys = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    instance.full_clean(exclude=foreign_keys, validate_unique=unique, validate_constraints=unique)
    # A TextField's max_length only sizes form widgets; model validation ignores it.
    too_long = {
        field.name: f"At most {field.max_length} characters, please."
        for field in instance._meta.concrete_fields
        if isinstance(field, models.TextField)
        and field.max_length
        and len(getattr(instance, field.attname) or "") > field.max_length
    }
    if too_long:
        raise ValidationError(too_long)


def _touch(grid: Grid) -> None:
    grid.modified = timezone.now()
    grid.save(update_fields=["modified"])


def _record(
    *,
    user: User,
    instance: Any,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    snapshot: dict[str, Any] | None = None,
) -> None:
    edit_record(
        user=user, instance=instance, action=action, before=before, after=after, snapshot=snapshot
    )


def _record_new(
    *,
    user: User,
    instance: Grid | Feature | GridPackage | Element,
    fields: list[str],
    action: str = EditRecord.Action.CREATE,
) -> None:
    """Record that `instance` came to be: created, or with RESTORE put back."""
    _record(
        user=user, instance=instance, action=action, before={}, after=field_values(instance, fields)
    )


def _edit(
    *,
    instance: Grid | Feature | Element,
    values: dict[str, Any],
    user: User,
    expected_version: int | None,
    unique: bool = False,
) -> bool:
    """Set `values` on `instance`, validate them and save them with compare-and-set on
    its version (see `edit_save`), recording the update; returns whether anything changed.

    Raises ValidationError or EditConflict with nothing saved and `instance` as it was.
    """
    names = sorted(values)
    before = field_values(instance, names)
    for name, value in values.items():
        setattr(instance, name, value)
    try:
        _validated(instance, unique=unique)
        return (
            edit_save(
                instance=instance,
                before=before,
                fields=names,
                user=user,
                expected_version=expected_version,
            )
            is not None
        )
    except (ValidationError, EditConflict):
        for name in names:
            setattr(instance, name, before[name])
        raise


@transaction.atomic
def grid_create(*, title: str, slug: str, description: str, user: User) -> Grid:
    """A new grid created by `user`; raises ValidationError (e.g. a slug in use)."""
    now = timezone.now()
    grid = Grid(
        title=title, slug=slug, description=description, created_by=user, created=now, modified=now
    )
    _validated(grid, unique=True)
    grid.save()
    _record_new(user=user, instance=grid, fields=GRID_FIELDS)
    return grid


@transaction.atomic
def grid_update(
    *,
    grid: Grid,
    title: str,
    slug: str,
    description: str,
    user: User,
    expected_version: int | None = None,
) -> Grid:
    """Change a grid's title, slug and description; raises ValidationError, or
    EditConflict when `expected_version` is given and the grid has another one now
    (nothing saved either way).

    Saving unchanged values records nothing and leaves `modified` alone.
    """
    values = {"title": title, "slug": slug, "description": description}
    _edit(instance=grid, values=values, user=user, expected_version=expected_version, unique=True)
    return grid


@transaction.atomic
def grid_set_locked(*, grid: Grid, is_locked: bool, user: User) -> Grid:
    """Lock (only staff may then edit) or unlock a grid; the caller checks `user` is staff."""
    _edit(instance=grid, values={"is_locked": is_locked}, user=user, expected_version=None)
    return grid


@transaction.atomic
def grid_delete(*, grid: Grid, user: User) -> None:
    """Delete a grid with its features and cells (the packages stay), recording its fields."""
    _record(
        user=user,
        instance=grid,
        action=EditRecord.Action.DELETE,
        before=field_values(grid, GRID_FIELDS),
        after={},
    )
    grid.delete()


@transaction.atomic
def grid_add_package(*, grid: Grid, package: Package, user: User) -> GridPackage:
    """Add `package` to `grid` (its cells start empty); raises GridPackageExists."""
    if GridPackage.objects.filter(grid=grid, package=package).exists():
        raise GridPackageExists(f"{package.title} is already in this grid.")
    link = GridPackage.objects.create(grid=grid, package=package)
    _record_new(user=user, instance=link, fields=GRID_PACKAGE_FIELDS)
    _touch(grid)
    return link


@transaction.atomic
def grid_remove_package(*, grid_package: GridPackage, user: User) -> None:
    """Take a package out of its grid, deleting its cells; the package itself stays.

    The record keeps the cells (see `grid_package_restore`).
    """
    _delete_keeping_cells(instance=grid_package, fields=GRID_PACKAGE_FIELDS, user=user)


@transaction.atomic
def feature_create(*, grid: Grid, title: str, description: str, user: User) -> Feature:
    """A new feature (row) at the end of `grid`; raises ValidationError (e.g. too long)."""
    feature = Feature(grid=grid, title=title, description=description)
    _validated(feature)
    feature.save()
    _record_new(user=user, instance=feature, fields=FEATURE_FIELDS)
    _touch(grid)
    return feature


@transaction.atomic
def feature_update(
    *,
    feature: Feature,
    title: str,
    description: str,
    user: User,
    expected_version: int | None = None,
) -> Feature:
    """Change a feature's title and description; raises ValidationError, or EditConflict
    when `expected_version` is given and the feature has another one now (nothing saved)."""
    values = {"title": title, "description": description}
    if _edit(instance=feature, values=values, user=user, expected_version=expected_version):
        _touch(feature.grid)
    return feature


@transaction.atomic
def feature_delete(*, feature: Feature, user: User) -> None:
    """Delete a feature with its cells, recording its title and description and keeping
    its cells in the record (see `feature_restore`)."""
    _delete_keeping_cells(instance=feature, fields=FEATURE_FIELDS, user=user)


def _delete_keeping_cells(
    *, instance: Feature | GridPackage, fields: list[str], user: User
) -> None:
    """Delete a feature or a package's place in a grid, with its cells, recording its
    fields and keeping the cells in the record's snapshot for `_put_back`.

    A cell is kept with its id, text, timestamps and as `other` the id of what places it
    in the grid besides `instance`: the package (of a feature's cell) or the feature.
    """
    if isinstance(instance, Feature):
        cells = Element.objects.filter(feature=instance).annotate(other=F("grid_package__package"))
    else:
        cells = Element.objects.filter(grid_package=instance).annotate(other=F("feature"))
    _record(
        user=user,
        instance=instance,
        action=EditRecord.Action.DELETE,
        before=field_values(instance, fields),
        after={},
        snapshot={
            "created": instance.created.isoformat(),
            "cells": [
                {
                    "id": pk,
                    "other": other,
                    "text": text,
                    "created": created.isoformat(),
                    "modified": modified.isoformat(),
                }
                for pk, other, text, created, modified in cells.values_list(
                    "pk", "other", "text", "created", "modified"
                )
            ],
        },
    )
    grid = instance.grid
    instance.delete()
    _touch(grid)


@transaction.atomic
def element_set(
    *,
    grid_package: GridPackage,
    feature: Feature,
    text: str,
    user: User,
    expected_version: int | None = None,
) -> Element:
    """Set the cell of `grid_package` and `feature` to `text` (creating it if need be).

    Raises ValidationError for text over 1000 characters, or when the package and the
    feature belong to different grids. The same text again records nothing, and so does
    an empty text for a cell that has no row (the Element returned is then unsaved).
    `expected_version` is the cell's version when the editor opened it (0 for a cell
    that had no row); another one now raises EditConflict with nothing saved.
    """
    if grid_package.grid_id != feature.grid_id:
        raise ValidationError("The package and the feature are in different grids.")
    element = (
        Element.objects.select_for_update().filter(grid_package=grid_package, feature=feature)
    ).first()
    if element is not None:
        values = {"text": text}
        if _edit(instance=element, values=values, user=user, expected_version=expected_version):
            _touch(feature.grid)
        return element
    element = Element(grid_package=grid_package, feature=feature, text=text)
    if not text:
        return element  # an empty cell needs no row
    _validated(element)
    try:
        with transaction.atomic():
            element.save()
    except IntegrityError:  # someone created the cell since the row was looked for
        current = Element.objects.filter(grid_package=grid_package, feature=feature).first()
        raise EditConflict(current) from None
    _record_new(user=user, instance=element, fields=ELEMENT_FIELDS)
    _touch(feature.grid)
    return element


def _restore_cells(
    cells: list[dict[str, Any]], *, place: dict[int, tuple[int, int]], now: datetime
) -> int:
    """Create the recorded `cells` again; `place` maps each cell's recorded feature or
    package id to its (grid package id, feature id) now. Cells whose other half is gone
    are left out; a cell's old id is kept when it is free. Returns how many were made."""
    wanted = [cell for cell in cells if cell["other"] in place]
    taken = set(
        Element.objects.filter(pk__in=[cell["id"] for cell in wanted]).values_list("pk", flat=True)
    )
    restored = Element.objects.bulk_create(
        Element(
            pk=None if cell["id"] in taken else cell["id"],
            grid_package_id=place[cell["other"]][0],
            feature_id=place[cell["other"]][1],
            text=cell["text"],
            created=datetime.fromisoformat(cell["created"]),
            modified=now,
        )
        for cell in wanted
    )
    # A bulk insert sends no signals: the change feed is told here.
    changes_record(
        ChangeInfo(Kind.CELL, cell.pk, Action.CREATE, ELEMENT_FIELDS) for cell in restored
    )
    return len(wanted)


def _deleted_values(record: EditRecord) -> dict[str, Any]:
    return {name: before for name, (before, _after) in record.changes.items()}


@transaction.atomic
def feature_restore(*, grid: Grid, record: EditRecord, user: User) -> int:
    """Put back the feature whose deletion `record` recorded, with its cells for the
    packages still in `grid`, as a "restore" edit by `user`; returns the cells restored.

    The feature keeps its id, so its history reads on. Raises RevertRefused, with nothing
    changed, when the feature exists (it was restored already) or was in another grid.
    """
    values = _deleted_values(record)
    if values.get("grid") != grid.pk:
        raise RevertRefused("This feature was in another grid.")
    if Feature.objects.filter(pk=record.object_id).exists():
        raise RevertRefused("This feature exists again: it was restored already.")
    feature = Feature(
        pk=record.object_id,
        grid=grid,
        title=values.get("title") or "",
        description=values.get("description") or "",
    )
    return _put_back(instance=feature, fields=FEATURE_FIELDS, record=record, user=user)


@transaction.atomic
def grid_package_restore(*, grid: Grid, record: EditRecord, user: User) -> int:
    """Put back in `grid` the package whose removal `record` recorded, with its cells for
    the features still in the grid, as a "restore" edit by `user`; returns the cells
    restored. Raises RevertRefused, with nothing changed, when the package is in the
    grid again (restored or added since), was deleted, or was in another grid.
    """
    values = _deleted_values(record)
    if values.get("grid") != grid.pk:
        raise RevertRefused("This package was removed from another grid.")
    package_id = values.get("package")
    package = (
        Package.objects.filter(pk=package_id).only("id", "title").first()
        if isinstance(package_id, int)
        else None
    )
    if package is None:
        raise RevertRefused("The package itself was deleted since.")
    if GridPackage.objects.filter(grid=grid, package=package).exists():
        raise RevertRefused(f"{package.title} is in this grid again: nothing to restore.")
    pk_free = not GridPackage.objects.filter(pk=record.object_id).exists()
    link = GridPackage(pk=record.object_id if pk_free else None, grid=grid, package=package)
    return _put_back(instance=link, fields=GRID_PACKAGE_FIELDS, record=record, user=user)


def _put_back(
    *, instance: Feature | GridPackage, fields: list[str], record: EditRecord, user: User
) -> int:
    """Insert the deleted `instance` again with the cells `record` kept for the packages
    (of a feature) or features (of a package) still in its grid, and record the restore;
    returns how many cells came back."""
    now = timezone.now()
    created = record.snapshot.get("created")
    instance.created = datetime.fromisoformat(created) if created else now
    instance.modified = now
    instance.save(force_insert=True)
    grid = instance.grid
    place: dict[int, tuple[int, int]]
    if isinstance(instance, Feature):
        links = GridPackage.objects.filter(grid=grid).values_list("package_id", "pk")
        place = {package_id: (link_id, instance.pk) for package_id, link_id in links}
    else:
        features = Feature.objects.filter(grid=grid).values_list("pk", flat=True)
        place = {feature_id: (instance.pk, feature_id) for feature_id in features}
    restored = _restore_cells(record.snapshot.get("cells", []), place=place, now=now)
    _record_new(user=user, instance=instance, fields=fields, action=EditRecord.Action.RESTORE)
    _touch(grid)
    return restored


@transaction.atomic
def grid_edit_revert(*, grid: Grid, record: EditRecord, user: User) -> int | None:
    """Undo one recorded edit of `grid` or its parts, recorded as an edit by `user`.

    An update gets its "before" values back (`edit_revert`). A deleted feature or a
    package removed from the grid is restored with its cells, and the number of cells
    that came back is returned (None for every other revert). An added feature is
    deleted and an added package removed again, a deletion which can itself be restored.
    Raises RevertRefused with nothing changed for anything else, for a thing already
    restored or removed, and ValidationError for a value no longer valid.
    """
    model = record.content_type.model_class()
    if record.action == EditRecord.Action.UPDATE:
        edit_revert(record=record, user=user)
        return None
    if record.action == EditRecord.Action.DELETE and model is Feature:
        return feature_restore(grid=grid, record=record, user=user)
    if record.action == EditRecord.Action.DELETE and model is GridPackage:
        return grid_package_restore(grid=grid, record=record, user=user)
    if record.action == EditRecord.Action.CREATE and model in (Feature, GridPackage):
        # Undo an addition: delete it again (keeping its cells in the record).
        added = model._default_manager.filter(pk=record.object_id, grid=grid).first()
        if added is None:
            raise RevertRefused("This was deleted or removed from the grid already.")
        added.grid = grid
        _delete_keeping_cells(
            instance=added,
            fields=FEATURE_FIELDS if model is Feature else GRID_PACKAGE_FIELDS,
            user=user,
        )
        return None
    raise RevertRefused(
        "Only updates, added or deleted features and added or removed packages can be reverted."
    )
