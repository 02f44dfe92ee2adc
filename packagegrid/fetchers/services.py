"""Apply fetched data to the database: explicit fields, never empty over good data.

Each function takes typed results from a client (`packagegrid.fetchers.types`) and only
touches the database; nothing here does network I/O.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from packagegrid.catalog.models import Package, PyPIData, Release, RepoData, Snapshot
from packagegrid.fetchers.models import FetchState
from packagegrid.fetchers.types import FetchFailed, PyPIFetch, ReleaseInfo, RepoFetch
from packagegrid.health.services import package_apply_advisories, package_apply_compatibility
from packagegrid.search.services import search_index_deferred, search_index_package

# After the n-th consecutive failure a package waits BACKOFF_BASE * 2**(n-1), at most
# BACKOFF_MAX, before it is tried again; it is never dropped.
BACKOFF_BASE = timedelta(hours=1)
BACKOFF_MAX = timedelta(days=7)


def failure_backoff(consecutive_failures: int) -> timedelta:
    """How long to wait after `consecutive_failures` failures in a row (>= 1)."""
    exponent = min(consecutive_failures - 1, 16)
    backoff: timedelta = BACKOFF_BASE * 2**exponent
    return min(backoff, BACKOFF_MAX)


def _state(package: Package, source: str) -> FetchState:
    state, _ = FetchState.objects.get_or_create(package=package, source=source)
    return state


def _update_fields(instance: RepoData | PyPIData, values: dict[str, object]) -> list[str]:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


@transaction.atomic
@search_index_deferred()  # the package's search document is rewritten once, at the end
def package_apply_repo(
    *, package: Package, source: str, fetch: RepoFetch, now: datetime | None = None
) -> bool:
    """Write what a code host said onto the package's RepoData; return whether data changed.

    Sections that are None (304, "still computing") keep their stored values. A moved
    repository updates `Package.repo_url`. Records success on the package's FetchState.
    """
    now = now or timezone.now()
    repo, _ = RepoData.objects.get_or_create(package=package)
    values: dict[str, object] = {}
    if fetch.info is not None:
        values.update(
            stars=fetch.info.stars,
            forks=fetch.info.forks,
            description=fetch.info.description,
            archived=fetch.info.archived,
            license=fetch.info.license,
            open_issues=fetch.info.open_issues,
            default_branch=fetch.info.default_branch,
            homepage=fetch.info.homepage,
        )
    if fetch.commits_over_52 is not None:
        values["commits_over_52"] = fetch.commits_over_52
    if fetch.participants is not None:
        values["participants"] = fetch.participants
    if fetch.last_commit_at is not None:
        values["last_commit_at"] = fetch.last_commit_at
    changed = _update_fields(repo, values)
    repo.fetched_at = now
    repo.save(update_fields=[*changed, "fetched_at"])
    if fetch.moved_to and fetch.moved_to != package.repo_url:
        package.repo_url = fetch.moved_to
        package.save(update_fields=["repo_url"])
        changed.append("repo_url")
    _record_success(package, source, fetch.etags, now)
    return bool(changed)


@transaction.atomic
@search_index_deferred()  # the package's search document is rewritten once, at the end
def package_apply_pypi(*, package: Package, fetch: PyPIFetch, now: datetime | None = None) -> bool:
    """Write what PyPI said onto PyPIData and the releases; return whether data changed.

    A 304 (no project in `fetch`) keeps everything. Releases are added or updated, never
    deleted (PyPI keeps deleted releases out of its JSON, but our history keeps them).
    """
    now = now or timezone.now()
    changed: list[str] = []
    project = fetch.project
    if project is not None:
        pypi, _ = PyPIData.objects.get_or_create(package=package)
        changed = _update_fields(
            pypi,
            {
                "latest_version": project.latest_version,
                "summary": project.summary,
                "classifiers": project.classifiers,
                "requires_python": project.requires_python,
                "license": project.license,
                "development_status": project.development_status,
                "project_urls": project.project_urls,
                "requires_dist": project.requires_dist,
                "license_expression": project.license_expression,
            },
        )
        pypi.fetched_at = now
        pypi.save(update_fields=[*changed, "fetched_at"])
        releases_changed = _apply_releases(package, project.releases)
        if package_apply_advisories(package=package, advisories=project.advisories):
            changed.append("advisories")
        if package_apply_compatibility(
            package=package,
            classifiers=project.classifiers,
            requires_python=project.requires_python,
            requires_dist=project.requires_dist,
        ):
            changed.append("compatibility")
        if releases_changed:  # bulk writes send no signals: the latest release date changed
            search_index_package(package_id=package.pk)
        changed += releases_changed
    _record_success(package, "pypi", fetch.etags, now)
    return bool(changed)


# What a stored Release mirrors from a ReleaseInfo.
_RELEASE_FIELDS = ("uploaded_at", "yanked", "yanked_reason", "requires_python", "is_prerelease")


def _apply_releases(package: Package, releases: list[ReleaseInfo]) -> list[str]:
    stored = {r.version: r for r in Release.objects.filter(package=package)}
    new, updated = [], []
    for info in releases:
        release = stored.get(info.version)
        values = {name: getattr(info, name) for name in _RELEASE_FIELDS}
        if release is None:
            new.append(Release(package=package, version=info.version, **values))
        elif any(getattr(release, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(release, name, value)
            updated.append(release)
    Release.objects.bulk_create(new)
    Release.objects.bulk_update(updated, list(_RELEASE_FIELDS))
    return ["releases"] if new or updated else []


def _record_success(package: Package, source: str, etags: dict[str, str], now: datetime) -> None:
    state = _state(package, source)
    state.etags = etags
    state.last_success_at = now
    state.error_count = 0
    state.next_attempt_at = None
    state.needs_review = False
    state.save(
        update_fields=["etags", "last_success_at", "error_count", "next_attempt_at", "needs_review"]
    )


@transaction.atomic
def package_record_failure(
    *, package: Package, source: str, error: FetchFailed, now: datetime | None = None
) -> FetchState:
    """Record a failed fetch; stored data is left exactly as it was.

    Counts consecutive failures and schedules the next attempt with exponential backoff
    (or at the rate limit's reset). "not_found" marks the package for staff review; it
    does not deprecate it.
    """
    now = now or timezone.now()
    state = _state(package, source)
    state.error_count += 1
    state.last_error_at = now
    state.last_error = f"{error.reason}: {error}"[:2000]
    state.next_attempt_at = error.retry_at or now + failure_backoff(state.error_count)
    if error.reason == "not_found":
        state.needs_review = True
    state.save(
        update_fields=[
            "error_count",
            "last_error_at",
            "last_error",
            "next_attempt_at",
            "needs_review",
        ]
    )
    return state


@transaction.atomic
def package_finish_fetch(*, package: Package, now: datetime | None = None) -> Snapshot:
    """Stamp `last_fetched` and record a snapshot of the numbers for trends."""
    now = now or timezone.now()
    package.last_fetched = now
    package.save(update_fields=["last_fetched"])
    repo = RepoData.objects.filter(package=package).first()
    pypi = PyPIData.objects.filter(package=package).first()
    return Snapshot.objects.create(
        package=package,
        taken_at=now,
        stars=repo.stars if repo else 0,
        forks=repo.forks if repo else 0,
        commits_over_52=sum(repo.commits_over_52) if repo else 0,
        latest_version=(pypi.latest_version or "") if pypi else "",
    )


class RefreshRefused(Exception):
    """A refresh request over its rate limit; the message says when to try again."""


REFRESH_PER_USER_PER_HOUR = 10
REFRESH_PACKAGE_INTERVAL = timedelta(minutes=10)


def package_request_refresh(*, package: Package, user: AbstractBaseUser | AnonymousUser) -> None:
    """Enqueue a background fetch of `package` for a person.

    Each person may ask REFRESH_PER_USER_PER_HOUR times an hour, and a package is
    refreshed at most once per REFRESH_PACKAGE_INTERVAL whoever asks. Raises
    RefreshRefused (and enqueues nothing) beyond that.
    """
    from django.core.cache import cache

    from packagegrid.fetchers.tasks import enqueue_package_fetch

    package_key = f"refresh:package:{package.pk}"
    user_key = f"refresh:user:{user.pk}"
    if not cache.add(package_key, 1, timeout=int(REFRESH_PACKAGE_INTERVAL.total_seconds())):
        raise RefreshRefused(
            f"{package.title} was refreshed a moment ago; try again in a few minutes."
        )
    cache.add(user_key, 0, timeout=3600)
    if cache.incr(user_key) > REFRESH_PER_USER_PER_HOUR:
        cache.delete(package_key)
        raise RefreshRefused("You have asked for many refreshes this hour; try again later.")
    enqueue_package_fetch(package.pk)
