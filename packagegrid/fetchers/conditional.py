"""Conditional GETs with ETag bookkeeping and one error mapping, shared by every API client.

Each client function makes one `ConditionalFetcher` per fetch: it sends `If-None-Match`
with the ETag stored for the exact URL, follows redirects on the API host, counts
requests and 304s, collects the ETags to store next time, validates bodies with pydantic,
consults a `RateBudget` when given one, and turns every failure into a `FetchFailed`
(or `RateLimitExhausted`) carrying the number of requests spent so far. The commit-list
walk the code hosts share (`commit_pages_activity`) is here too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from packagegrid.fetchers.http import HttpClient, HttpError, retry_after_seconds
from packagegrid.fetchers.ratelimit import RateBudget
from packagegrid.fetchers.types import FetchFailed, RateLimitExhausted, RepoFetch, RepoInfo
from packagegrid.lib.weeks import Commit, CommitActivity, commit_activity

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RATE_LIMIT_REMAINING_HEADERS = ("RateLimit-Remaining", "X-RateLimit-Remaining")
RATE_LIMIT_RESET_HEADERS = ("RateLimit-Reset", "X-RateLimit-Reset")
# Reset headers above this are Unix times (GitHub, GitLab); below, seconds to wait (IETF).
_EPOCH_THRESHOLD = 1_000_000_000
# GitHub's advice for a rate limit that names no time (a secondary limit without
# Retry-After): wait at least a minute. Applied to every source.
RATE_LIMIT_DEFAULT_WAIT = timedelta(minutes=1)


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
    200 or 304, else the stored one carried over.

    `source` prefixes error messages ("GitHub: ..."); `budget`, when given, is consulted
    before every request and told every response; `max_redirects` bounds a redirect chain.
    """

    def __init__(
        self,
        client: HttpClient,
        *,
        etags: Mapping[str, str],
        headers: Mapping[str, str] | None = None,
        now: datetime,
        source: str = "",
        budget: RateBudget | None = None,
        max_redirects: int = 1,
    ) -> None:
        self.client = client
        self.stored_etags = etags
        self.headers = dict(headers or {})
        self.now = now
        self.source = source
        self.budget = budget
        self.max_redirects = max_redirects
        self.requests = 0
        self.not_modified = 0
        self.etags: dict[str, str] = {}

    def response(
        self, url: str, *, conditional: bool = True, accept: frozenset[int] = frozenset()
    ) -> httpx.Response:
        """GET `url` and return a 2xx or 304 response (or one whose status is in `accept`).

        With `conditional`, sends the ETag stored for the URL that answers and remembers
        the one to send next time; without, sends and remembers none (later pages of a
        list, whose first page stands for the whole list). Follows up to `max_redirects`
        redirects (301, 302, 303, 307, 308) on the same scheme and host, so credentials
        never leave the API; the URL it lands on is the one whose ETag counts.

        Raises FetchFailed: "not_found" (404, 410, permanent), RateLimitExhausted (see
        `rate_limit_retry_at`), "client_error" (other 4xx, a redirect off the host, without
        a Location or one too many; permanent), `HttpError.reason` for timeouts and 5xx
        after retries, and "unexpected_status" (anything else).
        """
        return self._answer(url, conditional=conditional, accept=accept)[1]

    def _answer(
        self, url: str, *, conditional: bool, accept: frozenset[int] = frozenset()
    ) -> tuple[str, httpx.Response]:
        """`response`, with the URL that answered (after redirects)."""
        response = self._send(url, conditional=conditional)
        redirects = 0
        while response.status_code in REDIRECT_STATUSES:
            if redirects == self.max_redirects:
                raise self.failed(
                    f"GET {url} redirected more than {self.max_redirects} time(s)",
                    reason="client_error",
                    permanent=True,
                )
            url = self._redirect_target(url, response)
            redirects += 1
            response = self._send(url, conditional=conditional)
        status = response.status_code
        stored = self.stored_etags.get(url) if conditional else None
        if status == 304:
            self.not_modified += 1
            if etag := response.headers.get("ETag") or stored:
                self.etags[url] = etag
            return url, response
        if 200 <= status < 300 or status in accept:
            # A 202 ("still computing") or 204 says nothing new: keep the stored ETag.
            etag = response.headers.get("ETag") if status == 200 else stored
            if conditional and etag:
                self.etags[url] = etag
            return url, response
        raise self._status_error(url, response)

    def parse[M: BaseModel](self, model: type[M], response: httpx.Response, url: str) -> M:
        """Validate a JSON body as `model`; raises FetchFailed("malformed") when it does not fit."""
        try:
            return model.model_validate_json(response.content, strict=True)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "body"
            raise self.failed(
                f"GET {url} returned a malformed body ({exc.error_count()} problem(s); "
                f"{where}: {first['msg']})",
                reason="malformed",
            ) from None

    def get[M: BaseModel](
        self, url: str, model: type[M], *, conditional: bool = True
    ) -> Answer[M] | None:
        """GET `url` and validate its body as `model`; None when the answer is 304.

        Conditional requests and redirects as `response` does. Raises FetchFailed as
        `response` does, and "malformed" (a body that is not JSON or not the documented
        shape).
        """
        url, response = self._answer(url, conditional=conditional)
        if response.status_code == 304:
            return None
        return Answer(data=self.parse(model, response, url), response=response, url=url)

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

    def repo_fetch(
        self,
        *,
        info: RepoInfo | None,
        moved_to: str | None,
        activity: CommitActivity | None,
        participants: list[str] | None,
    ) -> RepoFetch:
        """The `RepoFetch` of this fetch: the sections given, with its ETags and counters.

        `activity` None (its first page answered 304) leaves the commit sections None.
        """
        return RepoFetch(
            info=info,
            commits_over_52=activity.commits_over_52 if activity else None,
            participants=participants,
            last_commit_at=activity.last_commit_at if activity else None,
            moved_to=moved_to,
            etags=self.etags,
            requests=self.requests,
            not_modified=self.not_modified,
        )

    def failed(self, message: str, *, reason: str, permanent: bool = False) -> FetchFailed:
        """A FetchFailed for this fetch, carrying the requests spent so far."""
        prefix = f"{self.source}: " if self.source else ""
        return FetchFailed(
            prefix + message, reason=reason, permanent=permanent, requests=self.requests
        )

    def same_site(self, next_url: str, *, base: str) -> str:
        """Return a pagination link if it stays under the API's `base` URL.

        Raises FetchFailed("malformed") for a link elsewhere: the provider's answer is
        trusted only to page through itself.
        """
        if not next_url.startswith(base.rstrip("/") + "/"):
            raise self.failed(f"Pagination link {next_url!r} leaves {base}", reason="malformed")
        return next_url

    def _send(self, url: str, *, conditional: bool) -> httpx.Response:
        if self.budget is not None:
            try:
                self.budget.before_request()
            except RateLimitExhausted as exc:
                exc.requests = self.requests
                raise
        headers = dict(self.headers)
        etag = self.stored_etags.get(url) if conditional else None
        if etag:
            headers["If-None-Match"] = etag
        self.requests += 1
        try:
            response = self.client.request("GET", url, headers=headers)
        except HttpError as exc:
            # The client's retries ran out (timeout, connection error, 429 or 5xx); it
            # already waited out Retry-After between them.
            if exc.response is not None:
                self._observe(exc.response)
                if exc.response.status_code == 429:
                    raise self._status_error(url, exc.response) from exc
            raise self.failed(str(exc), reason=exc.reason) from exc
        self._observe(response)
        return response

    def _observe(self, response: httpx.Response) -> None:
        if self.budget is not None:
            self.budget.observe(response)

    def _redirect_target(self, url: str, response: httpx.Response) -> str:
        location = str(response.headers.get("Location", ""))
        target = urljoin(url, location)
        if not location or urlsplit(target)[:2] != urlsplit(url)[:2]:
            raise self.failed(
                f"GET {url} redirected to {location!r}: refusing to follow it off the API host",
                reason="client_error",
                permanent=True,
            )
        return target

    def _status_error(self, url: str, response: httpx.Response) -> FetchFailed:
        status = response.status_code
        message = f"GET {url} answered HTTP {status}"
        if status in (404, 410):
            return self.failed(message, reason="not_found", permanent=True)
        retry_at = rate_limit_retry_at(response, now=self.now)
        if retry_at is not None:
            prefix = f"{self.source}: " if self.source else ""
            return RateLimitExhausted(
                f"{prefix}{message}: rate limit reached; retry after "
                f"{retry_at:%Y-%m-%d %H:%M:%S} UTC",
                retry_at=retry_at,
                requests=self.requests,
            )
        if 400 <= status < 500:
            return self.failed(message, reason="client_error", permanent=True)
        return self.failed(message, reason="unexpected_status")


