"""The end of a window in the database counters: exactly one worker opens the next one.

Both tests fail on Django's own DatabaseCache.add: it calls a row expired a second later
than `incr` does, and it replaces an expired row by a read and an unlocked update. They
run on both ways of counting: the one-statement `hit`, and `incr` with `add` (which count
where `hit` cannot, and while Redis is down).
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection, connections

from packagegrid.limits.cache import AtomicDatabaseCache
from packagegrid.limits.services import limit_count, limit_hit

pytestmark = pytest.mark.django_db

THREADS = 4


def _scope() -> str:
    return f"test-{uuid.uuid4().hex}"


def _expire(scope: str, at: datetime) -> None:
    """Make the counters of `scope` expire at `at` (whole seconds, as the cache stores)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE limits_cache SET expires = %s WHERE cache_key LIKE %s",
            [connection.ops.adapt_datetimefield_value(at), f"%:limit:{scope}:%"],
        )


@pytest.fixture(params=["hit", "incr-and-add"])
def counting(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each way the database counts: `hit`, or (with `hit` declining) `incr` and `add`."""
    if request.param == "incr-and-add":
        monkeypatch.setattr(AtomicDatabaseCache, "hit", lambda *args, **kwargs: None)
    return str(request.param)


def test_the_second_after_a_window_ends_counts_in_a_new_window(
    db_limits: None, counting: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scope = _scope()
    for _ in range(20):
        limit_hit(scope=scope, subject="a", period=60)
    ended = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=5)
    _expire(scope, ended)
    # Half a second after the window ended, within the same whole second.
    later = ended + timedelta(milliseconds=500)
    monkeypatch.setattr("packagegrid.limits.cache.now", lambda: later)
    monkeypatch.setattr("django.core.cache.backends.db.tz_now", lambda: later)

    assert [limit_hit(scope=scope, subject="a", period=60) for _ in range(3)] == [1, 2, 3]


def test_workers_at_the_end_of_a_window_open_one_new_window(
    db_limits: None, transactional_db: None, counting: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "runs on PostgreSQL (DATABASE_URL=postgres://...); SQLite's IMMEDIATE "
            "transactions serialize the writers and its in-memory test database is not "
            "shared by threads"
        )
    scope = _scope()
    for _ in range(20):
        limit_hit(scope=scope, subject="a", period=60)
    _expire(scope, datetime.now(UTC) - timedelta(seconds=5))
    cache = caches["limits"]
    key = cache.make_key(f"limit:{scope}:")  # a prefix of the counter's key

    # Each worker, inside `add`, waits after its first statement on the counter's row
    # until every worker got there: all of them look at the expired row before any of
    # them goes on, the moment a race needs. Inside `hit` (one statement) each waits
    # before it, so that all of them send it at once. A store that serializes them
    # breaks the barrier after its timeout and they go on one by one.
    barrier = threading.Barrier(THREADS, timeout=3)
    local = threading.local()
    method = "hit" if counting == "hit" else "add"
    original = getattr(AtomicDatabaseCache, method)

    def watched(self: AtomicDatabaseCache, *args: Any, **kwargs: Any) -> Any:
        local.inside = True
        try:
            return original(self, *args, **kwargs)
        finally:
            local.inside = False

    def wait() -> None:
        local.paused = True
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()

    def pause(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        touches_row = any(isinstance(p, str) and p.startswith(key) for p in params or ())
        waits = getattr(local, "inside", False) and not getattr(local, "paused", False)
        if waits and touches_row and method == "hit":
            wait()
        result = execute(sql, params, many, context)
        if waits and touches_row and method == "add":
            wait()
        return result

    monkeypatch.setattr(AtomicDatabaseCache, method, watched)
    counts: list[int] = []
    errors: list[Exception] = []

    def worker() -> None:
        try:
            with connections["default"].execute_wrapper(pause):
                counts.append(limit_hit(scope=scope, subject="a", period=60))
        except Exception as error:  # noqa: BLE001  # any error fails the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(counts) == list(range(1, THREADS + 1))
    assert limit_count(scope=scope, subject="a") == THREADS
