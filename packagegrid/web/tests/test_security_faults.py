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

# 127.0.0.1:9 (discard) refuses connections on this machine, as a stopped Redis does.
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
    }
}


@pytest.mark.django_db
@pytest.mark.xfail(
    strict=True,
    reason="Django's RedisCache raises redis.exceptions.ConnectionError when Redis is "
    "down (it has no IGNORE_EXCEPTIONS); the response cache and the rate limits call it "
    "on every request, so every page answers 500 instead of serving from the database",
)
def test_pages_are_served_from_the_database_when_redis_is_down(settings: Any) -> None:
    world = build_world()
    settings.CACHES = UNREACHABLE_REDIS
    settings.RESPONSE_CACHE_SECONDS = 300
    assert caches["default"].__class__.__name__ == "RedisCache"  # the signal reset them
    client = Client(raise_request_exception=False)

    statuses = {
        path: client.get(path).status_code
        for path in ("/", f"/packages/p/{world.package.slug}/", "/grids/", "/api/v4/packages/")
    }

    assert statuses == dict.fromkeys(statuses, 200)
