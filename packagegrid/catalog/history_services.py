"""The edit history's writes: every change a person makes, with each field before and after.

Services that change curated data call `edit_record` inside their transaction; staff
undo an update with `edit_revert`. Values are stored as JSON (foreign keys by id).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from packagegrid.catalog.models import EditRecord


class RevertRefused(Exception):
    """This edit cannot be reverted; the message says why."""


def field_values(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields as JSON-ready values (a foreign key as its id)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = getattr(instance, field.attname)  # type: ignore[union-attr]  # named fields are concrete
    return values


def edit_record(
    *,
    user: User | None,
    instance: models.Model,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    snapshot: dict[str, Any] | None = None,
) -> EditRecord | None:
    """Record an edit of `instance`; returns None when no field changed on an update.

    `before` and `after` map field names to values (see `field_values`); only the fields
    whose value differs are kept, as `{"field": [before, after]}`. A deletion passes in
    `snapshot` what it removed along with `instance` (JSON), for a restore.
    """
    changes = {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }
    if not changes and action == EditRecord.Action.UPDATE:
        return None
    return EditRecord.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        user=user,
        action=action,
        changes=changes,
        snapshot=snapshot or {},
    )


class EditConflict(Exception):
    """Someone saved the object since the editor loaded it: nothing was saved.

    `current` is the object as it is stored now (None when it was deleted), for the
    page to show next to what the person submitted.
    """

    def __init__(self, current: models.Model | None) -> None:
        super().__init__("Someone else saved a change since you started editing.")
        self.current = current


def edit_save(
    *,
    instance: models.Model,
    before: dict[str, Any],
    fields: list[str],
    user: User | None,
    expected_version: int | None,
    action: str = EditRecord.Action.UPDATE,
    also: dict[str, Any] | None = None,
) -> EditRecord | None:
    """Save `fields` of `instance` (a VersionedModel with `modified`; the fields set on it
    and validated by the caller) and record the edit, where the row still has
    `expected_version` (any version with None).

    `before` holds the fields' values as loaded. Call it inside a transaction: first one
    UPDATE raises the row's `version` by one where it still is `expected_version`, so of
    two concurrent saves from the same version exactly one wins (the other's UPDATE waits
    for the first to commit, then matches no row); then a `save(update_fields=...)` writes
    the fields and `modified`, with the usual signals (cache, search index). `also` names
    more fields to set, unrecorded (`last_modified_by`). Returns the new record, or None
    for an update that changes nothing (nothing is then saved, and a stale version is no
    conflict: nothing would be overwritten). Raises EditConflict, with nothing saved,
    when the row has another version or is gone.
    """
    after = field_values(instance, fields)
    changed = [name for name in fields if before.get(name) != after[name]]
    if not changed and action == EditRecord.Action.UPDATE:
        return None
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if rows.update(version=F("version") + 1) == 0:
        current = type(instance)._default_manager.filter(pk=instance.pk).first()
        raise EditConflict(current)
    instance.refresh_from_db(fields=["version"])
    for name, value in (also or {}).items():
        setattr(instance, name, value)
    instance.modified = timezone.now()  # type: ignore[attr-defined]  # edited models all have modified
    instance.save(update_fields=[*changed, "modified", *(also or {})])
    return edit_record(user=user, instance=instance, action=action, before=before, after=after)


@transaction.atomic
def edit_revert(*, record: EditRecord, user: User) -> EditRecord:
    """Put back the "before" values of an update, as a new "revert" edit by `user`.

    Raises RevertRefused for anything but an update, or when the object is gone.
    Fields changed again since then are reverted too (to their value before `record`).
    The object's version goes up, so an edit started before the revert is a conflict.
    """
    if record.action != EditRecord.Action.UPDATE:
        raise RevertRefused("Only updates can be reverted.")
    model = record.content_type.model_class()
    target = model._default_manager.filter(pk=record.object_id).first() if model else None
    if target is None:
        raise RevertRefused("The edited object no longer exists.")
    fields = list(record.changes)
    before = field_values(target, fields)
    for name, (old, _new) in record.changes.items():
        setattr(target, _attname(target, name), old)
    target.full_clean(exclude=[f for f in _all_field_names(target) if f not in fields])
    reverted = edit_save(
        instance=target,
        before=before,
        fields=fields,
        user=user,
        expected_version=None,
        action=EditRecord.Action.REVERT,
    )
    assert reverted is not None
    return reverted


def _attname(instance: models.Model, name: str) -> str:
    return instance._meta.get_field(name).attname  # type: ignore[union-attr]  # named fields are concrete


def _all_field_names(instance: models.Model) -> list[str]:
    return [f.name for f in instance._meta.concrete_fields]
