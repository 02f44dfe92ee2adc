"""Apply fetched data to the database: explicit fields, never empty over good data.

Each function takes typed results from a client (`packagegrid.fetchers.types`) and only
touches the database; nothing here does network I/O.

An unchanged refresh writes only the FetchState row (when it was checked, its ETags):
fetched data, `Package.last_fetched` and snapshots are written only when a value changed,
so the package's content version (`packagegrid.caching`) moves only then.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from packagegrid.catalog.dependency_services import (
    dependencies_link_package,
    package_apply_dependencies,
)
from packagegrid.catalog.models import Package, PyPIData, Release, RepoData, Snapshot
from packagegrid.catalog.readme_services import package_apply_readme
from packagegrid.changes.models import Action, Kind
from packagegrid.changes.services import ChangeInfo, change_record, changes_record
from packagegrid.fetchers.state_services import package_record_success
from packagegrid.fetchers.types import PyPIFetch, ReleaseInfo, RepoFetch
from packagegrid.health.scores import package_health_recompute
from packagegrid.health.services import package_apply_advisories, package_apply_compatibility
from packagegrid.lib.repo_urls import repo_key_for_url
from packagegrid.search.services import search_index_deferred, search_index_package


def _update_fields(instance: RepoData | PyPIData, values: dict[str, object]) -> list[str]:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _repo_url_free(repo_url: str, package: Package) -> bool:
    """Whether `package` may move to `repo_url`: it parses and no other package lists it
    (a move onto a listed repository would break the unique repository key)."""
    key = repo_key_for_url(repo_url)
    return (
        key is not None and not Package.objects.filter(repo_key=key).exclude(pk=package.pk).exists()
    )


@transaction.atomic
@search_index_deferred()  # the package's search document is rewritten once, at the end
def package_apply_repo(
    *, package: Package, source: str, fetch: RepoFetch, now: datetime | None = None
) -> bool:
    """Write what a code host said onto the package's RepoData; return whether data changed.

    Sections that are None (304, "still computing") keep their stored values. A moved
    repository updates `Package.repo_url`. Records success on the package's FetchState.
    Nothing but the FetchState is written when no value changed (`fetched_at` is when the
    data last changed, not when it was last checked: see `FetchState.checked_at`).
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
            is_fork=fetch.info.is_fork,
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
    if changed:
        repo.fetched_at = now
        repo.save(update_fields=[*changed, "fetched_at"])
    if (
        fetch.moved_to
        and fetch.moved_to != package.repo_url
        and _repo_url_free(fetch.moved_to, package)
    ):
        package.repo_url = fetch.moved_to
        package.save(update_fields=["repo_url"])
        changed.append("repo_url")
    package_record_success(package=package, source=source, etags=fetch.etags, now=now)
    return bool(changed)


@transaction.atomic
@search_index_deferred()  # the package's search document is rewritten once, at the end
def package_apply_pypi(*, package: Package, fetch: PyPIFetch, now: datetime | None = None) -> bool:
    """Write what PyPI said onto PyPIData and the releases; return whether data changed.

    A 304 (no project in `fetch`) keeps everything. Releases are added or updated, never
    deleted (PyPI keeps deleted releases out of its JSON, but our history keeps them).
    The latest release's requirements become Dependency rows (rewritten only when
    changed), and other packages' requirements naming this package are linked to it.
    The README is rendered and stored when it changed (`package_apply_readme`).
    Nothing but the FetchState is written when no value changed.
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
                "keywords": project.keywords,
                "requires_dist": project.requires_dist,
                "license_expression": project.license_expression,
                "documentation_url": project.documentation_url,
                "project_status": project.project_status,
                "project_status_reason": project.project_status_reason,
            },
        )
        if changed:
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
        if package_apply_dependencies(package=package, requires_dist=project.requires_dist):
            changed.append("dependencies")
        if package_apply_readme(
            package=package,
            source=project.description,
            content_type=project.description_content_type,
            now=now,
        ):
            changed.append("readme")
        derived = [
            name for name in ("advisories", "compatibility", "dependencies") if name in changed
        ]
        if derived:
            change_record(
                kind=Kind.PACKAGE, object_id=package.pk, action=Action.UPDATE, fields=derived
            )
        # Requirements other packages stored before this one was listed now resolve to it.
        dependencies_link_package(package=package)
        if releases_changed:  # bulk writes send no signals: the latest release date changed
            search_index_package(package_id=package.pk)
        changed += releases_changed
    package_record_success(package=package, source="pypi", etags=fetch.etags, now=now)
    return bool(changed)


# What a stored Release mirrors from a ReleaseInfo.
_RELEASE_FIELDS = ("uploaded_at", "yanked", "yanked_reason", "requires_python", "is_prerelease")


def _apply_releases(package: Package, releases: list[ReleaseInfo]) -> list[str]:
    stored = {r.version: r for r in Release.objects.filter(package=package)}
    new: list[Release] = []
    updated: list[tuple[Release, list[str]]] = []
    for info in releases:
        release = stored.get(info.version)
        values = {name: getattr(info, name) for name in _RELEASE_FIELDS}
        if release is None:
            new.append(Release(package=package, version=info.version, **values))
            continue
        changed = [name for name, value in values.items() if getattr(release, name) != value]
        if changed:
            for name in changed:
                setattr(release, name, values[name])
            updated.append((release, changed))
    if new:
        Release.objects.bulk_create(new)
    if updated:
        Release.objects.bulk_update([release for release, _ in updated], list(_RELEASE_FIELDS))
    # Bulk writes send no signals: the change feed is told here.
    changes_record(
        [
            *(
                ChangeInfo(
                    Kind.RELEASE, r.pk, Action.CREATE, ["package", "version", *_RELEASE_FIELDS]
                )
                for r in new
            ),
            *(ChangeInfo(Kind.RELEASE, r.pk, Action.UPDATE, changed) for r, changed in updated),
        ]
    )
    return ["releases"] if new or updated else []


@transaction.atomic
def package_finish_fetch(*, package: Package, now: datetime | None = None) -> Snapshot | None:
    """After fetched data changed: stamp `last_fetched`, recompute the package's health
    (against the directory as it is now) and record the numbers' snapshot."""
    now = now or timezone.now()
    package.last_fetched = now
    package.save(update_fields=["last_fetched"])
    package_health_recompute([package.pk])
    return package_record_snapshot(package=package, now=now)


