"""The one place outbound HTTP happens: timeouts, User-Agent, bounded retries, typed errors.

Every client (importer, code hosts, PyPI) goes through `HttpClient`, so timeouts, retry
policy and identification are decided here once.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.conf import settings

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class HttpError(Exception):
    """A request that did not produce a usable response.

    `permanent` is True when asking again will not help (404, 410, 400, a malformed body),
    False for timeouts, connection errors, 5xx and rate limits.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str,
        permanent: bool,
        status: int | None = None,
        reason: str = "",
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.url = url
        self.permanent = permanent
        self.status = status
        self.reason = reason or _reason_for(status)
        # The last response when there was one (a 429 or 5xx after the retries), so a caller
        # can read its rate-limit headers.
        self.response = response


def _reason_for(status: int | None) -> str:
    """A short word for summaries: timeout, server_error, rate_limited, not_found, ..."""
    if status is None:
        return "timeout"
    if status == 429:
        return "rate_limited"
    if status in (404, 410):
        return "not_found"
    if status >= 500:
        return "server_error"
    return "client_error"


def retry_after_seconds(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header; None when absent or unreadable.

    The header is delta seconds ("120") or an HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT"),
    counted from `now` (default: the current time); a date in the past means 0.
    The one reader of `Retry-After`: the retry loop here and the rate-limit mapping of
    `packagegrid.fetchers.conditional` both use it.
    """
    value = headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(tz=UTC))).total_seconds())


class HttpClient:
    """A small wrapper over `httpx.Client` with our defaults.

    - timeout: `settings.HTTP_TIMEOUT_SECONDS` on every request;
    - User-Agent: `settings.HTTP_USER_AGENT`;
    - retries: up to `retries` more attempts on timeouts, connection errors, 429 and 5xx,
      with exponential backoff and jitter, honouring `Retry-After` up to `max_wait`.

    One client may be shared by many threads (httpx.Client is thread-safe).
    """

    def __init__(
        self,
        *,
        retries: int = 3,
        backoff: float = 0.5,
        max_wait: float = 60.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.requests_made = 0
        self._lock = threading.Lock()
        self._client = httpx.Client(
            timeout=settings.HTTP_TIMEOUT_SECONDS,
            headers={"User-Agent": settings.HTTP_USER_AGENT},
            follow_redirects=False,
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _wait_before_retry(self, attempt: int, response: httpx.Response | None) -> None:
        delay = self.backoff * (2**attempt) * (1 + random.random() / 2)
        if response is not None:
            retry_after = retry_after_seconds(response.headers)
            if retry_after is not None:
                delay = retry_after
        self.sleep(min(delay, self.max_wait))

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """Send a request (with `content` as its body), retrying transient failures;
        return the final response.

        Raises HttpError(permanent=False) when retries run out on a transient failure.
        Any other status (2xx, 3xx, 304, 4xx) is returned for the caller to interpret.
        """
        last_error = ""
        reason = ""
        for attempt in range(self.retries + 1):
            response: httpx.Response | None = None
            try:
                with self._lock:
                    self.requests_made += 1
                response = self._client.request(method, url, headers=headers, content=content)
            except httpx.TimeoutException:
                last_error, reason = "timed out", "timeout"
            except httpx.TransportError as exc:
                last_error, reason = f"connection failed: {exc}", "connection_error"
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                last_error, reason = f"HTTP {response.status_code}", ""
            if attempt < self.retries:
                logger.info("Retrying %s %s after %s", method, url, last_error)
                self._wait_before_retry(attempt, response)
        raise HttpError(
            f"{method} {url} failed after {self.retries + 1} attempts: {last_error}",
            url=url,
            permanent=False,
            status=response.status_code if response is not None else None,
            reason=reason,
            response=response,
        )

    def get_json(self, url: str, *, headers: Mapping[str, str] | None = None) -> Any:
        """GET a URL and decode its JSON body.

        Raises HttpError: permanent for 4xx and malformed JSON, transient as `request` does.
        """
        response = self.request("GET", url, headers=headers)
        if response.status_code >= 400:
            raise HttpError(
                f"GET {url} answered HTTP {response.status_code}",
                url=url,
                permanent=True,
                status=response.status_code,
            )
        try:
            return response.json()
        except ValueError:
            raise HttpError(f"GET {url} returned malformed JSON", url=url, permanent=True) from None
