"""A Redis cache that rides out Redis being down.

Django's RedisCache raises redis's ConnectionError or TimeoutError from every call while
Redis is unreachable, and the response cache and the rate limits call it on every
request: a stopped Redis would turn every page into a 500. This backend catches those
errors. With a `FALLBACK` alias in its OPTIONS (the rate limits use the database-backed
counters), each call goes to that cache instead, so limits still hold; without one, a read
is a miss and a write does nothing, so pages are rendered from the database. Each outage
is logged once when it starts and once when Redis answers again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import BaseCache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# Redis answers a healthy request in well under a millisecond: a stalled server must not
# hold a web worker for long (redis-py waits for ever by default).
SOCKET_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


class ResilientRedisCache(RedisCache):
    """RedisCache whose calls survive an unreachable Redis (see the module docstring).

    OPTIONS: `FALLBACK`, the alias of the cache to use meanwhile (none: reads miss and
    writes do nothing); the rest are redis-py's, with short socket timeouts by default.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {**SOCKET_TIMEOUTS, **params.get("OPTIONS", {})}
        self._fallback_alias: str | None = options.pop("FALLBACK", None)
        super().__init__(server, {**params, "OPTIONS": options})
        self._down = False

    def _call(self, name: str, when_down: Callable[[], Any], *args: Any, **kwargs: Any) -> Any:
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except UNREACHABLE as error:
            if not self._down:
                self._down = True
                logger.warning("Redis is unreachable (%s): using the fallback", error)
            fallback = self._fallback()
            return getattr(fallback, name)(*args, **kwargs) if fallback else when_down()
        if self._down:
            self._down = False
            logger.warning("Redis answers again")
        return result

    def _fallback(self) -> BaseCache | None:
        return caches[self._fallback_alias] if self._fallback_alias else None

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", lambda: default, key, default, version)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        result: dict[Any, Any] = self._call("get_many", dict, keys, version)
        return result

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("has_key", lambda: False, key, version))

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._call("set", lambda: None, key, value, timeout, version)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        failed: list[Any] = self._call("set_many", lambda: list(data), data, timeout, version)
        return failed

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return bool(self._call("add", lambda: False, key, value, timeout, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._call("touch", lambda: False, key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("delete", lambda: False, key, version))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call("delete_many", lambda: None, keys, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        def missing() -> int:
            raise ValueError(f"Key '{key}' not found (Redis is unreachable).")

        return int(self._call("incr", missing, key, delta, version))

    def clear(self) -> None:
        self._call("clear", lambda: None)
