"""Writes to the change log: recording changes (in the writer's transaction) and pruning.

Recording happens where the data is written: model signals for ordinary saves and
deletes (`packagegrid.changes.receivers`, which also see the admin and cascaded deletes),
and explicit calls from the bulk writes that send no signals (releases, restored cells,
health's lifecycle, advisories).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import django.dispatch
from django.conf import settings
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from packagegrid.changes.models import Change, ChangeHorizon

# Sent once after each transaction that recorded changes commits (never on a rollback),
# so that the webhook dispatcher can read them; receivers get no arguments.
changes_committed = django.dispatch.Signal()


class CurrentTransactionId(models.Func):
    """The writing transaction's id: `pg_current_xact_id()` on PostgreSQL, 0 elsewhere.

    xid8 is 64 bits and never wraps around (epoch and xid), so it fits a bigint for
    as long as PostgreSQL itself runs. In a savepoint it is still the top transaction's.
    """

    output_field = models.BigIntegerField()
    template = "0"

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler, connection, template="pg_current_xact_id()::text::bigint", **extra
        )


@dataclass(frozen=True)
class ChangeInfo:
    kind: str
    object_id: int
    action: str
    fields: list[str]


def changes_record(changes: Iterable[ChangeInfo], *, at: datetime | None = None) -> int:
    """Write `changes` to the log in the current transaction; returns how many.

    Part of the caller's transaction: the rows commit or roll back with the change they
    describe. After the commit `changes_committed` is sent (once per call).
    """
    at = at or timezone.now()
    rows = [
        Change(
            txid=CurrentTransactionId(),
            kind=change.kind,
            object_id=change.object_id,
            action=change.action,
            fields=sorted(change.fields),
            at=at,
        )
        for change in changes
    ]
    if not rows:
        return 0
    if len(rows) == 1:
        rows[0].save(force_insert=True)
    else:
        Change.objects.bulk_create(rows)
    _announce_on_commit()
    return len(rows)


def _announce() -> None:
    changes_committed.send(sender=Change)


def _announce_on_commit() -> None:
    """Send `changes_committed` once the current transaction commits, once however many
    changes it records (`run_on_commit` holds the callbacks of savepoints still alive)."""
    conn = transaction.get_connection()
    if not any(callback is _announce for _ids, callback, _robust in conn.run_on_commit):
        transaction.on_commit(_announce)


def change_record(*, kind: str, object_id: int, action: str, fields: Iterable[str] = ()) -> None:
    """Record one change (see `changes_record`)."""
    changes_record([ChangeInfo(kind=kind, object_id=object_id, action=action, fields=list(fields))])


_PRUNE_BATCH = 5000


@transaction.atomic
def changes_prune(*, now: datetime | None = None, days: int | None = None) -> int:
    """Delete the changes older than `days` (default `CHANGES_RETENTION_DAYS`); returns
    how many.

    Deletes every change up to the newest position (txid, id) among the old ones, and
    remembers that position in `ChangeHorizon`: a cursor before it is answered 410 Gone.
    Idempotent; a retention of 0 days or less keeps everything.
    """
    days = settings.CHANGES_RETENTION_DAYS if days is None else days
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    newest = (
        Change.objects.filter(at__lt=cutoff).order_by("-txid", "-id").values("txid", "id").first()
    )
    if newest is None:
        return 0
    horizon, _ = ChangeHorizon.objects.select_for_update().get_or_create(pk=1)
    if (newest["txid"], newest["id"]) > (horizon.txid, horizon.change_id):
        horizon.txid, horizon.change_id = newest["txid"], newest["id"]
        horizon.save(update_fields=["txid", "change_id"])
    doomed = Change.objects.filter(
        models.Q(txid__lt=newest["txid"]) | models.Q(txid=newest["txid"], id__lte=newest["id"])
    )
    deleted = 0
    while True:
        ids = list(doomed.values_list("id", flat=True)[:_PRUNE_BATCH])
        if not ids:
            return deleted
        deleted += Change.objects.filter(id__in=ids).delete()[0]
