"""Conditional GETs with ETag bookkeeping and one error mapping, shared by the API clients.

Each client function makes one `ConditionalFetcher` per fetch: it sends `If-None-Match`
with the ETag stored for the exact URL, counts requests and 304s, collects the ETags to
store next time, validates bodies with pydantic, and turns every failure into a
`FetchFailed` carrying the number of requests spent so far.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from packagegrid.fetchers.http import HttpClient, HttpError
from packagegrid.fetchers.types import FetchFailed, RateLimitExhausted

REDIRECT_STATUSES = frozenset({301, 302, 307, 308})
RATE_LIMIT_REMAINING_HEADERS = ("RateLimit-Remaining", "X-RateLimit-Remaining")
RATE_LIMIT_RESET_HEADERS = ("RateLimit-Reset", "X-RateLimit-Reset")
# Reset headers above this are Unix times (GitHub, GitLab); below, seconds to wait (IETF).
_EPOCH_THRESHOLD = 1_000_000_000


@dataclass(frozen=True)
class Answer[M: BaseModel]:
    """A validated 2xx body, with the response (for pagination headers) and its final URL."""

    data: M
    response: httpx.Response
    url: str


class ConditionalFetcher:
    """GET JSON documents for one fetch, keeping count and ETags.

    `requests` counts every request this fetcher sent (a followed redirect is one more);
    retries inside `HttpClient` are not visible here and are counted only by
    `HttpClient.requests_made`. `not_modified` counts 304 answers. `etags` maps each URL
    asked conditionally in this fetch to the ETag to send next time: the new one from a
    200, the stored one carried over on a 304.
    """

    def __init__(
        self,
        client: HttpClient,
        *,
        etags: Mapping[str, str],
        headers: Mapping[str, str] | None = None,
        now: datetime,
    ) -> None:
        self.client = client
        self.stored_etags = etags
        self.headers = dict(headers or {})
        self.now = now
        self.requests = 0
        self.not_modified = 0
        self.etags: dict[str, str] = {}

    def get[M: BaseModel](
        self, url: str, model: type[M], *, conditional: bool = True
    ) -> Answer[M] | None:
        """GET `url` and validate its body as `model`; None when the answer is 304.

        With `conditional`, sends the ETag stored for the URL that answers and remembers
        its new ETag; without, sends and remembers none (later pages of a list, whose
        first page stands for the whole list). Follows one redirect on the same host
        (301, 302, 307, 308); the URL it lands on is the one whose ETag counts.

        Raises FetchFailed: "not_found" (404, 410, permanent), RateLimitExhausted (429, or
        403 with `RateLimit-Remaining: 0` / `X-RateLimit-Remaining: 0`), "client_error"
        (other 4xx or a redirect off the host or a second redirect, permanent),
        `HttpError.reason` for timeouts and 5xx after retries, "malformed" (a body that is
        not JSON or not the documented shape) and "unexpected_status" (anything else).
        """
        response = self._send(url, conditional=conditional)
        if response.status_code in REDIRECT_STATUSES:
            url = self._redirect_target(url, response)
            response = self._send(url, conditional=conditional)
            if response.status_code in REDIRECT_STATUSES:
                raise self.failed(
                    f"GET {url} redirected more than once", reason="client_error", permanent=True
                )
        status = response.status_code
        if status == 304:
            self.not_modified += 1
            stored = self.stored_etags.get(url)
            if stored:
                self.etags[url] = stored
            return None
        if 200 <= status < 300:
            if conditional and (etag := response.headers.get("ETag")):
                self.etags[url] = etag
            try:
                data = model.model_validate_json(response.content, strict=True)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(part) for part in first["loc"]) or "body"
                raise self.failed(
                    f"GET {url} returned a malformed body ({exc.error_count()} problem(s); "
                    f"{where}: {first['msg']})",
                    reason="malformed",
                ) from None
            return Answer(data=data, response=response, url=url)
        raise self._status_error(url, response)

    def require[M: BaseModel](self, url: str, model: type[M]) -> Answer[M]:
        """GET `url` without ETag (see `get`); a 304 to that is a malformed answer."""
        answer = self.get(url, model, conditional=False)
        if answer is None:
            raise self.failed(f"GET {url} answered 304 without If-None-Match", reason="malformed")
        return answer

    def pages[M: BaseModel](
        self,
        url: str,
        model: type[M],
        *,
        next_url: Callable[[Answer[M]], str | None],
        base: str,
        max_pages: int,
    ) -> list[M] | None:
        """Every page of a list, first page first; None when the first page answers 304.

        Only the first page is asked conditionally: lists come newest first, so any change
        shows on it. `next_url` reads the following page's URL from an answer (None at the
        end); it must stay under `base`. Stops after `max_pages` pages, so a huge list
        costs a bounded number of requests. Raises FetchFailed as `get` does.
        """
        answer = self.get(url, model)
        if answer is None:
            return None
        pages = [answer.data]
        while len(pages) < max_pages:
            following = next_url(answer)
            if not following:
                break
            answer = self.require(self.same_site(following, base=base), model)
            pages.append(answer.data)
        return pages

    def failed(self, message: str, *, reason: str, permanent: bool = False) -> FetchFailed:
        """A FetchFailed for this fetch, carrying the requests spent so far."""
        return FetchFailed(message, reason=reason, permanent=permanent, requests=self.requests)

    def same_site(self, next_url: str, *, base: str) -> str:
        """Return a pagination link if it stays under the API's `base` URL.

        Raises FetchFailed("malformed") for a link elsewhere: the provider's answer is
        trusted only to page through itself.
        """
        if not next_url.startswith(base.rstrip("/") + "/"):
            raise self.failed(f"Pagination link {next_url!r} leaves {base}", reason="malformed")
        return next_url

    def _send(self, url: str, *, conditional: bool) -> httpx.Response:
        headers = dict(self.headers)
        etag = self.stored_etags.get(url) if conditional else None
        if etag:
            headers["If-None-Match"] = etag
        self.requests += 1
        try:
            return self.client.request("GET", url, headers=headers)
        except HttpError as exc:
            if exc.status == 429:
                # HttpClient already waited out Retry-After between its retries.
                raise RateLimitExhausted(
                    f"GET {url} still rate limited after retries",
                    retry_at=None,
                    requests=self.requests,
                ) from exc
            raise self.failed(str(exc), reason=exc.reason) from exc

    def _redirect_target(self, url: str, response: httpx.Response) -> str:
        location = str(response.headers.get("Location", ""))
        target = urljoin(url, location)
        if not location or urlsplit(target)[:2] != urlsplit(url)[:2]:
            raise self.failed(
                f"GET {url} redirected to {location!r}", reason="client_error", permanent=True
            )
        return target

    def _status_error(self, url: str, response: httpx.Response) -> FetchFailed:
        status = response.status_code
        message = f"GET {url} answered HTTP {status}"
        if status in (404, 410):
            return self.failed(message, reason="not_found", permanent=True)
        if _rate_limit_exhausted(response):
            return RateLimitExhausted(
                f"{message}: rate limit exhausted",
                retry_at=rate_limit_reset(response.headers, now=self.now),
                requests=self.requests,
            )
        if 400 <= status < 500:
            return self.failed(message, reason="client_error", permanent=True)
        return self.failed(message, reason="unexpected_status")


def _rate_limit_exhausted(response: httpx.Response) -> bool:
    if response.status_code == 429:
        return True
    if response.status_code != 403:
        return False
    return any(
        response.headers.get(name, "").strip() == "0" for name in RATE_LIMIT_REMAINING_HEADERS
    )


def rate_limit_reset(headers: Mapping[str, str], *, now: datetime) -> datetime | None:
    """When a spent rate limit resets, from the response headers; None when not said.

    Reads `RateLimit-Reset` / `X-RateLimit-Reset` (a Unix time, or seconds from `now`
    when small), then `Retry-After` (seconds or an HTTP date).
    """
    for name in RATE_LIMIT_RESET_HEADERS:
        value = headers.get(name, "").strip()
        if value.isdigit():
            number = int(value)
            if number > _EPOCH_THRESHOLD:
                return datetime.fromtimestamp(number, UTC)
            return now + timedelta(seconds=number)
    retry_after = headers.get("Retry-After", "").strip()
    if retry_after.isdigit():
        return now + timedelta(seconds=int(retry_after))
    if retry_after:
        try:
            moment = parsedate_to_datetime(retry_after)
        except (TypeError, ValueError):
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None
