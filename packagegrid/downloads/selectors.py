"""Reads of downloads for pages, API and the health model."""

from __future__ import annotations

from datetime import date

from packagegrid.catalog.models import Package
from packagegrid.downloads.models import KEEP_WEEKS, PackageDownloads, WeeklyDownloads


def downloads_of(package: Package) -> PackageDownloads | None:
    """The package's recent totals when read with `select_related("downloads")`; None when
    pypistats never answered for it (no query either way once joined)."""
    return getattr(package, "downloads", None)


def package_weekly_downloads(package: Package) -> list[tuple[date, int]]:
    """The package's stored weeks (Monday, downloads), oldest first, in one query."""
    rows = WeeklyDownloads.objects.filter(package=package).order_by("-week")[:KEEP_WEEKS]
    return sorted(rows.values_list("week", "downloads"))
