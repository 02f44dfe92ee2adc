"""Model signals that record changes of the public data in the change log.

Signals, not calls in each service, because the log must miss nothing: they also see
edits in the admin and the rows a delete cascades to (a grid's features and cells, a
package's releases). Each receiver writes in the saving transaction. Bulk writes send
no signals; those call `changes_record` themselves (`_apply_releases`, restored cells,
health's lifecycle).

What is recorded:
- a create lists the fields set (for fetched data: those not at their default);
- an update with `update_fields` lists those fields; a full save of an existing row
  (the admin) reads the row first and lists the fields whose value differs;
- bookkeeping fields (`modified`, `version`, `last_fetched`, ...) are never listed, and
  a save that changes only them records nothing (so an unchanged fetch records nothing);
- a package's fetched data (`RepoData`, `PyPIData`, `PackageDownloads`) is an update of
  the package, its fields named `repo.<field>`, `pypi.<field>` and `downloads.<field>`
  (its weekly downloads, bulk written, are `downloads.weekly`); a package added to or removed from a
  grid is an update of the grid's "packages".
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from packagegrid.catalog.models import Category, Package, PyPIData, Release, RepoData
from packagegrid.changes.models import Action, Kind
from packagegrid.changes.services import change_record
from packagegrid.downloads.models import PackageDownloads
from packagegrid.grids.models import Element, Feature, Grid, GridPackage

# Bookkeeping: a save that only moves these changed nothing a reader of the feed wants.
IGNORED_FIELDS = frozenset(
    {"id", "created", "modified", "version", "repo_key", "last_fetched", "fetched_at"}
    | {"last_modified_by", "pypi_key"}
)

_KINDS: dict[type[models.Model], str] = {
    Package: Kind.PACKAGE,
    Category: Kind.CATEGORY,
    Release: Kind.RELEASE,
    Grid: Kind.GRID,
    Feature: Kind.FEATURE,
    Element: Kind.CELL,
}
_FETCHED: dict[type[models.Model], str] = {
    RepoData: "repo.",
    PyPIData: "pypi.",
    PackageDownloads: "downloads.",
}
# Set by pre_save on an instance saved whole: its stored values before the save.
_BEFORE = "_packagegrid_changes_before"


def _names(instance: models.Model) -> list[str]:
    return [f.name for f in instance._meta.concrete_fields if f.name not in IGNORED_FIELDS]


def _remember_stored(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """Before a full save of an existing row, read what it stores, to list what changes."""
    if kwargs.get("raw") or instance._state.adding or kwargs.get("update_fields") is not None:
        return
    attnames = [f.attname for f in instance._meta.concrete_fields]
    stored = sender._base_manager.filter(pk=instance.pk).values(*attnames).first()
    setattr(instance, _BEFORE, stored)


def _changed_fields(instance: models.Model, created: bool, update_fields: Any) -> list[str]:
    names = _names(instance)
    if update_fields is not None:
        return [name for name in names if name in update_fields]
    fields = {f.name: f for f in instance._meta.concrete_fields}
    if created:
        if type(instance) in _FETCHED:  # get_or_create makes empty rows: not a change
            return [n for n in names if getattr(instance, n) != fields[n].get_default()]
        return names
    stored = instance.__dict__.pop(_BEFORE, None)
    if stored is None:  # the row was gone: Django inserted it
        return names
    return [n for n in names if stored[fields[n].attname] != getattr(instance, fields[n].attname)]


def _saved(sender: type[models.Model], instance: Any, created: bool, **kwargs: Any) -> None:
    fields = _changed_fields(instance, created, kwargs.get("update_fields"))
    if sender is GridPackage:
        change_record(
            kind=Kind.GRID, object_id=instance.grid_id, action=Action.UPDATE, fields=["packages"]
        )
    elif sender in _FETCHED:
        if fields:
            prefix = _FETCHED[sender]
            change_record(
                kind=Kind.PACKAGE,
                object_id=instance.package_id,
                action=Action.UPDATE,
                fields=[prefix + name for name in fields],
            )
    elif created or fields:
        change_record(
            kind=_KINDS[sender],
            object_id=instance.pk,
            action=Action.CREATE if created else Action.UPDATE,
            fields=fields,
        )


def _deleted(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    if sender is GridPackage:
        change_record(
            kind=Kind.GRID, object_id=instance.grid_id, action=Action.UPDATE, fields=["packages"]
        )
    elif sender in _KINDS:
        change_record(kind=_KINDS[sender], object_id=instance.pk, action=Action.DELETE)
    # A package's fetched data goes only with the package, whose deletion is recorded.


def connect() -> None:
    models_recorded: list[type[models.Model]] = [*_KINDS, *_FETCHED, GridPackage]
    for model in models_recorded:
        uid = f"packagegrid.changes:{model._meta.label}"
        pre_save.connect(_remember_stored, sender=model, dispatch_uid=f"{uid}:pre")
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}:delete")
