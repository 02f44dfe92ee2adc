"""Whether the services the site depends on answer, for the load balancer's health check."""

from __future__ import annotations

from django.core.cache import cache
from django.db import DatabaseError, connection
from redis.exceptions import RedisError


def service_status() -> dict[str, bool]:
    """Whether the database and the cache answer: {"database": bool, "cache": bool}."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            database = cursor.fetchone() == (1,)
    except DatabaseError:
        database = False
    try:
        cache.set("health-check", "ok", timeout=10)
        cache_ok = cache.get("health-check") == "ok"
    except (RedisError, OSError):
        cache_ok = False
    return {"database": database, "cache": cache_ok}
