"""The counters: one count per action, windows that end, take-back and clear, in both
shared stores (the database cache the migration creates, and Redis)."""

import time
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from packagegrid.limits.cache import AtomicDatabaseCache
from packagegrid.limits.services import (
    limit_clear,
    limit_count,
    limit_exceeded,
    limit_hit,
    limit_uncount,
)

pytestmark = pytest.mark.django_db


def _scope() -> str:
    return f"test-{uuid.uuid4().hex}"


def test_it_counts_each_action_of_a_subject(shared_limits: None) -> None:
    scope = _scope()
    assert [limit_hit(scope=scope, subject="alice", period=60) for _ in range(4)] == [1, 2, 3, 4]
    assert limit_hit(scope=scope, subject="bob", period=60) == 1
    assert limit_count(scope=scope, subject="alice") == 4


def test_it_says_exceeded_only_past_the_limit(shared_limits: None) -> None:
    scope = _scope()
    answers = [limit_exceeded(scope=scope, subject="a", limit=3, period=60) for _ in range(5)]
    assert answers == [False, False, False, True, True]


def test_it_opens_a_new_window_when_the_period_is_over(shared_limits: None) -> None:
    scope = _scope()
    limit_hit(scope=scope, subject="a", period=1)
    assert limit_hit(scope=scope, subject="a", period=1) == 2
    time.sleep(2.1)  # the database cache stores expiry times in whole seconds
    assert limit_count(scope=scope, subject="a") == 0
    assert limit_hit(scope=scope, subject="a", period=1) == 1


def test_it_takes_back_and_clears(shared_limits: None) -> None:
    scope = _scope()
    for _ in range(3):
        limit_hit(scope=scope, subject="a", period=60)
    limit_uncount(scope=scope, subject="a")
    assert limit_count(scope=scope, subject="a") == 2
    limit_clear(scope=scope, subject="a")
    assert limit_count(scope=scope, subject="a") == 0
    limit_uncount(scope=scope, subject="never-counted")  # nothing to take back: no error
    assert limit_count(scope=scope, subject="never-counted") == 0


def test_it_accepts_any_text_as_subject(shared_limits: None) -> None:
    scope = _scope()
    subject = "Ünïcode user@example.com with spaces and a very long tail " + "x" * 300
    assert limit_hit(scope=scope, subject=subject, period=60) == 1
    assert limit_count(scope=scope, subject=subject) == 1


def test_the_database_cache_raises_like_any_cache_on_a_missing_or_expired_key(
    db_limits: None,
) -> None:
    cache = caches["limits"]
    with pytest.raises(ValueError):
        cache.incr(f"missing-{uuid.uuid4().hex}")
    key = f"short-{uuid.uuid4().hex}"
    cache.set(key, 5, timeout=1)
    assert cache.incr(key, 3) == 8
    assert cache.decr(key) == 7
    time.sleep(2.1)
    with pytest.raises(ValueError):
        cache.incr(key)


def _statements_of_a_hit_in_an_open_window() -> list[str]:
    scope = _scope()
    limit_hit(scope=scope, subject="a", period=60)  # opens the window
    with CaptureQueriesContext(connection) as captured:
        assert limit_hit(scope=scope, subject="a", period=60) == 2
    return [query["sql"] for query in captured.captured_queries]


def test_a_hit_is_one_statement_on_its_counter(db_limits: None) -> None:
    statements = _statements_of_a_hit_in_an_open_window()

    # The upsert of `hit`: no locked read, no table count to cull while the window is open.
    assert len(statements) == 1
    assert statements[0].upper().startswith('INSERT INTO "LIMITS_CACHE"')
    assert "COUNT(" not in statements[0].upper()


def test_the_database_counts_a_value_hit_cannot_add_to(db_limits: None) -> None:
    scope = _scope()
    limit_hit(scope=scope, subject="a", period=60)
    key = caches["limits"].make_key(f"limit:{scope}:")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM limits_cache WHERE cache_key LIKE %s", [f"{key}%"])
        (stored_key,) = cursor.fetchone()
    # A counter stored pickled (by `set`, as Django's DatabaseCache stores every value).
    caches["limits"].set(stored_key.split(":", 2)[2], 5, timeout=60)

    assert [limit_hit(scope=scope, subject="a", period=60) for _ in range(2)] == [6, 7]
    assert limit_count(scope=scope, subject="a") == 7


def test_the_database_cache_reads_back_counters_and_other_values(db_limits: None) -> None:
    cache = caches["limits"]
    key = f"values-{uuid.uuid4().hex}"
    assert cache.add(key, 1, timeout=60) is True
    assert cache.incr(key, 41) == 42
    cache.set(f"{key}-text", "12", timeout=60)
    cache.set(f"{key}-list", [1, "-2"], timeout=60)

    assert cache.get_many([key, f"{key}-text", f"{key}-list"]) == {
        key: 42,
        f"{key}-text": "12",
        f"{key}-list": [1, "-2"],
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_on_postgresql_a_counter_does_not_wait_for_the_wal_flush(db_limits: None) -> None:
    # The counters' table makes no WAL (migration 0002), so no commit of a count waits
    # for a flush of it; the rest of the database is logged as ever.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relpersistence FROM pg_class "
            "WHERE relname IN ('limits_cache', 'catalog_package') ORDER BY relname"
        )
        assert cursor.fetchall() == [("catalog_package", "p"), ("limits_cache", "u")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_on_postgresql_incr_does_not_wait_for_the_wal_flush(
    transactional_db: None, db_limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `incr` (the Redis fallback's way to count) also skips the flush on a logged table.
    monkeypatch.setattr(AtomicDatabaseCache, "hit", lambda *args, **kwargs: None)
    statements = _statements_of_a_hit_in_an_open_window()

    no_flush_wait = "SET LOCAL synchronous_commit TO OFF"
    write = next(i for i, sql in enumerate(statements) if sql.startswith("UPDATE"))
    if connection.features.uses_server_side_binding:  # type: ignore[attr-defined]  # PostgreSQL's features
        # Parameters bound on the server allow one statement at a time: its own, first.
        assert no_flush_wait in statements[:write]
    else:
        # In the same round trip as the counter's write.
        assert statements[write].endswith(f"; {no_flush_wait}")
    # For that transaction only: the connection's later work still waits for its flush.
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
