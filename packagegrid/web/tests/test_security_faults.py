"""Faults the site must ride out: the cache (Redis) unreachable.

The drills in scripts/drills/ stop the real services; this test reproduces the Redis one
in-process by pointing the cache at a port where nothing listens.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from packagegrid.web.tests.security_support import build_world

# 127.0.0.1:9 (discard) refuses connections on this machine, as a stopped Redis does. The
# caches are configured as settings.py configures them with REDIS_URL.
UNREACHABLE = "redis://127.0.0.1:9/0"


def _unreachable_redis(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "packagegrid.caching.redis.ResilientRedisCache",
            "LOCATION": UNREACHABLE,
        },
        "limits": {
            "BACKEND": "packagegrid.caching.redis.ResilientRedisCache",
            "LOCATION": UNREACHABLE,
            "OPTIONS": {"FALLBACK": "limits_fallback"},
        },
        "limits_fallback": {
            "BACKEND": "packagegrid.limits.cache.AtomicDatabaseCache",
            "LOCATION": "limits_cache",
        },
    }


@pytest.mark.django_db
def test_pages_are_served_from_the_database_when_redis_is_down(settings: Any) -> None:
    world = build_world()
    _unreachable_redis(settings)
    settings.RESPONSE_CACHE_SECONDS = 300
    assert caches["default"].__class__.__name__ == "ResilientRedisCache"  # reset by the signal
    client = Client(raise_request_exception=False)

    statuses = {
        path: client.get(path).status_code
        for path in ("/", f"/packages/p/{world.package.slug}/", "/grids/", "/api/v4/packages/")
    }

    assert statuses == dict.fromkeys(statuses, 200)


@pytest.mark.django_db(transaction=True)
def test_limits_fall_back_to_the_database_when_redis_is_down(settings: Any) -> None:
    _unreachable_redis(settings)
    limits = caches["limits"]
    assert limits.add("probe", 1, 60) is True
    assert limits.incr("probe") == 2
    # The count is in the database table every worker shares.
    assert caches["limits_fallback"].get("probe") == 2
    assert limits.get("probe") == 2


def test_the_resilient_cache_keeps_djangos_default_timeout() -> None:
    """Like every Django cache, a value set without a timeout expires after TIMEOUT
    (300 s by default), not never."""
    from packagegrid.caching.redis import ResilientRedisCache

    cache = ResilientRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "pg-timeout-test"})
    assert cache.get_backend_timeout() == 300
    cache.set("probe", 1)
    try:
        ttl = cache._cache.get_client("probe").ttl(cache.make_and_validate_key("probe"))
        assert 0 < ttl <= 300
    finally:
        cache.delete("probe")
