"""pypistats.org API client: a project's recent downloads and its daily downloads by week.

Network only: `pypistats_fetch` returns a `DownloadsFetch` and never touches the database.
Downloads are an optional source: the fetch run asks it within its own request budget
(`PYPISTATS_REQUESTS_PER_RUN`).

Reference: https://pypistats.org/api/ — `GET /api/packages/<package>/recent` answers
`{"data": {"last_day": n, "last_week": n, "last_month": n}, "package": ..., "type":
"recent_downloads"}`; `GET /api/packages/<package>/overall?mirrors=false` answers
`{"data": [{"category": "without_mirrors", "date": "YYYY-MM-DD", "downloads": n}, ...],
"package": ..., "type": "overall_downloads"}` with one row per day of its window (about
180 days).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import field
from datetime import date, datetime, timedelta
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone
from pydantic import BaseModel, NonNegativeInt
from pydantic.dataclasses import dataclass

from packagegrid.fetchers.conditional import ConditionalFetcher
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.ratelimit import RateBudget
from packagegrid.lib.pypi_names import normalize_pypi_name

# Requests one package costs when nothing fails: recent, then overall.
REQUESTS_PER_PACKAGE = 2
WITHOUT_MIRRORS = "without_mirrors"


class _Recent(BaseModel):
    last_day: NonNegativeInt
    last_week: NonNegativeInt
    last_month: NonNegativeInt


class _RecentBody(BaseModel):
    data: _Recent


class _Day(BaseModel):
    category: str
    date: date
    downloads: NonNegativeInt


class _OverallBody(BaseModel):
    data: list[_Day]


@dataclass(frozen=True)
class RecentDownloads:
    """pypistats' rolling totals: the last day, 7 days and 30 days."""

    last_day: NonNegativeInt
    last_week: NonNegativeInt
    last_month: NonNegativeInt


@dataclass(frozen=True)
class DownloadsFetch:
    """What pypistats said about one project in one run; a section is None when it answered 304.

    `weeks` maps the Monday of each ISO week that the daily rows cover whole to its total
    (see `weekly_totals`).
    """

    recent: RecentDownloads | None = None
    weeks: dict[date, NonNegativeInt] | None = None
    etags: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    not_modified: int = 0


def weekly_totals(days: Iterable[tuple[date, int]]) -> dict[date, int]:
    """Daily downloads summed by ISO week (keyed by its Monday), whole weeks only.

    A week counts when the rows' span, from the first day given to the last, covers it
    from Monday to Sunday: the first and last weeks of a window are usually partial (the
    current week is still going), and a partial total would read as a drop. Days without
    a row inside the span are days without downloads (pypistats leaves them out).

    >>> weekly_totals([(date(2026, 3, 1), 5), (date(2026, 3, 2), 1), (date(2026, 3, 8), 2)])
    {datetime.date(2026, 3, 2): 3}
    """
    totals: Counter[date] = Counter()
    first: date | None = None
    last: date | None = None
    for day, downloads in days:
        totals[day - timedelta(days=day.weekday())] += downloads
        first = day if first is None or day < first else first
        last = day if last is None or day > last else last
    if first is None or last is None:
        return {}
    return {
        monday: total
        for monday, total in sorted(totals.items())
        if monday >= first and monday + timedelta(days=6) <= last
    }


def pypistats_url(name: str, endpoint: str) -> str:
    """The API URL of one project's `endpoint` ("recent" or "overall?mirrors=false")."""
    project = quote(normalize_pypi_name(name), safe="")
    return f"{settings.PYPISTATS_URL}/api/packages/{project}/{endpoint}"


def pypistats_fetch(
    client: HttpClient,
    *,
    name: str,
    etags: Mapping[str, str],
    budget: RateBudget | None = None,
    now: datetime | None = None,
) -> DownloadsFetch:
    """Recent downloads and weekly totals of PyPI project `name` (PEP 503-normalised).

    Both requests are conditional on their stored ETags. Downloads are counted without
    mirrors, as pypistats' own charts count them.

    Raises FetchFailed: "not_found" when pypistats knows no downloads of the project,
    RateLimitExhausted on a 429 that outlasts the retries, and the rest as
    `ConditionalFetcher.get` does.
    """
    fetcher = ConditionalFetcher(
        client, etags=etags, now=now or timezone.now(), source="pypistats", budget=budget
    )
    recent = fetcher.get(pypistats_url(name, "recent"), _RecentBody)
    overall = fetcher.get(pypistats_url(name, "overall?mirrors=false"), _OverallBody)
    return DownloadsFetch(
        recent=RecentDownloads(**recent.data.data.model_dump()) if recent else None,
        weeks=(
            weekly_totals(
                (row.date, row.downloads)
                for row in overall.data.data
                if row.category == WITHOUT_MIRRORS
            )
            if overall
            else None
        ),
        etags=fetcher.etags,
        requests=fetcher.requests,
        not_modified=fetcher.not_modified,
    )
