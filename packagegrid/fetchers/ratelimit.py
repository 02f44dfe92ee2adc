"""A source's request budget for one run, read from its `X-RateLimit-*` response headers.

GitHub reports on every response how many requests are left in the current window
(`X-RateLimit-Remaining`), the window's size (`X-RateLimit-Limit`) and when it resets
(`X-RateLimit-Reset`, epoch seconds). `RateBudget` keeps the latest of those numbers and,
before each request, slows down when few are left, pauses when the reset is near, and
stops the source when it is not.

Reference: https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from packagegrid.fetchers.types import RateLimitExhausted

logger = logging.getLogger(__name__)


def _int_header(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name, "").strip()
    return int(value) if value.isdigit() else None


class RateBudget:
    """The rate-limit budget of one source (one token) for one run; safe to share by threads.

    - `observe(response)` records the rate-limit headers of every response;
    - `before_request()` is called before every request: it returns at once while plenty
      is left; below the slow-down threshold (`slow_fraction` of `X-RateLimit-Limit`, or
      `slow_below` requests while the limit is unknown) it sleeps so that the requests
      left are spread until the reset (at most `max_delay` seconds per request); at or
      below `reserve` requests it sleeps until the reset when that is at most `max_pause`
      seconds away, and otherwise raises `RateLimitExhausted` with `retry_at` = the reset.

    Until a response has been observed, or once the reset time has passed, nothing is
    known and `before_request()` never waits. Requests already in flight are not counted,
    so keep `reserve` at least as large as the number of concurrent requests.
    """

    def __init__(
        self,
        *,
        source: str = "GitHub",
        reserve: int = 5,
        max_pause: float = 60.0,
        slow_fraction: float = 0.1,
        slow_below: int = 100,
        max_delay: float = 5.0,
        pause_margin: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.source = source
        self.reserve = reserve
        self.max_pause = max_pause
        self.slow_fraction = slow_fraction
        self.slow_below = slow_below
        self.max_delay = max_delay
        # The reset is in whole seconds of GitHub's clock; wake up a little after it.
        self.pause_margin = pause_margin
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._remaining: int | None = None
        self._limit: int | None = None
        self._reset: int | None = None  # epoch seconds

    @property
    def remaining(self) -> int | None:
        """Requests left in the current window as last reported, or None if never reported."""
        with self._lock:
            return self._remaining

    @property
    def limit(self) -> int | None:
        """The window's size (`X-RateLimit-Limit`), or None if never reported."""
        with self._lock:
            return self._limit

    @property
    def reset_at(self) -> datetime | None:
        """When the current window resets (UTC), or None if never reported."""
        with self._lock:
            reset = self._reset
        return None if reset is None else datetime.fromtimestamp(reset, tz=UTC)

    def observe(self, response: httpx.Response) -> None:
        """Record the rate-limit headers of a response; responses without them are ignored.

        Concurrent responses can arrive out of order, so within one window (same reset
        time) the lowest `remaining` wins; a response from an older window is ignored.
        """
        remaining = _int_header(response, "X-RateLimit-Remaining")
        if remaining is None:
            return
        reset = _int_header(response, "X-RateLimit-Reset")
        limit = _int_header(response, "X-RateLimit-Limit")
        with self._lock:
            if reset is not None and self._reset is not None and reset < self._reset:
                return
            same_window = reset is None or reset == self._reset
            if same_window and self._remaining is not None:
                self._remaining = min(self._remaining, remaining)
            else:
                self._remaining = remaining
            if reset is not None:
                self._reset = reset
            if limit is not None:
                self._limit = limit

    def before_request(self) -> None:
        """Wait as the budget requires before one request.

        Returns at once, or after sleeping (a little to spread the requests left, or until
        a reset at most `max_pause` seconds away).
        Raises RateLimitExhausted (retry_at = the reset) when at most `reserve` requests are
        left and the reset is further away than `max_pause`.
        """
        with self._lock:
            remaining, limit, reset = self._remaining, self._limit, self._reset
        if remaining is None or reset is None:
            return
        seconds_left = reset - self._clock()
        if seconds_left <= 0:
            return  # a new window has begun; the next response tells its numbers
        if remaining <= self.reserve:
            self._pause_until_reset(remaining, reset, seconds_left)
            return
        threshold = self.slow_below if limit is None else limit * self.slow_fraction
        if remaining < threshold:
            delay = min(self.max_delay, seconds_left / (remaining - self.reserve))
            self._sleep(delay)

    def _pause_until_reset(self, remaining: int, reset: int, seconds_left: float) -> None:
        reset_at = datetime.fromtimestamp(reset, tz=UTC)
        if seconds_left > self.max_pause:
            raise RateLimitExhausted(
                f"{self.source} rate limit spent ({remaining} requests left, resets at "
                f"{reset_at:%Y-%m-%d %H:%M:%S} UTC, in {seconds_left:.0f} s): "
                f"stopping {self.source} for this run",
                retry_at=reset_at,
            )
        logger.info("%s rate limit nearly spent: pausing %.0f s", self.source, seconds_left)
        self._sleep(seconds_left + self.pause_margin)
        with self._lock:
            if self._reset == reset:
                # The window is over; nothing is known until the next response says.
                self._remaining = None