def package_record_snapshot(*, package: Package, now: datetime | None = None) -> Snapshot | None:
    """Record the package's numbers for trends, at most one snapshot a day.

    Returns the snapshot written, or None when the numbers equal the latest snapshot's.
    When today (UTC, `Snapshot.day_of`) already has one, it is updated to the new numbers
    and time rather than joined by another (the database allows one a day).
    """
    now = now or timezone.now()
    repo = RepoData.objects.filter(package=package).first()
    pypi = PyPIData.objects.filter(package=package).first()
    numbers = {
        "stars": repo.stars if repo else 0,
        "forks": repo.forks if repo else 0,
        "commits_over_52": sum(repo.commits_over_52) if repo else 0,
        "latest_version": (pypi.latest_version or "") if pypi else "",
    }
    latest = Snapshot.objects.filter(package=package).order_by("-taken_at", "-id").first()
    if latest is not None and all(getattr(latest, k) == v for k, v in numbers.items()):
        return None
    if latest is not None and Snapshot.day_of(latest.taken_at) == Snapshot.day_of(now):
        for name, value in numbers.items():
            setattr(latest, name, value)
        latest.taken_at = now
        latest.save(update_fields=[*numbers, "taken_at"])
        return latest
    return Snapshot.objects.create(package=package, taken_at=now, **numbers)


# Snapshot retention: every day's snapshot for SNAPSHOT_DAILY_FOR, then one a week (ISO
# weeks) until SNAPSHOT_WEEKLY_UNTIL, then one a month; the latest of each period is kept.
SNAPSHOT_DAILY_FOR = timedelta(days=90)
SNAPSHOT_WEEKLY_UNTIL = timedelta(days=730)
_PRUNE_BATCH = 1000


def snapshot_period(*, taken_at: datetime, now: datetime) -> str:
    """The retention period a snapshot falls in: "2026-12-06", "2026-W49" or "2026-12"."""
    day: date = Snapshot.day_of(taken_at)
    age = now - taken_at
    if age <= SNAPSHOT_DAILY_FOR:
        return day.isoformat()
    if age <= SNAPSHOT_WEEKLY_UNTIL:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day:%Y-%m}"


def snapshots_prune(*, now: datetime | None = None) -> int:
    """Keep the latest snapshot of each package in each retention period; delete the rest.

    Returns how many were deleted. Idempotent: a second run deletes nothing. A package's
    latest snapshot is always kept (it is the latest of its period).
    """
    now = now or timezone.now()
    rows = Snapshot.objects.order_by("package_id", "-taken_at", "-id").values_list(
        "id", "package_id", "taken_at"
    )
    doomed: list[int] = []
    package_id: int | None = None
    kept: set[str] = set()
    for snapshot_id, owner, taken_at in rows.iterator(chunk_size=5000):
        if owner != package_id:
            package_id, kept = owner, set()
        period = snapshot_period(taken_at=taken_at, now=now)
        if period in kept:
            doomed.append(snapshot_id)
        else:
            kept.add(period)
    deleted = 0
    for start in range(0, len(doomed), _PRUNE_BATCH):
        batch = Snapshot.objects.filter(pk__in=doomed[start : start + _PRUNE_BATCH])
        # A raw delete sends no signal per row: no page shows snapshots, so removing them
        # changes no cached response, and a signal per row would cost a write per row.
        deleted += batch._raw_delete(batch.db)
    return deleted
