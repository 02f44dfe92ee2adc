"""Writes to grids: every change a person makes is one transaction and one history record.

Each service validates its input like the forms do (so a caller that skips the form
still cannot store an over-long cell or a duplicate slug) and raises ValidationError
with nothing changed. Any change to a grid's packages, features or cells also moves
the grid's `modified`, which the grids list sorts by.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from packagegrid.catalog.history_services import edit_record, field_values
from packagegrid.catalog.models import EditRecord, Package
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
    *, user: User, instance: Any, action: str, before: dict[str, Any], after: dict[str, Any]
) -> None:
    edit_record(user=user, instance=instance, action=action, before=before, after=after)


@transaction.atomic
def grid_create(*, title: str, slug: str, description: str, user: User) -> Grid:
    """A new grid created by `user`; raises ValidationError (e.g. a slug in use)."""
    now = timezone.now()
    grid = Grid(
        title=title, slug=slug, description=description, created_by=user, created=now, modified=now
    )
    _validated(grid, unique=True)
    grid.save()
    _record(
        user=user,
        instance=grid,
        action=EditRecord.Action.CREATE,
        before={},
        after=field_values(grid, GRID_FIELDS),
    )
    return grid


@transaction.atomic
def grid_update(*, grid: Grid, title: str, slug: str, description: str, user: User) -> Grid:
    """Change a grid's title, slug and description; raises ValidationError (nothing saved).

    Saving unchanged values records nothing and leaves `modified` alone.
    """
    before = field_values(grid, GRID_FIELDS)
    grid.title, grid.slug, grid.description = title, slug, description
    try:
        _validated(grid, unique=True)
    except ValidationError:
        grid.title, grid.slug, grid.description = (
            before["title"],
            before["slug"],
            before["description"],
        )
        raise
    after = field_values(grid, GRID_FIELDS)
    if before != after:
        grid.modified = timezone.now()
        grid.save(update_fields=["title", "slug", "description", "modified"])
        _record(
            user=user, instance=grid, action=EditRecord.Action.UPDATE, before=before, after=after
        )
    return grid


@transaction.atomic
def grid_set_locked(*, grid: Grid, is_locked: bool, user: User) -> Grid:
    """Lock (only staff may then edit) or unlock a grid; the caller checks `user` is staff."""
    if grid.is_locked != is_locked:
        before = field_values(grid, ["is_locked"])
        grid.is_locked = is_locked
        grid.modified = timezone.now()
        grid.save(update_fields=["is_locked", "modified"])
        _record(
            user=user,
            instance=grid,
            action=EditRecord.Action.UPDATE,
            before=before,
            after=field_values(grid, ["is_locked"]),
        )
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
    _record(
        user=user,
        instance=link,
        action=EditRecord.Action.CREATE,
        before={},
        after=field_values(link, GRID_PACKAGE_FIELDS),
    )
    _touch(grid)
    return link


@transaction.atomic
def grid_remove_package(*, grid_package: GridPackage, user: User) -> None:
    """Take a package out of its grid, deleting its cells; the package itself stays."""
    _record(
        user=user,
        instance=grid_package,
        action=EditRecord.Action.DELETE,
        before=field_values(grid_package, GRID_PACKAGE_FIELDS),
        after={},
    )
    grid = grid_package.grid
    grid_package.delete()
    _touch(grid)


@transaction.atomic
def feature_create(*, grid: Grid, title: str, description: str, user: User) -> Feature:
    """A new feature (row) at the end of `grid`; raises ValidationError (e.g. too long)."""
    feature = Feature(grid=grid, title=title, description=description)
    _validated(feature)
    feature.save()
    _record(
        user=user,
        instance=feature,
        action=EditRecord.Action.CREATE,
        before={},
        after=field_values(feature, FEATURE_FIELDS),
    )
    _touch(grid)
    return feature


@transaction.atomic
def feature_update(*, feature: Feature, title: str, description: str, user: User) -> Feature:
    """Change a feature's title and description; raises ValidationError (nothing saved)."""
    before = field_values(feature, FEATURE_FIELDS)
    feature.title, feature.description = title, description
    try:
        _validated(feature)
    except ValidationError:
        feature.title, feature.description = before["title"], before["description"]
        raise
    after = field_values(feature, FEATURE_FIELDS)
    if before != after:
        feature.modified = timezone.now()
        feature.save(update_fields=["title", "description", "modified"])
        _record(
            user=user, instance=feature, action=EditRecord.Action.UPDATE, before=before, after=after
        )
        _touch(feature.grid)
    return feature


@transaction.atomic
def feature_delete(*, feature: Feature, user: User) -> None:
    """Delete a feature with its cells, recording its title and description."""
    _record(
        user=user,
        instance=feature,
        action=EditRecord.Action.DELETE,
        before=field_values(feature, FEATURE_FIELDS),
        after={},
    )
    grid = feature.grid
    feature.delete()
    _touch(grid)


@transaction.atomic
def element_set(*, grid_package: GridPackage, feature: Feature, text: str, user: User) -> Element:
    """Set the cell of `grid_package` and `feature` to `text` (creating it if need be).

    Raises ValidationError for text over 1000 characters, or when the package and the
    feature belong to different grids. The same text again records nothing, and so does
    an empty text for a cell that has no row (the Element returned is then unsaved).
    """
    if grid_package.grid_id != feature.grid_id:
        raise ValidationError("The package and the feature are in different grids.")
    element = (
        Element.objects.select_for_update().filter(grid_package=grid_package, feature=feature)
    ).first()
    if element is None:
        element = Element(grid_package=grid_package, feature=feature, text=text)
        if not text:
            return element  # an empty cell needs no row
        _validated(element)
        element.save()
        _record(
            user=user,
            instance=element,
            action=EditRecord.Action.CREATE,
            before={},
            after=field_values(element, ELEMENT_FIELDS),
        )
        _touch(feature.grid)
        return element
    before = field_values(element, ["text"])
    element.text = text
    try:
        _validated(element)
    except ValidationError:
        element.text = before["text"]
        raise
    if before["text"] != text:
        element.modified = timezone.now()
        element.save(update_fields=["text", "modified"])
        _record(
            user=user,
            instance=element,
            action=EditRecord.Action.UPDATE,
            before=before,
            after={"text": text},
        )
        _touch(feature.grid)
    return element
