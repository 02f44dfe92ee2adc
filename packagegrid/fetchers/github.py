"""GitHub REST client: one repository's record, commit activity, contributors and commits.

Network only: `github_repo_fetch` returns a `RepoFetch` (types.py) and never touches the
database. Requests are conditional (stored ETags; a 304 costs nothing against the rate
limit), renamed repositories (301) are followed, and every expected failure is raised as
`FetchFailed` or `RateLimitExhausted`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from django.conf import settings
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, RootModel

from packagegrid.fetchers.conditional import ConditionalFetcher
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.ratelimit import RateBudget
from packagegrid.fetchers.types import RepoFetch, RepoInfo

logger = logging.getLogger(__name__)

API_VERSION = "2022-11-28"
WEEKS = 52
MAX_REDIRECTS = 3
# GitHub links at most 500 author emails to accounts, so without `anon=1` the list is
# about 5 pages of 100; the cap only guards against a Link header that never ends.
MAX_CONTRIBUTOR_PAGES = 10


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
    fork: bool = False


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


def _license(repo: _Repo) -> str:
    if repo.license is None:
        return ""
    spdx = repo.license.spdx_id
    if spdx and spdx != "NOASSERTION":
        return spdx
    return repo.license.name or ""


def _repo_url(owner: str, name: str, path: str = "") -> str:
    api_url = settings.GITHUB_API_URL.rstrip("/")
    return f"{api_url}/repos/{quote(owner, safe='')}/{quote(name, safe='')}{path}"


def _repo_get(fetcher: ConditionalFetcher, *, owner: str, name: str) -> _Repo | None:
    """The repository's record, or None when unchanged (304). A rename (301) is followed."""
    # Reference: https://docs.github.com/en/rest/repos/repos#get-a-repository
    answer = fetcher.get(_repo_url(owner, name), _Repo)
    return answer.data if answer else None


def _commit_activity_get(fetcher: ConditionalFetcher, *, owner: str, name: str) -> list[int] | None:
    """52 weekly commit totals, oldest first; None when unchanged (304) or still computing.

    A 202 means GitHub is computing the statistics: None, so stored numbers stay and the
    next run asks again (never zeros). An empty repository (204, or `[]`) has 52 zeros.
    """
    # Reference: https://docs.github.com/en/rest/metrics/statistics#get-the-last-year-of-commit-activity
    url = _repo_url(owner, name, "/stats/commit_activity")
    response = fetcher.response(url, accept=frozenset({202, 204}))
    if response.status_code in (202, 304):
        return None
    if response.status_code == 204:
        return [0] * WEEKS
    if response.content.strip() == b"{}":
        # GitHub has been seen answering an empty object instead of a 202 while
        # computing; that is "no numbers yet", not "no commits".
        return None
    weeks = sorted(fetcher.parse(_CommitActivity, response, url).root, key=lambda w: w.week)
    totals = [week.total for week in weeks][-WEEKS:]
    return [0] * (WEEKS - len(totals)) + totals


def _contributors_list(fetcher: ConditionalFetcher, *, owner: str, name: str) -> list[str] | None:
    """Contributor logins in GitHub's order (most commits first), across all pages.

    None when the first page is unchanged (304: only the first page is conditional, as its
    ETag is the one stored). An empty repository (204) has none. Entries without a login
    (anonymous) are skipped.
    """
    # Reference: https://docs.github.com/en/rest/repos/repos#list-repository-contributors
    # Reference: https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api
    url: str | None = _repo_url(owner, name, "/contributors?per_page=100")
    logins: list[str] = []
    pages = 0
    while url is not None and pages < MAX_CONTRIBUTOR_PAGES:
        if pages:
            # A Link header is trusted only to page through the API: the token goes along.
            url = fetcher.same_site(url, base=settings.GITHUB_API_URL)
        response = fetcher.response(url, conditional=pages == 0)
        pages += 1
        if response.status_code == 304:
            return None
        if response.status_code != 204:
            contributors = fetcher.parse(_Contributors, response, url).root
            logins += [c.login for c in contributors if c.login]
        url = response.links.get("next", {}).get("url")
    if url is not None:
        logger.warning("GitHub %s/%s: stopped after %d contributor pages", owner, name, pages)
    return logins


def _commits_summary_get(
    fetcher: ConditionalFetcher, *, owner: str, name: str
) -> tuple[datetime | None, int | None]:
    """(time of the newest commit on the default branch, number of commits on it).

    With `per_page=1` the page number of the `rel="last"` link is the commit count; without
    a Link header there is one page, so the count is the list's length. (None, None) when
    unchanged (304); (None, 0) for an empty repository (409 "Git Repository is empty").
    """
    # Reference: https://docs.github.com/en/rest/commits/commits#list-commits
    url = _repo_url(owner, name, "/commits?per_page=1")
    response = fetcher.response(url, accept=frozenset({409}))
    if response.status_code == 304:
        return None, None
    if response.status_code == 409:
        return None, 0
    commits = fetcher.parse(_Commits, response, url).root
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


def github_fetcher(
    client: HttpClient,
    *,
    etags: Mapping[str, str],
    token: str | None,
    now: datetime | None,
    budget: RateBudget | None,
    **options: Any,
) -> ConditionalFetcher:
    """A ConditionalFetcher for GitHub's REST API: its media type and API version, the
    token (settings.GITHUB_TOKEN when `token` is None; none when ""), and the shared
    rate budget. `options` go to ConditionalFetcher (e.g. `max_redirects`)."""
    token = settings.GITHUB_TOKEN if token is None else token
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return ConditionalFetcher(
        client,
        etags=etags,
        headers=headers,
        now=now or timezone.now(),
        source="GitHub",
        budget=budget,
        **options,
    )


def github_repo_fetch(
    client: HttpClient,
    *,
    owner: str,
    name: str,
    etags: Mapping[str, str],
    budget: RateBudget | None = None,
    token: str | None = None,
    now: datetime | None = None,
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
    fetcher = github_fetcher(
        client, etags=etags, token=token, now=now, budget=budget, max_redirects=MAX_REDIRECTS
    )
    repo = _repo_get(fetcher, owner=owner, name=name)
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
            is_fork=repo.fork,
        )
        if repo.full_name.lower() != f"{owner}/{name}".lower():
            moved_to = repo.html_url
            owner, name = repo.full_name.split("/", 1)
    commits_over_52 = _commit_activity_get(fetcher, owner=owner, name=name)
    participants = _contributors_list(fetcher, owner=owner, name=name)
    last_commit_at, total_commits = _commits_summary_get(fetcher, owner=owner, name=name)
    return RepoFetch(
        info=info,
        commits_over_52=commits_over_52,
        participants=participants,
        last_commit_at=last_commit_at,
        total_commits=total_commits,
        moved_to=moved_to,
        etags=fetcher.etags,
        requests=fetcher.requests,
        not_modified=fetcher.not_modified,
    )
