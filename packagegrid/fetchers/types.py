"""Typed results of fetching: what the network said, before anything touches the database.

A client returns one of these; `packagegrid.fetchers.services` applies it. A section that
is None means "nothing new": the source answered 304 Not Modified, said the numbers are
still being computed (GitHub's 202), or does not offer that fact. The apply step keeps
the stored value then, so good data is never replaced by empty data.

These are pydantic dataclasses: building one validates every value against the bounds of
the column it is stored in (the `MAX_...` bounds below), so data that cannot be stored fails that
package's fetch with "invalid_data" (see `invalid_data`) before anything is applied,
instead of failing the database write and the run. Text without a natural bound goes to
TextFields, stored whole, and is bounded only against garbage (`MAX_TEXT`).
"""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from typing import Annotated

from pydantic import Field, NonNegativeInt, ValidationError
from pydantic.dataclasses import dataclass

# Column sizes of the fields these values are stored in (catalog.models); a test keeps them
# equal. A longer value is refused, not cut: a cut licence, branch, URL or version would be
# a different, wrong value.
MAX_REPO_LICENSE = 100  # RepoData.license
MAX_BRANCH = 255  # RepoData.default_branch
MAX_URL = 500  # RepoData.homepage, Package.repo_url (a moved repository)
MAX_VERSION = 100  # Release.version, PyPIData.latest_version
MAX_PYPI_LICENSE = 255  # PyPIData.license
MAX_DEVELOPMENT_STATUS = 50  # PyPIData.development_status
# TextFields (descriptions, summaries, `requires_python`) are stored whole; this only
# refuses values no source sends for real (PyPI caps a summary at 512 characters).
MAX_TEXT = 10_000
MAX_REQUIRES_PYTHON = 1_000

RepoLicense = Annotated[str, Field(max_length=MAX_REPO_LICENSE)]
Branch = Annotated[str, Field(max_length=MAX_BRANCH)]
Url = Annotated[str, Field(max_length=MAX_URL)]
Version = Annotated[str, Field(max_length=MAX_VERSION)]
PyPILicense = Annotated[str, Field(max_length=MAX_PYPI_LICENSE)]
DevelopmentStatus = Annotated[str, Field(max_length=MAX_DEVELOPMENT_STATUS)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
RequiresPython = Annotated[str, Field(max_length=MAX_REQUIRES_PYTHON)]


class FetchFailed(Exception):
    """A source could not be read for one package.

    `reason` is a short machine-readable word for summaries ("timeout", "server_error",
    "rate_limited", "not_found", "malformed", "unsupported", "invalid_data" for values that
    cannot be stored, "unapplicable" for a write the database refused, "invalid_repo_url");
    `permanent` says whether asking again soon can help; `retry_at` is when a rate limit
    resets, if known.
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


def invalid_data(source: str, exc: ValidationError) -> FetchFailed:
    """The failure recorded when a source's answer cannot be stored (permanent until the
    source changes it): each offending field with the rule it broke, never the value,
    which may be very long.
    """
    problems = "; ".join(
        f"{'.'.join([exc.title, *(str(part) for part in error['loc'])])}: {error['msg']}"
        for error in exc.errors(include_url=False, include_input=False)
    )
    return FetchFailed(
        f"{source} sent data that cannot be stored ({problems})",
        reason="invalid_data",
        permanent=True,
    )


class RateLimitExhausted(FetchFailed):
    """The source's request budget is spent until `retry_at`: stop asking it."""

    def __init__(self, message: str, *, retry_at: datetime | None, requests: int = 0) -> None:
        super().__init__(
            message, reason="rate_limited", permanent=False, retry_at=retry_at, requests=requests
        )


@dataclass(frozen=True)
class RepoInfo:
    """The repository's own record (GitHub `GET /repos/{owner}/{repo}` and equivalents)."""

    stars: NonNegativeInt
    forks: NonNegativeInt
    description: Text
    archived: bool
    license: RepoLicense  # SPDX id when the host knows it, else its name, else ""
    open_issues: NonNegativeInt | None
    default_branch: Branch
    homepage: Url
    pushed_at: datetime | None
    is_fork: bool = False  # a fork of another repository (hosts that say so)


@dataclass(frozen=True)
class RepoFetch:
    """Everything one code host said about one repository in one run."""

    info: RepoInfo | None = None
    # 52 weekly commit totals, oldest first, the current week last.
    commits_over_52: list[NonNegativeInt] | None = None
    # Contributor logins (or display names where the host has no logins), most commits first.
    participants: list[str] | None = None
    last_commit_at: datetime | None = None
    total_commits: NonNegativeInt | None = None
    # The canonical repository URL when the host says the repository moved (renamed).
    moved_to: Url | None = None
    # ETag per requested URL, to send as If-None-Match next time.
    etags: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    not_modified: int = 0  # how many of the requests were answered 304


@dataclass(frozen=True)
class ReleaseInfo:
    version: Version
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
    summary: Text
    latest_version: Version | None  # the newest non-yanked release by upload time
    releases: list[ReleaseInfo]
    classifiers: list[str]
    requires_python: RequiresPython
    license: PyPILicense  # normalised by lib.licenses.pypi_license (SPDX where it applies)
    development_status: DevelopmentStatus  # "5 - Production/Stable", from the classifiers
    project_urls: dict[str, str]
    documentation_url: str  # from project_urls (Documentation/Docs) or docs_url, else ""
    keywords: str = ""  # "django, rest, api": the author's keywords, comma-separated
    requires_dist: list[str] = field(default_factory=list)  # PEP 508 strings as given
    license_expression: str = ""  # PEP 639, as declared
    advisories: list[AdvisoryInfo] = field(default_factory=list)
    # PEP 792's marker ("" when PyPI states none) and its reason, see pypi_project_read.
    project_status: str = ""
    project_status_reason: str = ""
    # The README (long description), as given, and its declared content type ("" when
    # none); discovery reads it, package_apply_pypi renders and stores it.
    description: str = ""
    description_content_type: str = ""
    last_serial: int | None = None  # PyPI's serial of the project's latest change


@dataclass(frozen=True)
class PyPIFetch:
    project: PyPIProject | None = None
    etags: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    not_modified: int = 0
