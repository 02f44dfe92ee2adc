"""GitHub REST client: one repository's record, commit activity, contributors and commits.

Network only: `github_repo_fetch` returns a `RepoFetch` (types.py) and never touches the
database. Requests are conditional (stored ETags; a 304 costs nothing against the rate
limit), renamed repositories (301) are followed, and every expected failure is raised as
`FetchFailed` or `RateLimitExhausted`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import httpx
import pydantic
from django.conf import settings
from pydantic import BaseModel, ConfigDict, RootModel

from packagegrid.fetchers.http import HttpClient, HttpError, _retry_after_seconds
from packagegrid.fetchers.ratelimit import RateBudget
from packagegrid.fetchers.types import FetchFailed, RateLimitExhausted, RepoFetch, RepoInfo

logger = logging.getLogger(__name__)

API_VERSION = "2022-11-28"
WEEKS = 52
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 3
# GitHub links at most 500 author emails to accounts, so without `anon=1` the list is
# about 5 pages of 100; the cap only guards against a Link header that never ends.
MAX_CONTRIBUTOR_PAGES = 10
# GitHub's advice for a secondary rate limit without Retry-After: wait at least a minute.
SECONDARY_LIMIT_WAIT = timedelta(minutes=1)


# Response models: only the fields we read. Strict, so a string where GitHub documents a
# number is "malformed" rather than silently converted; JSON datetimes are ISO strings,
# which strict mode accepts.


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True)


class _License(_Strict):
    name: str | None = None
    spdx_id: str | None = None


class _Repo(_Strict):
    full_name: str
    html_url: str
    description: str | None
    homepage: str | None = None
    stargazers_count: int
    forks_count: int
    open_issues_count: int
    archived: bool
    default_branch: str
    license: _License | None = None
    pushed_at: datetime | None = None


class _Week(_Strict):
    week: int  # the week's Sunday, epoch seconds
    total: int
    days: list[int]


class _CommitActivity(RootModel[list[_Week]]):
    model_config = ConfigDict(strict=True)


class _Contributor(_Strict):
    # Anonymous contributors (only listed with `anon=1`) have a name and email instead.
    login: str | None = None
    contributions: int


class _Contributors(RootModel[list[_Contributor]]):
    model_config = ConfigDict(strict=True)


class _GitActor(_Strict):
    date: datetime | None = None


class _GitCommit(_Strict):
    author: _GitActor | None = None
    committer: _GitActor | None = None


class _Commit(_Strict):
    sha: str
    commit: _GitCommit


class _Commits(RootModel[list[_Commit]]):
    model_config = ConfigDict(strict=True)


def _rate_limit_retry_at(response: httpx.Response, now: datetime) -> datetime | None:
    """When to ask again if a 403/429 `response` is a rate limit; None if it is not one.

    Primary limit: `X-RateLimit-Remaining: 0`, wait for `X-RateLimit-Reset`. Secondary
    limit: wait `Retry-After` seconds, or a minute when GitHub gives no time (every 429, and
    a 403 whose message mentions the rate limit).
    """
    if response.headers.get("X-RateLimit-Remaining", "").strip() == "0":
        reset = response.headers.get("X-RateLimit-Reset", "").strip()
        if reset.isdigit():
            return datetime.fromtimestamp(int(reset), tz=UTC)
        return now + SECONDARY_LIMIT_WAIT
    retry_after = _retry_after_seconds(response)
    if retry_after is not None:
        return now + timedelta(seconds=retry_after)
    if response.status_code == 429 or "rate limit" in response.text.lower():
        return now + SECONDARY_LIMIT_WAIT
    return None


class _Calls:
    """The requests of one `github_repo_fetch`: headers, ETags, budget and counters."""

    def __init__(
        self,
        client: HttpClient,
        *,
        token: str,
        etags: Mapping[str, str],
        budget: RateBudget | None,
    ) -> None:
        self.client = client
        self.budget = budget
        self.api_url = settings.GITHUB_API_URL.rstrip("/")
        self.headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
        }
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.old_etags = etags
        self.etags: dict[str, str] = {}
        self.requests = 0
        self.not_modified = 0

    def repo_url(self, owner: str, name: str, path: str = "") -> str:
        return f"{self.api_url}/repos/{quote(owner, safe='')}/{quote(name, safe='')}{path}"

    def failed(
        self, message: str, *, reason: str = "client_error", permanent: bool = True
    ) -> FetchFailed:
        """A FetchFailed carrying the requests made so far (default: a permanent 4xx)."""
        return FetchFailed(
            f"GitHub: {message}", reason=reason, permanent=permanent, requests=self.requests
        )

    def get(
        self, url: str, *, conditional: bool = True, accept: frozenset[int] = frozenset()
    ) -> httpx.Response:
        """GET `url`, following redirects on the API host; return a 2xx or 304 response.

        With `conditional`, send the stored ETag of each URL asked and keep the ETag of a
        200 (or the old one on a 202 or 304) in `self.etags`. Statuses in `accept` are
        returned as well. Raises RateLimitExhausted for a rate limit, FetchFailed for any
        other failure.
        """
        for _ in range(MAX_REDIRECTS + 1):
            response = self._send(url, conditional=conditional)
            status = response.status_code
            if status in REDIRECTS:
                url = self._redirect_target(url, response)
                continue
            old_etag = self.old_etags.get(url) if conditional else None
            if status == 304:
                self.not_modified += 1
                if etag := response.headers.get("ETag") or old_etag:
                    self.etags[url] = etag
                return response
            if status < 300 or status in accept:
                etag = response.headers.get("ETag") if status == 200 else old_etag
                if conditional and etag:
                    self.etags[url] = etag
                return response
            raise self._error(url, response)
        raise self.failed(f"{url} redirected more than {MAX_REDIRECTS} times")

    def _send(self, url: str, *, conditional: bool) -> httpx.Response:
        if urlsplit(url)[:2] != urlsplit(self.api_url)[:2]:
            # Never send the token to another host.
            raise self.failed(f"refusing to follow {url} off the API host")
        if self.budget is not None:
            try:
                self.budget.before_request()
            except RateLimitExhausted as exc:
                exc.requests = self.requests
                raise
        headers = dict(self.headers)
        if conditional and (etag := self.old_etags.get(url)):
            headers["If-None-Match"] = etag
        self.requests += 1
        try:
            response = self.client.request("GET", url, headers=headers)
        except HttpError as exc:
            # The client's retries ran out (timeout, connection error, 429 or 5xx).
            if exc.response is not None:
                self._observe(exc.response)
                if exc.response.status_code == 429:
                    raise self._error(url, exc.response) from exc
            raise self.failed(str(exc), reason=exc.reason, permanent=False) from exc
        self._observe(response)
        return response

    def _observe(self, response: httpx.Response) -> None:
        if self.budget is not None:
            self.budget.observe(response)

    def _redirect_target(self, url: str, response: httpx.Response) -> str:
        location: str = response.headers.get("Location", "")
        if not location:
            raise self.failed(f"{url} redirected without a Location")
        return urljoin(url, location)

    def _error(self, url: str, response: httpx.Response) -> FetchFailed:
        status = response.status_code
        if status in (403, 429):
            retry_at = _rate_limit_retry_at(response, datetime.now(tz=UTC))
            if retry_at is not None:
                return RateLimitExhausted(
                    f"GitHub rate limit reached (HTTP {status} for {url}); "
                    f"retry after {retry_at:%Y-%m-%d %H:%M:%S} UTC",
                    retry_at=retry_at,
                    requests=self.requests,
                )
        if status in (404, 410):
            return self.failed(f"{url} answered HTTP {status}", reason="not_found", permanent=True)
        return self.failed(f"{url} answered HTTP {status}")

    def parse[M: BaseModel](self, model: type[M], response: httpx.Response) -> M:
        """Validate a JSON body; raises FetchFailed("malformed") when it does not fit."""
        try:
            return model.model_validate_json(response.content)
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "body"
            raise self.failed(
                f"{response.request.url} returned a malformed body "
                f"({exc.error_count()} errors; {where}: {first['msg']})",
                reason="malformed",
                permanent=False,
            ) from None


def _license(repo: _Repo) -> str:
    if repo.license is None:
        return ""
    spdx = repo.license.spdx_id
    if spdx and spdx != "NOASSERTION":
        return spdx
    return repo.license.name or ""


def _repo_get(calls: _Calls, *, owner: str, name: str) -> _Repo | None:
    """The repository's record, or None when unchanged (304). A rename (301) is followed."""
    # Reference: https://docs.github.com/en/rest/repos/repos#get-a-repository
    response = calls.get(calls.repo_url(owner, name))
    if response.status_code == 304:
        return None
    return calls.parse(_Repo, response)


