"""Applying what pypistats said: recent totals and weekly rows, written only when changed."""

from datetime import UTC, date, datetime, timedelta

import pytest

from packagegrid.caching.services import grid_key, package_key, versions_of
from packagegrid.catalog.models import Package
from packagegrid.changes.models import Change
from packagegrid.conftest import make_grid, make_package
from packagegrid.downloads.models import KEEP_WEEKS, PackageDownloads, WeeklyDownloads
from packagegrid.downloads.services import package_apply_downloads
from packagegrid.fetchers.models import FetchState
from packagegrid.fetchers.pypistats import DownloadsFetch, RecentDownloads

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 2)


def _weeks(package: Package) -> dict[date, int]:
    return dict(package.weekly_downloads.order_by("week").values_list("week", "downloads"))


def test_it_stores_recent_totals_and_weeks_and_records_success() -> None:
    package = make_package()
    fetch = DownloadsFetch(
        recent=RecentDownloads(last_day=1, last_week=7, last_month=30),
        weeks={MONDAY: 70, MONDAY - timedelta(weeks=1): 60},
        etags={"https://stats/recent": '"e"'},
    )

    assert package_apply_downloads(package=package, fetch=fetch, now=NOW) is True

    stored = PackageDownloads.objects.get(package=package)
    assert (stored.last_day, stored.last_week, stored.last_month, stored.fetched_at) == (
        1,
        7,
        30,
        NOW,
    )
    assert _weeks(package) == {MONDAY - timedelta(weeks=1): 60, MONDAY: 70}
    state = FetchState.objects.get(package=package, source="pypistats")
    assert (state.etags, state.checked_at) == ({"https://stats/recent": '"e"'}, NOW)


def test_it_changes_nothing_for_the_same_numbers_or_a_304() -> None:
    package = make_package()
    fetch = DownloadsFetch(
        recent=RecentDownloads(last_day=1, last_week=7, last_month=30), weeks={MONDAY: 70}
    )
    package_apply_downloads(package=package, fetch=fetch, now=NOW)
    later = NOW + timedelta(days=1)

    assert package_apply_downloads(package=package, fetch=fetch, now=later) is False
    assert package_apply_downloads(package=package, fetch=DownloadsFetch(), now=later) is False
    assert PackageDownloads.objects.get(package=package).fetched_at == NOW


def test_it_corrects_a_week_and_keeps_weeks_the_window_no_longer_holds() -> None:
    package = make_package()
    old_week = MONDAY - timedelta(weeks=30)
    package_apply_downloads(
        package=package, fetch=DownloadsFetch(weeks={old_week: 5, MONDAY: 70}), now=NOW
    )
    next_week = MONDAY + timedelta(weeks=1)

    changed = package_apply_downloads(
        package=package, fetch=DownloadsFetch(weeks={MONDAY: 71, next_week: 80}), now=NOW
    )

    assert changed is True
    assert _weeks(package) == {old_week: 5, MONDAY: 71, next_week: 80}


def test_it_keeps_the_last_52_weeks() -> None:
    package = make_package()
    weeks = {MONDAY - timedelta(weeks=n): n for n in range(KEEP_WEEKS + 3)}
    package_apply_downloads(package=package, fetch=DownloadsFetch(weeks=weeks), now=NOW)
    assert len(_weeks(package)) == KEEP_WEEKS
    assert min(_weeks(package)) == MONDAY - timedelta(weeks=KEEP_WEEKS - 1)

    next_week = MONDAY + timedelta(weeks=1)
    package_apply_downloads(package=package, fetch=DownloadsFetch(weeks={next_week: 1}), now=NOW)

    assert len(_weeks(package)) == KEEP_WEEKS
    assert min(_weeks(package)) == MONDAY - timedelta(weeks=KEEP_WEEKS - 2)
    assert WeeklyDownloads.objects.filter(package=package, week=next_week).exists()


@pytest.mark.django_db(transaction=True)  # versions are bumped when the transaction commits
def test_it_records_changed_numbers_in_the_feed_and_bumps_the_package_and_its_grid() -> None:
    package = make_package()
    grid = make_grid(packages=[package])
    first = DownloadsFetch(
        recent=RecentDownloads(last_day=1, last_week=7, last_month=30), weeks={MONDAY: 70}
    )
    package_apply_downloads(package=package, fetch=first, now=NOW)
    keys = [package_key(package.pk), package_key(package.slug), grid_key(grid.pk)]
    before = versions_of(keys)
    Change.objects.all().delete()

    again = DownloadsFetch(
        recent=RecentDownloads(last_day=2, last_week=7, last_month=30),
        weeks={MONDAY: 75},
    )
    package_apply_downloads(package=package, fetch=again, now=NOW)

    after = versions_of(keys)
    assert all(after[key].token != before[key].token for key in keys)
    changes = list(Change.objects.values_list("kind", "object_id", "action", "fields"))
    assert sorted(changes) == [
        (
            "package",
            package.pk,
            "update",
            ["downloads.last_day", "downloads.last_month", "downloads.last_week"],
        ),
        ("package", package.pk, "update", ["downloads.weekly"]),
    ]
    Change.objects.all().delete()
    package_apply_downloads(package=package, fetch=again, now=NOW)
    assert not Change.objects.exists()  # an unchanged fetch records nothing
