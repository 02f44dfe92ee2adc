"""Typed results of fetching: what the network said, before anything touches the database.

A client returns one of these; `packagegrid.fetchers.services` applies it. A section that
is None means "nothing new": the source answered 304 Not Modified, said the numbers are
still being computed (GitHub's 202), or does not offer that fact. The apply step keeps
the stored value then, so good data is never replaced by empty data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class FetchFailed(Exception):
    """A source could not be read for one package.

    `reason` is a short machine-readable word for summaries ("timeout", "server_error",
    "rate_limited", "not_found", "malformed", "unsupported"); `permanent` says whether
    asking again soon can help; `retry_at` is when a rate limit resets, if known.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        permanent: bool = False,
        retry_at: datetime | None = None,
        requests: int = 0,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.permanent = permanent
        self.retry_at = retry_at
        self.requests = requests


class RateLimitExhausted(FetchFailed):
    """The source's request budget is spent until `retry_at`: stop asking it."""

    def __init__(self, message: str, *, retry_at: datetime | None, requests: int = 0) -> None:
        super().__init__(
            message, reason="rate_limited", permanent=False, retry_at=retry_at, requests=requests
        )


@dataclass(frozen=True)
class RepoInfo:
    """The repository's own record (GitHub `GET /repos/{owner}/{repo}` and equivalents)."""

    stars: int
    forks: int
    description: str
    archived: bool
    license: str  # SPDX id when the host knows it, else its name, else ""
    open_issues: int | None
    default_branch: str
    homepage: str
    pushed_at: datetime | None


@dataclass(frozen=True)
class RepoFetch:
    """Everything one code host said about one repository in one run."""

    info: RepoInfo | None = None
    # 52 weekly commit totals, oldest first, the current week last.
    commits_over_52: list[int] | None = None
    # Contributor logins (or display names where the host has no logins), most commits first.
    participants: list[str] | None = None
    last_commit_at: datetime | None = None
    total_commits: int | None = None
    # The canonical repository URL when the host says the repository moved (renamed).
    moved_to: str | None = None
    # ETag per requested URL, to send as If-None-Match next time.
    etags: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    not_modified: int = 0  # how many of the requests were answered 304


@dataclass(frozen=True)
class ReleaseInfo:
    version: str
    uploaded_at: datetime | None  # earliest upload time among the release's files
    yanked: bool
    yanked_reason: str = ""
    requires_python: str = ""  # the first file's that declares one
    is_prerelease: bool = False  # PEP 440 pre/dev release; False for unreadable versions


@dataclass(frozen=True)
class AdvisoryInfo:
    """One entry of PyPI's `vulnerabilities` (advisories against the latest version)."""

    id: str
    aliases: list[str]
    summary: str  # PyPI's summary, else the start of its details
    fixed_in: list[str]
    link: str
    withdrawn: datetime | None


@dataclass(frozen=True)
class PyPIProject:
    """What PyPI's JSON API says about one project (None when unchanged, 304)."""

    name: str
    summary: str
    latest_version: str | None  # the newest non-yanked release by upload time
    releases: list[ReleaseInfo]
    classifiers: list[str]
    requires_python: str
    license: str  # normalised by packagegrid.lib.licenses.pypi_license (SPDX where it applies)
    development_status: str  # "5 - Production/Stable", from the classifiers
    project_urls: dict[str, str]
    documentation_url: str  # from project_urls (Documentation/Docs) or docs_url, else ""
    requires_dist: list[str] = field(default_factory=list)  # PEP 508 strings as given
    license_expression: str = ""  # PEP 639, as declared
    advisories: list[AdvisoryInfo] = field(default_factory=list)


@dataclass(frozen=True)
class PyPIFetch:
    project: PyPIProject | None = None
    etags: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    not_modified: int = 0