def _commit_activity_get(calls: _Calls, *, owner: str, name: str) -> list[int] | None:
    """52 weekly commit totals, oldest first; None when unchanged (304) or still computing.

    A 202 means GitHub is computing the statistics: None, so stored numbers stay and the
    next run asks again (never zeros). An empty repository (204, or `[]`) has 52 zeros.
    """
    # Reference: https://docs.github.com/en/rest/metrics/statistics#get-the-last-year-of-commit-activity
    response = calls.get(calls.repo_url(owner, name, "/stats/commit_activity"))
    if response.status_code in (202, 304):
        return None
    if response.status_code == 204:
        return [0] * WEEKS
    if response.content.strip() == b"{}":
        # GitHub has been seen answering an empty object instead of a 202 while
        # computing; that is "no numbers yet", not "no commits".
        return None
    weeks = sorted(calls.parse(_CommitActivity, response).root, key=lambda w: w.week)
    totals = [week.total for week in weeks][-WEEKS:]
    return [0] * (WEEKS - len(totals)) + totals


def _contributors_list(calls: _Calls, *, owner: str, name: str) -> list[str] | None:
    """Contributor logins in GitHub's order (most commits first), across all pages.

    None when the first page is unchanged (304: only the first page is conditional, as its
    ETag is the one stored). An empty repository (204) has none. Entries without a login
    (anonymous) are skipped.
    """
    # Reference: https://docs.github.com/en/rest/repos/repos#list-repository-contributors
    # Reference: https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api
    url: str | None = calls.repo_url(owner, name, "/contributors?per_page=100")
    logins: list[str] = []
    pages = 0
    while url is not None and pages < MAX_CONTRIBUTOR_PAGES:
        response = calls.get(url, conditional=pages == 0)
        pages += 1
        if response.status_code == 304:
            return None
        if response.status_code != 204:
            contributors = calls.parse(_Contributors, response).root
            logins += [c.login for c in contributors if c.login]
        url = response.links.get("next", {}).get("url")
    if url is not None:
        logger.warning("GitHub %s/%s: stopped after %d contributor pages", owner, name, pages)
    return logins


