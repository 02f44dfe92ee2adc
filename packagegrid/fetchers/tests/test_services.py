"""Applying fetched data: explicit fields, nothing empty over good data, failures recorded."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from packagegrid.caching.services import package_key, versions_of
from packagegrid.catalog.models import Package, Release, RepoData, Snapshot
from packagegrid.conftest import make_package
from packagegrid.fetchers import services, state_services
from packagegrid.fetchers.models import FetchState
from packagegrid.fetchers.tests.support import table_writes as _writes
from packagegrid.fetchers.types import (
    FetchFailed,
    PyPIFetch,
    PyPIProject,
    ReleaseInfo,
    RepoFetch,
    RepoInfo,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
INFO = RepoInfo(
    stars=174,
    forks=87,
    description="User management",
    archived=False,
    license="BSD-3-Clause",
    open_issues=12,
    default_branch="master",
    homepage="https://openwisp.org",
    pushed_at=NOW,
)


def test_it_writes_every_fetched_repository_field() -> None:
    package = make_package()
    fetch = RepoFetch(
        info=INFO,
        commits_over_52=[1] * 52,
        participants=["nemesifier", "pandafy"],
        last_commit_at=NOW,
        etags={"https://api/x": '"abc"'},
        requests=4,
    )
    assert services.package_apply_repo(package=package, source="github", fetch=fetch, now=NOW)
    repo = type(package.repo_data).objects.get(package=package)
    assert (repo.stars, repo.forks, repo.description, repo.license) == (
        174,
        87,
        "User management",
        "BSD-3-Clause",
    )
    assert (repo.open_issues, repo.default_branch, repo.homepage) == (
        12,
        "master",
        "https://openwisp.org",
    )
    assert repo.commits_over_52 == [1] * 52
    assert repo.participants == ["nemesifier", "pandafy"]
    assert repo.last_commit_at == NOW
    assert repo.fetched_at == NOW
    state = FetchState.objects.get(package=package, source="github")
    assert state.etags == {"https://api/x": '"abc"'}
    assert state.last_success_at == NOW


def test_it_keeps_stored_numbers_for_sections_that_did_not_change() -> None:
    package = make_package(repo={"commits_over_52": [5] * 52, "participants": ["a"], "stars": 9})
    fetch = RepoFetch(
        info=None, commits_over_52=None, participants=None, requests=3, not_modified=2
    )
    changed = services.package_apply_repo(package=package, source="github", fetch=fetch, now=NOW)
    package.repo_data.refresh_from_db()
    assert changed is False
    assert package.repo_data.commits_over_52 == [5] * 52
    assert package.repo_data.participants == ["a"]
    assert package.repo_data.stars == 9


def test_it_follows_a_moved_repository() -> None:
    package = make_package(repo_url="https://github.com/old/name")
    fetch = RepoFetch(info=INFO, moved_to="https://github.com/new/name", requests=2)
    services.package_apply_repo(package=package, source="github", fetch=fetch, now=NOW)
    package.refresh_from_db()
    assert package.repo_url == "https://github.com/new/name"


def test_it_writes_pypi_data_and_releases_without_deleting_old_ones() -> None:
    package = make_package()
    Release.objects.create(package=package, version="0.1", uploaded_at=NOW - timedelta(days=900))
    project = PyPIProject(
        name="openwisp-users",
        summary="Users",
        latest_version="1.2.0",
        releases=[
            ReleaseInfo("1.1.0", NOW - timedelta(days=100), False),
            ReleaseInfo("1.2.0", NOW - timedelta(days=10), False),
            ReleaseInfo("1.3.0", NOW - timedelta(days=1), True),
        ],
        classifiers=["Framework :: Django :: 5.2"],
        requires_python=">=3.9",
        license="BSD-3-Clause",
        development_status="5 - Production/Stable",
        project_urls={"Source": "https://github.com/openwisp/openwisp-users"},
        documentation_url="",
    )
    services.package_apply_pypi(
        package=package, fetch=PyPIFetch(project=project, requests=1), now=NOW
    )
    package.pypi_data.refresh_from_db()
    assert package.pypi_data.latest_version == "1.2.0"
    assert package.pypi_data.requires_python == ">=3.9"
    assert package.pypi_data.development_status == "5 - Production/Stable"
    versions = dict(Release.objects.filter(package=package).values_list("version", "yanked"))
    assert versions == {"0.1": False, "1.1.0": False, "1.2.0": False, "1.3.0": True}


def test_a_success_clears_the_failure_count() -> None:
    package = make_package()
    error = FetchFailed("boom", reason="server_error")
    state_services.package_record_failure(package=package, source="github", error=error, now=NOW)
    services.package_apply_repo(
        package=package, source="github", fetch=RepoFetch(info=INFO), now=NOW
    )
    state = FetchState.objects.get(package=package, source="github")
    assert (state.error_count, state.next_attempt_at) == (0, None)
    assert state.last_error.startswith("server_error")


def test_finishing_a_fetch_stamps_the_package_and_records_a_snapshot() -> None:
    package = make_package(repo={"stars": 7, "forks": 2, "commits_over_52": [1] * 52})
    snapshot = services.package_finish_fetch(package=package, now=NOW)
    assert snapshot is not None
    package.refresh_from_db()
    assert package.last_fetched == NOW
    assert (snapshot.stars, snapshot.forks, snapshot.commits_over_52) == (7, 2, 52)
    assert snapshot.latest_version == package.pypi_data.latest_version
    assert Snapshot.objects.filter(package=package).count() == 1


PROJECT = PyPIProject(
    name="thing",
    summary="A thing",
    latest_version="1.1.0",
    releases=[
        ReleaseInfo("1.0.0", NOW - timedelta(days=60), False),
        ReleaseInfo("1.1.0", NOW - timedelta(days=6), False),
    ],
    classifiers=["Framework :: Django"],
    requires_python=">=3.10",
    license="MIT",
    development_status="5 - Production/Stable",
    project_urls={},
    documentation_url="",
)


def _apply_everything(package: Package, now: datetime) -> None:
    repo = RepoFetch(info=INFO, commits_over_52=[2] * 52, participants=["a"], requests=3)
    changed = services.package_apply_repo(package=package, source="github", fetch=repo, now=now)
    changed |= services.package_apply_pypi(
        package=package, fetch=PyPIFetch(project=PROJECT, requests=1), now=now
    )
    if changed:
        services.package_finish_fetch(package=package, now=now)


def _version(package: Package) -> int:
    return versions_of([package_key(package.pk)])[package_key(package.pk)].token


def test_an_unchanged_refresh_writes_only_the_fetch_states(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        package = make_package()
        with CaptureQueriesContext(connection) as first:
            _apply_everything(package, NOW)
    version = _version(package)
    assert version != 0
    with (
        CaptureQueriesContext(connection) as second,
        django_capture_on_commit_callbacks(execute=True) as bumps,
    ):
        _apply_everything(package, NOW + timedelta(hours=1))
    assert "UPDATE catalog_repodata" in _writes(first)
    assert "INSERT catalog_snapshot" in _writes(first)
    assert _writes(second) == ["UPDATE fetchers_fetchstate", "UPDATE fetchers_fetchstate"]
    assert bumps == []
    assert _version(package) == version
    state = FetchState.objects.get(package=package, source="pypi")
    assert state.checked_at == NOW + timedelta(hours=1)
    package.refresh_from_db()
    assert package.last_fetched == NOW  # when the data last changed


def test_a_snapshot_is_recorded_only_when_a_number_changed_at_most_one_a_day() -> None:
    package = make_package(repo={"stars": 5})
    first = services.package_record_snapshot(package=package, now=NOW)
    assert first is not None
    assert services.package_record_snapshot(package=package, now=NOW + timedelta(hours=1)) is None
    RepoData.objects.filter(package=package).update(stars=6)
    later = services.package_record_snapshot(package=package, now=NOW + timedelta(hours=2))
    assert later is not None and later.pk == first.pk  # today's, updated
    assert (later.stars, later.taken_at) == (6, NOW + timedelta(hours=2))
    RepoData.objects.filter(package=package).update(stars=7)
    tomorrow = services.package_record_snapshot(package=package, now=NOW + timedelta(days=1))
    assert tomorrow is not None and tomorrow.pk != first.pk
    assert list(Snapshot.objects.filter(package=package).values_list("stars", flat=True)) == [7, 6]


def test_pruning_keeps_daily_then_weekly_then_monthly_snapshots() -> None:
    package, other = make_package(), make_package()
    days = 3 * 365
    taken = [NOW - timedelta(days=age) for age in range(days)]
    Snapshot.objects.bulk_create(
        [Snapshot(package=owner, taken_at=moment) for owner in (package, other) for moment in taken]
    )
    deleted = services.snapshots_prune(now=NOW)
    kept = list(Snapshot.objects.filter(package=package).order_by("-taken_at"))

    def period(moment: datetime) -> str:
        return services.snapshot_period(taken_at=moment, now=NOW)

    periods = [period(s.taken_at) for s in kept]
    assert len(periods) == len(set(periods))  # one per period
    assert set(periods) == {period(moment) for moment in taken}  # every period kept
    for snapshot in kept:  # the latest of its period
        assert not [
            m for m in taken if m > snapshot.taken_at and period(m) == period(snapshot.taken_at)
        ]
    ages = [NOW - s.taken_at for s in kept]
    assert sum(age <= timedelta(days=90) for age in ages) == 91  # daily, both ends included
    assert 90 <= sum(timedelta(days=90) < age <= timedelta(days=730) for age in ages) <= 93
    assert 12 <= sum(age > timedelta(days=730) for age in ages) <= 13
    assert kept[0].taken_at == NOW  # the latest is always kept
    assert deleted == 2 * (days - len(kept))
    assert Snapshot.objects.filter(package=other).count() == len(kept)
    assert services.snapshots_prune(now=NOW) == 0


def test_the_database_allows_one_snapshot_a_day() -> None:
    package = make_package()
    Snapshot.objects.create(package=package, taken_at=NOW.replace(hour=0))
    with pytest.raises(IntegrityError), transaction.atomic():
        Snapshot.objects.create(package=package, taken_at=NOW.replace(hour=23))
    Snapshot.objects.create(package=package, taken_at=NOW + timedelta(days=1))


def test_the_prune_command_reports_what_it_deleted() -> None:
    package = make_package()
    Snapshot.objects.bulk_create(
        [Snapshot(package=package, taken_at=datetime(2024, 6, day, tzinfo=UTC)) for day in (10, 11)]
    )
    out = StringIO()
    call_command("prune_snapshots", stdout=out)  # both in June 2024: one a month by now
    assert "Deleted 1 snapshot(s)." in out.getvalue()


def test_it_records_a_fork_and_when_it_stops_being_one() -> None:
    package = make_package()
    fork = RepoFetch(info=replace(INFO, is_fork=True))
    assert services.package_apply_repo(package=package, source="github", fetch=fork, now=NOW)
    assert type(package.repo_data).objects.get(package=package).is_fork is True
    detached = RepoFetch(info=INFO)
    assert services.package_apply_repo(package=package, source="github", fetch=detached, now=NOW)
    assert type(package.repo_data).objects.get(package=package).is_fork is False
