"""Reads of the change log: the pages of `/api/v5/changes/`.

Why not page by `id`: an id is taken when a row is inserted, not when its transaction
commits. A transaction that took id 10 may commit after one that took id 11; a reader
that saw 11 and continues "after 11" would never see 10.

PostgreSQL: each change stores its transaction's id (`txid`), and the log is read in
`(txid, id)` order, only up to the oldest transaction still running when the read
starts (`pg_snapshot_xmin(pg_current_snapshot())`). Every transaction below that
horizon has ended, so all its changes are visible now or never will be (rolled back);
every transaction still to commit has a txid at or above it, so it sorts after anything
already read. A reader therefore never misses nor repeats a change. The costs: one
long-running transaction holds the feed back (not the writers) until it ends; and the
order is that of the transaction ids (taken at a transaction's first write), which can
differ from the commit order of two transactions that overlapped. Each change names an
object, not its values, so a reader that fetches the object's current state ends in the
same state either way (an update of an object that is gone reads as its deletion).

SQLite: writers are serialised (one write transaction at a time, BEGIN IMMEDIATE), so
ids are taken in commit order; txid is 0 and the order is the id order.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from packagegrid.changes.models import Change, ChangeHorizon

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
_CURSOR_PREFIX = "c1."


class InvalidCursor(ValueError):
    """A cursor this site did not hand out."""


class CursorExpired(Exception):
    """A cursor older than the retained changes: the reader must resync from a dump."""


@dataclass(frozen=True, order=True)
class Position:
    """A place in the log: after the change (txid, id). (0, 0) is the beginning."""

    txid: int = 0
    change_id: int = 0

    def encode(self) -> str:
        raw = f"{_CURSOR_PREFIX}{self.txid}.{self.change_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> Position:
        """The position of an opaque cursor; raises InvalidCursor."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise InvalidCursor(cursor) from None
        parts = raw.removeprefix(_CURSOR_PREFIX).split(".")
        if not raw.startswith(_CURSOR_PREFIX) or len(parts) != 2:
            raise InvalidCursor(cursor)
        if not all(part.isascii() and part.isdigit() and len(part) < 19 for part in parts):
            raise InvalidCursor(cursor)
        return cls(int(parts[0]), int(parts[1]))


@dataclass(frozen=True)
class ChangePage:
    changes: list[Change]
    # Where the next read starts: after the last change listed, or `after` when none.
    position: Position
    has_more: bool


def _settled(queryset: QuerySet[Change]) -> QuerySet[Change]:
    """Only the changes of transactions that have ended (see the module docstring)."""
    if connection.vendor != "postgresql":
        return queryset
    return queryset.filter(
        txid__lt=RawSQL("pg_snapshot_xmin(pg_current_snapshot())::text::bigint", [])
    )


def changes_after(*, after: Position | None, limit: int = DEFAULT_LIMIT) -> ChangePage:
    """Up to `limit` changes after `after` (None: from the oldest kept), in commit order
    (see the module docstring).

    Raises CursorExpired when changes after `after` were pruned. Two queries with a
    cursor (the pruning horizon, the page), one without.
    """
    if after is None:
        after = Position()
    else:
        horizon = ChangeHorizon.objects.filter(pk=1).values_list("txid", "change_id").first()
        if horizon is not None and after < Position(*horizon):
            raise CursorExpired
    rows = list(
        _settled(Change.objects.all())
        .filter(Q(txid__gt=after.txid) | Q(txid=after.txid, id__gt=after.change_id))
        .order_by("txid", "id")[: limit + 1]
    )
    page = rows[:limit]
    position = Position(page[-1].txid, page[-1].pk) if page else after
    return ChangePage(changes=page, position=position, has_more=len(rows) > limit)