def _commits_summary_get(
    calls: _Calls, *, owner: str, name: str
) -> tuple[datetime | None, int | None]:
    """(time of the newest commit on the default branch, number of commits on it).

    With `per_page=1` the page number of the `rel="last"` link is the commit count; without
    a Link header there is one page, so the count is the list's length. (None, None) when
    unchanged (304); (None, 0) for an empty repository (409 "Git Repository is empty").
    """
    # Reference: https://docs.github.com/en/rest/commits/commits#list-commits
    response = calls.get(
        calls.repo_url(owner, name, "/commits?per_page=1"), accept=frozenset({409})
    )
    if response.status_code == 304:
        return None, None
    if response.status_code == 409:
        return None, 0
    commits = calls.parse(_Commits, response).root
    if not commits:
        return None, 0
    git = commits[0].commit
    dates = [actor.date for actor in (git.committer, git.author) if actor and actor.date]
    last_commit_at = dates[0] if dates else None
    total = len(commits)
    if last := response.links.get("last", {}).get("url"):
        pages = parse_qs(urlsplit(last).query).get("page", [])
        if pages and pages[0].isdigit():
            total = int(pages[0])
    return last_commit_at, total


def github_repo_fetch(
    client: HttpClient,
    *,
    owner: str,
    name: str,
    etags: Mapping[str, str],
    budget: RateBudget | None = None,
    token: str | None = None,
) -> RepoFetch:
    """Everything GitHub says about `owner/name`, in four (or more) conditional requests.

    `etags` maps request URLs to the ETags stored by the previous run; the result's
    `etags` holds the ones to store now. `token` defaults to `settings.GITHUB_TOKEN`
    (read at call time; pass "" to ask anonymously). A section left None means "keep
    what is stored": unchanged (304) or, for commit activity, still being computed (202).

    A renamed or transferred repository (301) is followed: `moved_to` is its new
    `html_url`, and the other endpoints are asked under the new owner/name.

    Raises:
        RateLimitExhausted: the budget is spent, or GitHub answered a primary (403/429 with
            `X-RateLimit-Remaining: 0`, retry_at = the reset) or secondary (Retry-After,
            retry_at = now + Retry-After) rate limit; stop asking GitHub.
        FetchFailed: reason "not_found" (404/410, permanent; the caller flags the package
            for review), "client_error" (other 4xx, permanent), "malformed" (a body that
            is not the documented JSON), or the HttpClient's reason ("timeout",
            "connection_error", "server_error") when its retries ran out.
        `requests` on the exception counts the requests made before the failure.
    """
    calls = _Calls(
        client,
        token=settings.GITHUB_TOKEN if token is None else token,
        etags=etags,
        budget=budget,
    )
    repo = _repo_get(calls, owner=owner, name=name)
    info: RepoInfo | None = None
    moved_to: str | None = None
    if repo is not None:
        info = RepoInfo(
            stars=repo.stargazers_count,
            forks=repo.forks_count,
            description=repo.description or "",
            archived=repo.archived,
            license=_license(repo),
            open_issues=repo.open_issues_count,
            default_branch=repo.default_branch,
            homepage=repo.homepage or "",
            pushed_at=repo.pushed_at,
        )
        if repo.full_name.lower() != f"{owner}/{name}".lower():
            moved_to = repo.html_url
            owner, name = repo.full_name.split("/", 1)
    commits_over_52 = _commit_activity_get(calls, owner=owner, name=name)
    participants = _contributors_list(calls, owner=owner, name=name)
    last_commit_at, total_commits = _commits_summary_get(calls, owner=owner, name=name)
    return RepoFetch(
        info=info,
        commits_over_52=commits_over_52,
        participants=participants,
        last_commit_at=last_commit_at,
        total_commits=total_commits,
        moved_to=moved_to,
        etags=calls.etags,
        requests=calls.requests,
        not_modified=calls.not_modified,
    )
