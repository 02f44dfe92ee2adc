"""Writes of downloads: what pypistats said, applied only where a number changed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from packagegrid.caching.services import packages_changed
from packagegrid.catalog.models import Package
from packagegrid.changes.models import Action, Kind
from packagegrid.changes.services import ChangeInfo, changes_record
from packagegrid.downloads.models import KEEP_WEEKS, PackageDownloads, WeeklyDownloads
from packagegrid.fetchers.models import Source
from packagegrid.fetchers.pypistats import DownloadsFetch
from packagegrid.fetchers.state_services import package_record_success
from packagegrid.search.services import search_index_package

# The change feed's name for the weekly numbers; the totals are `downloads.<field>`
# (recorded by packagegrid.changes' receivers, like `repo.<field>`).
WEEKLY_FIELD = "downloads.weekly"


@transaction.atomic
def package_apply_downloads(
    *, package: Package, fetch: DownloadsFetch, now: datetime | None = None
) -> bool:
    """Write what pypistats said about `package`; return whether a number changed.

    - `recent` (None on a 304 keeps the stored totals) sets the last day, week and month;
    - `weeks` adds the weeks not stored yet and corrects those whose total changed (a
      week stored from an earlier window is kept when the new window no longer holds it),
      then deletes the weeks more than KEEP_WEEKS before the newest one.

    Records success (and the ETags) on the package's `pypistats` FetchState. Nothing else
    is written when no value changed.
    """
    now = now or timezone.now()
    changed = False
    if fetch.recent is not None and _apply_recent(package, fetch, now):
        search_index_package(package_id=package.pk)  # API v4 search's `pypi_downloads`
        changed = True
    if fetch.weeks:
        changed |= _apply_weeks(package, fetch.weeks)
    package_record_success(package=package, source=Source.PYPISTATS, etags=fetch.etags, now=now)
    return changed


def _apply_recent(package: Package, fetch: DownloadsFetch, now: datetime) -> bool:
    assert fetch.recent is not None
    values = {
        "last_day": fetch.recent.last_day,
        "last_week": fetch.recent.last_week,
        "last_month": fetch.recent.last_month,
    }
    stored = PackageDownloads.objects.filter(package=package).first()
    if stored is None:
        PackageDownloads.objects.create(package=package, fetched_at=now, **values)
        return True
    if all(getattr(stored, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(stored, name, value)
    stored.fetched_at = now
    stored.save(update_fields=[*values, "fetched_at"])
    return True


def _apply_weeks(package: Package, weeks: dict[date, int]) -> bool:
    stored = {row.week: row for row in WeeklyDownloads.objects.filter(package=package)}
    new = [
        WeeklyDownloads(package=package, week=week, downloads=downloads)
        for week, downloads in weeks.items()
        if week not in stored
    ]
    updated = []
    for week, downloads in weeks.items():
        row = stored.get(week)
        if row is not None and row.downloads != downloads:
            row.downloads = downloads
            updated.append(row)
    newest = max([*weeks, *stored])
    oldest_kept = newest - timedelta(weeks=KEEP_WEEKS - 1)
    old = [row.pk for week, row in stored.items() if week < oldest_kept]
    new = [row for row in new if row.week >= oldest_kept]
    if new:
        WeeklyDownloads.objects.bulk_create(new)
    if updated:
        WeeklyDownloads.objects.bulk_update(updated, ["downloads"])
    if old:
        WeeklyDownloads.objects.filter(pk__in=old).delete()
    changed = bool(new or updated or old)
    if changed:
        # Bulk writes send no signals: bump the package's pages and record the change.
        packages_changed([package.pk])
        changes_record(
            [
                ChangeInfo(
                    kind=Kind.PACKAGE,
                    object_id=package.pk,
                    action=Action.UPDATE,
                    fields=[WEEKLY_FIELD],
                )
            ]
        )
    return changed
