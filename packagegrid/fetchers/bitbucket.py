"""Bitbucket Cloud REST API 2.0 client: a repository, its watchers, forks and recent commits.

Network only: returns a `RepoFetch`, never touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from pydantic import AwareDatetime, BaseModel

from packagegrid.fetchers.conditional import Answer, ConditionalFetcher, commit_pages_activity
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.types import RepoFetch, RepoInfo
from packagegrid.lib.weeks import WINDOW, Commit

PAGELEN = 100
# Commits are read newest first until one is older than 52 weeks, but never more than
# this many pages: a very busy repository's oldest weeks are then under-counted.
MAX_COMMIT_PAGES = 10
_EMAIL = re.compile(r"\s*<[^>]*>\s*$")


class _Branch(BaseModel):
    name: str


class _Link(BaseModel):
    href: str


class _Links(BaseModel):
    html: _Link | None = None


class _Repository(BaseModel):
    full_name: str
    description: str | None = None
    updated_on: AwareDatetime | None = None
    # None for a repository without any commits.
    mainbranch: _Branch | None = None
    website: str | None = None
    links: _Links | None = None


class _Count(BaseModel):
    """A paginated list asked with pagelen=1 just for its total, `size`."""

    size: int


class _User(BaseModel):
    nickname: str | None = None


class _Author(BaseModel):
    raw: str = ""
    user: _User | None = None


class _Commit(BaseModel):
    date: AwareDatetime
    author: _Author | None = None


class _Commits(BaseModel):
    values: list[_Commit]
    next: str | None = None


def bitbucket_repo_fetch(
    client: HttpClient,
    *,
    workspace: str,
    slug: str,
    etags: Mapping[str, str],
    now: datetime | None = None,
) -> RepoFetch:
    """Fetch a Bitbucket Cloud repository `workspace/slug`.

    `info` combines three answers: the repository (description, `updated_on` as
    `pushed_at`, main branch, website as homepage), the watcher count (as stars: Bitbucket
    has no stars) and the fork count. It is None only when all three answer 304; when
    only some do, those are asked again without ETag. Bitbucket has no archived flag,
    licence or open-issue count here: `archived` is False, `license` "", `open_issues`
    None. `moved_to` is the repository's page when Bitbucket answers for another name.

    The commits (newest first, up to MAX_COMMIT_PAGES pages, until one is older than 52
    weeks) give `commits_over_52`, `last_commit_at` and `participants`: Bitbucket user
    nicknames, else the author's name without the e-mail address, most commits first
    (see `commit_activity`). All three are None when the first commits page answers 304.

    Raises FetchFailed (see `ConditionalFetcher.get`).
    """
    now = now or timezone.now()
    fetcher = ConditionalFetcher(client, etags=etags, now=now)
    base = settings.BITBUCKET_API_URL
    repo_url = f"{base}/repositories/{workspace}/{slug}"

    info, moved_to = _info(fetcher, repo_url, full_name=f"{workspace}/{slug}")

    def next_url(answer: Answer[_Commits]) -> str | None:
        if any(now - commit.date >= WINDOW for commit in answer.data.values):
            return None
        return answer.data.next

    # Reference: https://developer.atlassian.com/cloud/bitbucket/rest/api-group-commits/#api-repositories-workspace-repo-slug-commits-get
    activity = commit_pages_activity(
        fetcher,
        f"{repo_url}/commits?pagelen={PAGELEN}",
        _Commits,
        commits=lambda page: page.values,
        commit=lambda c: Commit(at=c.date, author=_author(c)),
        next_url=next_url,
        base=base,
        max_pages=MAX_COMMIT_PAGES,
        latest_url=None,
        now=now,
    )
    return fetcher.repo_fetch(
        info=info,
        moved_to=moved_to,
        activity=activity,
        participants=activity.participants if activity else None,
    )


def _info(
    fetcher: ConditionalFetcher, repo_url: str, *, full_name: str
) -> tuple[RepoInfo | None, str | None]:
    # Reference: https://developer.atlassian.com/cloud/bitbucket/rest/api-group-repositories/#api-repositories-workspace-repo-slug-get
    repo_get = fetcher.get(repo_url, _Repository)
    # Reference: https://developer.atlassian.com/cloud/bitbucket/rest/api-group-repositories/#api-repositories-workspace-repo-slug-watchers-get
    watchers_get = fetcher.get(f"{repo_url}/watchers?pagelen=1", _Count)
    # Reference: https://developer.atlassian.com/cloud/bitbucket/rest/api-group-repositories/#api-repositories-workspace-repo-slug-forks-get
    forks_get = fetcher.get(f"{repo_url}/forks?pagelen=1", _Count)
    if repo_get is None and watchers_get is None and forks_get is None:
        return None, None
    # Some changed, some did not: RepoInfo is all or nothing, so fetch the unchanged ones.
    repo_get = repo_get or fetcher.require(repo_url, _Repository)
    watchers_get = watchers_get or fetcher.require(f"{repo_url}/watchers?pagelen=1", _Count)
    forks_get = forks_get or fetcher.require(f"{repo_url}/forks?pagelen=1", _Count)
    repo = repo_get.data
    info = RepoInfo(
        stars=watchers_get.data.size,
        forks=forks_get.data.size,
        description=repo.description or "",
        archived=False,
        license="",
        open_issues=None,
        default_branch=repo.mainbranch.name if repo.mainbranch else "",
        homepage=repo.website or "",
        pushed_at=repo.updated_on,
    )
    moved = repo.full_name.lower() != full_name.lower()
    html = repo.links.html.href if repo.links and repo.links.html else None
    return info, html if moved else None


def _author(commit: _Commit) -> str:
    """The Bitbucket nickname, else the raw `Name <email>` without the address."""
    author = commit.author
    if author is None:
        return ""
    if author.user and author.user.nickname:
        return author.user.nickname
    return _EMAIL.sub("", author.raw).strip()
