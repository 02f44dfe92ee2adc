"""Fixtures for the limit tests: the counters in the shared stores the site uses."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core.cache import caches

DB_CACHE = {
    "BACKEND": "packagegrid.limits.cache.AtomicDatabaseCache",
    "LOCATION": "limits_cache",
}
REDIS_URL = "redis://127.0.0.1:6379/0"
# Keys of these tests only; they are deleted one by one afterwards, never by a flush.
REDIS_PREFIX = "packagegrid-tests-limits-prod"


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def db_limits(settings: Any, db: None) -> None:
    """The "limits" cache in the database table the migration created."""
    settings.CACHES = {**settings.CACHES, "limits": DB_CACHE}


@pytest.fixture
def redis_limits(settings: Any) -> Iterator[None]:
    """The "limits" cache in Redis, under a key prefix of its own."""
    if not redis_available():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = f"{REDIS_PREFIX}-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    yield
    caches["limits"].close()
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture(params=["database", "redis"])
def shared_limits(request: pytest.FixtureRequest) -> None:
    """Each shared store in turn."""
    request.getfixturevalue("db_limits" if request.param == "database" else "redis_limits")
