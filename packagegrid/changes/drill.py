"""A drill of the change feed under concurrent writers, for tests and `changes_drill`.

Writer threads (each with its own database connection) run small transactions that
create and then edit a category, sleeping inside the transaction so that they commit in
another order than they took their ids; every fifth one rolls back. Meanwhile a reader
polls the feed from where it stopped, as an integrator does. The result says whether
the reader saw exactly the committed changes, each once.
"""

from __future__ import annotations

import functools
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.utils.crypto import get_random_string

from packagegrid.catalog.models import Category
from packagegrid.changes.models import Change
from packagegrid.changes.selectors import Position, changes_after

Key = tuple[str, int, str]


class _RolledBack(Exception):
    pass


def run_in_thread(target: Callable[[], object]) -> threading.Thread:
    """Start `target` in a thread that closes its database connections when done."""

    def run() -> None:
        try:
            target()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@dataclass
class FeedReader:
    """Reads the feed from where it stopped, `limit` changes at a time."""

    limit: int = 7
    position: Position | None = None
    seen: list[Key] = field(default_factory=list)

    def poll(self) -> int:
        page = changes_after(after=self.position, limit=self.limit)
        self.seen += [(c.kind, c.object_id, c.action) for c in page.changes]
        self.position = page.position
        return len(page.changes)

    def drain(self) -> None:
        while self.poll():
            pass


@dataclass
class DrillResult:
    committed: list[Key]
    seen: list[Key]
    polls: int
    errors: list[str]
    seconds: float

    @property
    def missed(self) -> list[Key]:
        return sorted(set(self.committed) - set(self.seen))

    @property
    def unexpected(self) -> list[Key]:
        """Seen although never committed (rolled back), or seen more than once."""
        extra = sorted(set(self.seen) - set(self.committed))
        return extra + [k for k in set(self.seen) if self.seen.count(k) > 1]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.missed and not self.unexpected


def feed_drill(*, writers: int = 4, transactions: int = 15, seed: int = 0) -> DrillResult:
    """Run the drill (see the module docstring); returns what was committed and seen.

    Only changes of the drill's own categories are compared, so it may run on a
    database that has other changes (they are read and ignored).
    """
    prefix = f"feed-drill-{get_random_string(6).lower()}"
    committed: list[Key] = []
    attempted: set[int] = set()  # every category made, committed or rolled back
    errors: list[str] = []
    lock = threading.Lock()
    last = Change.objects.order_by("-txid", "-id").values_list("txid", "id").first()
    start = Position(*last) if last else None

    def writer(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        try:
            for i in range(transactions):
                keys: list[Key] = []
                try:
                    with transaction.atomic():
                        category = Category.objects.create(
                            title=f"Drill {n}-{i}", slug=f"{prefix}-{n}-{i}"
                        )
                        keys.append(("category", category.pk, "create"))
                        with lock:
                            attempted.add(category.pk)
                        time.sleep(rng.random() / 200)  # commit at another moment
                        category.description = "edited"
                        category.save(update_fields=["description"])
                        keys.append(("category", category.pk, "update"))
                        if i % 5 == 4:
                            raise _RolledBack
                except _RolledBack:
                    continue
                with lock:
                    committed.extend(keys)
        except Exception as error:  # noqa: BLE001  # reported in the result
            errors.append(repr(error))

    began = time.monotonic()
    threads = [run_in_thread(functools.partial(writer, n)) for n in range(writers)]
    reader = FeedReader(position=start)
    polls = 0
    while any(thread.is_alive() for thread in threads):
        reader.poll()
        polls += 1
    reader.drain()
    seen = [key for key in reader.seen if key[0] == "category" and key[1] in attempted]
    return DrillResult(
        committed=committed,
        seen=seen,
        polls=polls,
        errors=errors,
        seconds=time.monotonic() - began,
    )
