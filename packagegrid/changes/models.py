"""The change log read by `/api/v5/changes/`.

A `Change` row is written in the same transaction as the change it describes, so it
commits (or rolls back) with it. Readers page through the log by `(txid, id)`, never by
`id` alone: see `packagegrid.changes.selectors` for why that is commit-safe.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    PACKAGE = "package", "Package"
    RELEASE = "release", "Release"
    GRID = "grid", "Grid"
    FEATURE = "feature", "Feature"
    CELL = "cell", "Cell"
    CATEGORY = "category", "Category"


class Action(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"


class Change(models.Model):
    """One create, update or delete of one object, as the feed lists it."""

    # On PostgreSQL the writing transaction's id (`pg_current_xact_id()`, a 64-bit xid8
    # that never wraps, stored as bigint); 0 on SQLite, whose writers are serialised.
    txid = models.BigIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    # The names of the changed fields: every field set on a create, the changed ones on an
    # update, [] on a delete. Fetched facts are named `repo.<field>`/`pypi.<field>`/
    # `downloads.<field>` (and `downloads.weekly`), and
    # derived facts "releases", "advisories", "compatibility", "dependencies" and
    # "lifecycle".
    fields = models.JSONField(default=list)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["txid", "id"]
        indexes = [
            models.Index(fields=["txid", "id"], name="change_position_idx"),
            models.Index(fields=["at"], name="change_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.kind} {self.object_id}"


class ChangeHorizon(models.Model):
    """One row: the position of the newest change pruned. A cursor before it missed
    changes that are gone, and is answered 410 Gone."""

    txid = models.BigIntegerField(default=0)
    change_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"pruned through ({self.txid}, {self.change_id})"
