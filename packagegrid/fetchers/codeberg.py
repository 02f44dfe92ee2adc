"""Codeberg (Forgejo / Gitea API v1) client: a repository and its last 52 weeks of commits.

Network only: returns a `RepoFetch`, never touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.utils import timezone
from pydantic import AwareDatetime, BaseModel, RootModel

from packagegrid.fetchers.conditional import Answer, ConditionalFetcher, commit_pages_activity
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.types import RepoFetch, RepoInfo
from packagegrid.lib.weeks import Commit, iso_z, window_start

# Forgejo's default maximum page size (MAX_RESPONSE_ITEMS) is 50.
LIMIT = 50
# At most 2,000 commits a year are read; a busier repository's oldest weeks are under-counted.
MAX_COMMIT_PAGES = 40
# Commit lists without the expensive extras.
_LEAN = {"stat": "false", "verification": "false", "files": "false"}


class _Repository(BaseModel):
    full_name: str
    html_url: str
    description: str | None = None
    stars_count: int
    forks_count: int
    archived: bool
    open_issues_count: int | None = None
    default_branch: str | None = None
    website: str | None = None
    updated_at: AwareDatetime | None = None
    # SPDX ids; only in Gitea >= 1.22 and the Forgejo versions that adopted it.
    licenses: list[str] | None = None


class _Signature(BaseModel):
    name: str = ""
    date: AwareDatetime


class _GitCommit(BaseModel):
    author: _Signature
    committer: _Signature


class _User(BaseModel):
    login: str = ""


class _Commit(BaseModel):
    commit: _GitCommit
    # The forge account matching the author's e-mail address; None when there is none.
    author: _User | None = None


class _Commits(RootModel[list[_Commit]]):
    pass


def codeberg_repo_fetch(
    client: HttpClient,
    *,
    owner: str,
    name: str,
    etags: Mapping[str, str],
    now: datetime | None = None,
) -> RepoFetch:
    """Fetch a Codeberg (or any Forgejo / Gitea) repository `owner/name`.

    `info` comes from the repository (website as homepage, `updated_at` as `pushed_at`,
    the first of `licenses` when the forge reports them, else ""); `moved_to` is its
    page when the forge answers for another name. The commits since 52 weeks ago give
    `commits_over_52`, `last_commit_at` and `participants` (the author's forge login,
    else the name in the commit, most commits first; see `commit_activity`); with no
    commit in that window one more request reads the latest commit. Each section is None
    when its first request answers 304.

    Raises FetchFailed (see `ConditionalFetcher.get`).
    """
    now = now or timezone.now()
    fetcher = ConditionalFetcher(client, etags=etags, now=now)
    base = settings.CODEBERG_API_URL
    repo_url = f"{base}/repos/{owner}/{name}"

    # Reference: https://codeberg.org/api/swagger#/repository/repoGet
    repo = fetcher.get(repo_url, _Repository)
    info, moved_to = (None, None) if repo is None else _info(repo.data, f"{owner}/{name}")

    query = urlencode({"since": iso_z(window_start(now)), "limit": LIMIT, "page": 1, **_LEAN})
    latest_query = urlencode({"limit": 1, **_LEAN})
    # Reference: https://codeberg.org/api/swagger#/repository/repoGetAllCommits
    activity = commit_pages_activity(
        fetcher,
        f"{repo_url}/commits?{query}",
        _Commits,
        commits=lambda page: page.root,
        commit=lambda c: Commit(at=c.commit.committer.date, author=_author(c)),
        next_url=_next_page,
        base=base,
        max_pages=MAX_COMMIT_PAGES,
        latest_url=f"{repo_url}/commits?{latest_query}",
        now=now,
    )
    return fetcher.repo_fetch(
        info=info,
        moved_to=moved_to,
        activity=activity,
        participants=activity.participants if activity else None,
    )


def _info(repo: _Repository, full_name: str) -> tuple[RepoInfo, str | None]:
    info = RepoInfo(
        stars=repo.stars_count,
        forks=repo.forks_count,
        description=repo.description or "",
        archived=repo.archived,
        license=repo.licenses[0] if repo.licenses else "",
        open_issues=repo.open_issues_count,
        default_branch=repo.default_branch or "",
        homepage=repo.website or "",
        pushed_at=repo.updated_at,
    )
    moved = repo.full_name.lower() != full_name.lower()
    return info, repo.html_url if moved else None


def _next_page(answer: Answer[_Commits]) -> str | None:
    """The next page number, unless this page was short or `X-HasMore` says it was last."""
    if len(answer.data.root) < LIMIT:
        return None
    if answer.response.headers.get("X-HasMore", "").strip().lower() == "false":
        return None
    url = httpx.URL(answer.url)
    page = int(url.params.get("page", "1"))
    return str(url.copy_set_param("page", page + 1))


def _author(commit: _Commit) -> str:
    if commit.author and commit.author.login:
        return commit.author.login
    return commit.commit.author.name
