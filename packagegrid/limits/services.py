"""Fixed-window counters in the "limits" cache, shared by every worker process.

A limit allows `limit` actions per `period` seconds for one subject; the window starts at
the subject's first counted action. The "limits" cache is Redis when REDIS_URL is set and
the database otherwise (settings.CACHES), never per-process memory, so four workers hold
the same limit as one.

Why counting is atomic on both backends: on Redis the first action of a window creates
the counter with `add`, which only one process can win (SET NX), and every other action
uses `incr`, a single INCRBY. `incr` is tried first, as nearly every action falls in an
open window; when it fails (ValueError: no window, or it ended) `add` opens a new window:
both call a counter expired at the same moment, and of several processes that get there at
once exactly one opens it, the others count in it. In the database one statement does
both (`hit` in packagegrid.limits.cache): an upsert that opens the window over a missing
or expired row and otherwise adds one, under the row's lock, in one round trip where
`incr` took four (BEGIN, a locked read, the write, COMMIT). Its `incr` and `add` keep the
same guarantees and serve the Redis fallback (packagegrid.caching.redis) and any value
`hit` cannot count.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

from packagegrid.limits.cache import AtomicDatabaseCache

CACHE_ALIAS = "limits"
logger = logging.getLogger(__name__)


def _cache() -> BaseCache:
    return caches[CACHE_ALIAS]


def _key(scope: str, subject: str) -> str:
    # Subjects can be e-mail addresses or user input: hashed, any text makes a valid key.
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"limit:{scope}:{digest}"


def limit_hit(*, scope: str, subject: str, period: int) -> int:
    """Count one action of `subject` in `scope` and return the count in the current window.

    The window is `period` seconds from the first action counted in it.
    """
    cache, key = _cache(), _key(scope, subject)
    if isinstance(cache, AtomicDatabaseCache):
        counted = cache.hit(key, period)
        if counted is not None:
            return counted
    for _ in range(3):
        # `incr` first: within a window (nearly every action) that is the only call, and
        # `add` runs only to open a window. In the database that saves `add`'s statements
        # on every counted API request.
        try:
            count = cache.incr(key)
        except ValueError:
            if cache.add(key, 1, timeout=period):
                return 1
            continue  # another process opened the window first: count in it
        if count == 1:
            # Only when the key vanished between Redis' EXISTS and INCR, which then made
            # a key without expiry; give it one so the count cannot stay forever.
            cache.touch(key, timeout=period)
        return count
    # Three expiries in a row (a window shorter than a round trip, or a store that
    # refuses writes): logged, and counted as a fresh window rather than failing the
    # request. Not reached at an ordinary window end: `add` and `incr` agree on expiry.
    logger.warning("limits: could not count %s in scope %s; counted as first", key, scope)
    return 1


def limit_exceeded(*, scope: str, subject: str, limit: int, period: int) -> bool:
    """Count one action and return True when it is beyond `limit` in its window."""
    return limit_hit(scope=scope, subject=subject, period=period) > limit


def limit_uncount(*, scope: str, subject: str) -> None:
    """Take back one counted action; nothing happens when its window has ended."""
    with contextlib.suppress(ValueError):
        _cache().decr(_key(scope, subject))


def limit_count(*, scope: str, subject: str) -> int:
    """Return the count of `subject` in `scope` in the current window, without counting."""
    value = _cache().get(_key(scope, subject), 0)
    return int(value)


def limit_clear(*, scope: str, subject: str) -> None:
    """Forget the count of `subject` in `scope`: its next action opens a new window."""
    _cache().delete(_key(scope, subject))
