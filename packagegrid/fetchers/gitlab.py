"""GitLab REST API v4 client: a project, its last 52 weeks of commits and its contributors.

Network only: returns a `RepoFetch`, never touches the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote, urlencode

import httpx
from django.conf import settings
from django.utils import timezone
from pydantic import AwareDatetime, BaseModel, RootModel

from packagegrid.fetchers.conditional import Answer, ConditionalFetcher, commit_pages_activity
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.types import RepoFetch, RepoInfo
from packagegrid.lib.weeks import Commit, CommitActivity, iso_z, window_start

PER_PAGE = 100
# Bounds on requests per repository: 5,000 commits a year, 1,000 contributors.
MAX_COMMIT_PAGES = 50
MAX_CONTRIBUTOR_PAGES = 10


class _License(BaseModel):
    key: str | None = None
    name: str | None = None
    nickname: str | None = None


class _Project(BaseModel):
    path_with_namespace: str
    web_url: str
    description: str | None = None
    star_count: int
    forks_count: int
    archived: bool
    # Absent when the project has its issue tracker switched off.
    open_issues_count: int | None = None
    # None for an empty repository.
    default_branch: str | None = None
    last_activity_at: AwareDatetime | None = None
    license: _License | None = None


class _Commit(BaseModel):
    committed_date: AwareDatetime
    author_name: str = ""


class _Commits(RootModel[list[_Commit]]):
    pass


class _Contributor(BaseModel):
    name: str
    commits: int


class _Contributors(RootModel[list[_Contributor]]):
    pass


def gitlab_repo_fetch(
    client: HttpClient,
    *,
    path: str,
    etags: Mapping[str, str],
    token: str | None = None,
    now: datetime | None = None,
) -> RepoFetch:
    """Fetch a GitLab project by its path (`group/project` or `group/sub/project`).

    Asks for three sections, each conditionally with the ETag stored for its URL:
    the project (`info`; `moved_to` is its `web_url` when GitLab answers for a path other
    than `path`), the commits since 52 weeks ago (`commits_over_52` and `last_commit_at`;
    with no commit in that window, one more request reads the latest commit's date), and
    the contributors (`participants`: names, since GitLab has no logins there, most commits
    first). A section answered 304 is None. `token` defaults to `settings.GITLAB_TOKEN`
    and is sent as `PRIVATE-TOKEN` when set.

    Raises FetchFailed (see `ConditionalFetcher.get`); RateLimitExhausted when GitLab's
    limit is spent (a 429 that outlasts the retries, or a 403 with `RateLimit-Remaining: 0`).
    """
    now = now or timezone.now()
    token = settings.GITLAB_TOKEN if token is None else token
    fetcher = ConditionalFetcher(
        client, etags=etags, headers={"PRIVATE-TOKEN": token} if token else None, now=now
    )
    base = settings.GITLAB_API_URL
    # Nested groups are one URL-encoded id: group%2Fsub%2Fproject.
    project_url = f"{base}/projects/{quote(path, safe='')}"

    # Reference: https://docs.gitlab.com/api/projects/#get-a-single-project
    project = fetcher.get(f"{project_url}?license=true", _Project)
    info, moved_to = (None, None) if project is None else _info(project.data, path)
    activity = _commit_activity(fetcher, project_url, base=base, now=now)
    participants = _participants(fetcher, project_url, base=base)
    return fetcher.repo_fetch(
        info=info, moved_to=moved_to, activity=activity, participants=participants
    )


def _info(project: _Project, path: str) -> tuple[RepoInfo, str | None]:
    licence = project.license
    info = RepoInfo(
        stars=project.star_count,
        forks=project.forks_count,
        description=project.description or "",
        archived=project.archived,
        license=(licence.key or licence.nickname or licence.name or "") if licence else "",
        open_issues=project.open_issues_count,
        default_branch=project.default_branch or "",
        homepage="",  # GitLab projects have no homepage field.
        pushed_at=project.last_activity_at,
    )
    # GitLab paths are case-insensitive; only a real rename is a move.
    moved = project.path_with_namespace.lower() != path.strip("/").lower()
    return info, project.web_url if moved else None


def _next_page(answer: Answer[_Commits] | Answer[_Contributors]) -> str | None:
    """The next page from the `Link` header, else from `X-Next-Page` (empty on the last)."""
    link = answer.response.links.get("next", {}).get("url")
    if link:
        return link
    page = answer.response.headers.get("X-Next-Page", "").strip()
    if page:
        return str(httpx.URL(answer.url).copy_set_param("page", page))
    return None


def _commit_activity(
    fetcher: ConditionalFetcher, project_url: str, *, base: str, now: datetime
) -> CommitActivity | None:
    query = urlencode({"since": iso_z(window_start(now)), "per_page": PER_PAGE})
    # Reference: https://docs.gitlab.com/api/commits/#list-repository-commits
    return commit_pages_activity(
        fetcher,
        f"{project_url}/repository/commits?{query}",
        _Commits,
        commits=lambda page: page.root,
        commit=lambda c: Commit(at=c.committed_date, author=c.author_name),
        next_url=_next_page,
        base=base,
        max_pages=MAX_COMMIT_PAGES,
        latest_url=f"{project_url}/repository/commits?per_page=1",
        now=now,
    )


def _participants(fetcher: ConditionalFetcher, project_url: str, *, base: str) -> list[str] | None:
    query = urlencode({"order_by": "commits", "sort": "desc", "per_page": PER_PAGE})
    # Reference: https://docs.gitlab.com/api/repositories/#contributors
    pages = fetcher.pages(
        f"{project_url}/repository/contributors?{query}",
        _Contributors,
        next_url=_next_page,
        base=base,
        max_pages=MAX_CONTRIBUTOR_PAGES,
    )
    if pages is None:
        return None
    # GitLab lists one entry per name and e-mail address: merge a person's addresses.
    commits: Counter[str] = Counter()
    for page in pages:
        for contributor in page.root:
            if contributor.name:
                commits[contributor.name] += contributor.commits
    return [name for name, _ in commits.most_common()]
