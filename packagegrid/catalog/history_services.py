"""The edit history's writes: every change a person makes, with each field before and after.

Services that change curated data call `edit_record` inside their transaction; staff
undo an update with `edit_revert`. Values are stored as JSON (foreign keys by id).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from packagegrid.catalog.models import EditRecord


class RevertRefused(Exception):
    """This edit cannot be reverted; the message says why."""


def field_values(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields as JSON-ready values (a foreign key as its id)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = getattr(instance, field.attname)  # type: ignore[union-attr]
    return values


def edit_record(
    *,
    user: User | None,
    instance: models.Model,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> EditRecord | None:
    """Record an edit of `instance`; returns None when no field changed on an update.

    `before` and `after` map field names to values (see `field_values`); only the fields
    whose value differs are kept, as `{"field": [before, after]}`.
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
    )


@transaction.atomic
def edit_revert(*, record: EditRecord, user: User) -> EditRecord:
    """Put back the "before" values of an update, as a new "revert" edit by `user`.

    Raises RevertRefused for anything but an update, or when the object is gone.
    Fields changed again since then are reverted too (to their value before `record`).
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
        setattr(target, target._meta.get_field(name).attname, old)  # type: ignore[union-attr]
    update_fields = fields
    if any(f.name == "modified" for f in target._meta.get_fields()):
        target.modified = timezone.now()  # type: ignore[attr-defined]
        update_fields = [*fields, "modified"]
    target.full_clean(exclude=[f for f in _all_field_names(target) if f not in fields])
    target.save(update_fields=update_fields)
    reverted = edit_record(
        user=user,
        instance=target,
        action=EditRecord.Action.REVERT,
        before=before,
        after=field_values(target, fields),
    )
    assert reverted is not None
    return reverted


def _all_field_names(instance: models.Model) -> list[str]:
    return [f.name for f in instance._meta.concrete_fields]