def rate_limit_retry_at(response: httpx.Response, *, now: datetime) -> datetime | None:
    """When to ask again if a 403/429 `response` is a rate limit; None if it is not one.

    - A spent limit (`RateLimit-Remaining: 0` or `X-RateLimit-Remaining: 0`): its reset
      (`RateLimit-Reset` / `X-RateLimit-Reset`, a Unix time, or seconds from `now` when
      small), else `Retry-After`, else `now` + RATE_LIMIT_DEFAULT_WAIT.
    - Otherwise a `Retry-After` (seconds or an HTTP date) makes it a rate limit until then.
    - Otherwise a 429, or a 403 whose body mentions the rate limit (GitHub's secondary
      limit), waits RATE_LIMIT_DEFAULT_WAIT.
    """
    if response.status_code not in (403, 429):
        return None
    headers = response.headers
    spent = any(headers.get(name, "").strip() == "0" for name in RATE_LIMIT_REMAINING_HEADERS)
    if spent:
        for name in RATE_LIMIT_RESET_HEADERS:
            value = headers.get(name, "").strip()
            if value.isdigit():
                number = int(value)
                if number > _EPOCH_THRESHOLD:
                    return datetime.fromtimestamp(number, UTC)
                return now + timedelta(seconds=number)
    retry_after = retry_after_seconds(headers, now=now)
    if retry_after is not None:
        return now + timedelta(seconds=retry_after)
    if spent or response.status_code == 429 or "rate limit" in response.text.lower():
        return now + RATE_LIMIT_DEFAULT_WAIT
    return None


def commit_pages_activity[M: BaseModel, C](
    fetcher: ConditionalFetcher,
    url: str,
    model: type[M],
    *,
    commits: Callable[[M], Iterable[C]],
    commit: Callable[[C], Commit],
    next_url: Callable[[Answer[M]], str | None],
    base: str,
    max_pages: int,
    latest_url: str | None,
    now: datetime,
) -> CommitActivity | None:
    """Walk a commit list newest first and summarise it; None when its first page is a 304.

    `commits` reads the commits of a page and `commit` turns one into a `Commit`. Pages
    are read as `ConditionalFetcher.pages` reads them. When they hold no commit at all
    and `latest_url` is given (a list of the latest commit alone), that is asked too, so
    a quiet repository still has a last commit date and author.
    Raises FetchFailed as `ConditionalFetcher.get` does.
    """
    pages = fetcher.pages(url, model, next_url=next_url, base=base, max_pages=max_pages)
    if pages is None:
        return None
    found = [c for page in pages for c in commits(page)]
    if not found and latest_url is not None:
        found = list(commits(fetcher.require(latest_url, model).data))
    return commit_activity((commit(c) for c in found), now=now)
