"""The counters: one count per action, windows that end, take-back and clear, in both
shared stores (the database cache the migration creates, and Redis)."""

import time
import uuid

import pytest
from django.core.cache import caches

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
