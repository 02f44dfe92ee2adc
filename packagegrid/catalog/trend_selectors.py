"""Trends: the package page's charts and the trending packages, read from the recorded
snapshots, releases and weekly commit counts.

Trending is "sustained growth relative to size": a package trends when it gained stars
in every one of the last TRENDING_WEEKS weekly windows, at least TRENDING_MIN_GAIN in
all, ranked by the gain divided by its stars at the start (at least TRENDING_SIZE_FLOOR,
so a tiny package going from 1 to 6 stars does not outrank everyone). Forks are left out.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import (
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Cast, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from packagegrid.catalog.models import Package, Release, RepoData, Snapshot
from packagegrid.lib.charts import Bar, bar_chart, change_summary, line_chart

# The package page charts snapshots of the last two years (weekly after 90 days, by the
# pruning policy: at most ~170 rows) and releases of the last twelve quarters.
TREND_HISTORY = timedelta(days=730)
RELEASE_QUARTERS = 12

TRENDING_WEEKS = 4
TRENDING_MIN_GAIN = 5
TRENDING_SIZE_FLOOR = 10
TRENDING_SHOWN = 50


@dataclass(frozen=True, slots=True)
class PackageTrends:
    stars_chart: SafeString
    forks_chart: SafeString
    releases_chart: SafeString
    commits_chart: SafeString
    prereleases: int  # pre-releases in the charted quarters, left out of the bars


def _quarter(moment: date) -> int:
    return moment.year * 4 + (moment.month - 1) // 3


def _quarter_label(index: int) -> str:
    return f"{index // 4} Q{index % 4 + 1}"


def _quarter_start(index: int) -> datetime:
    return datetime(index // 4, index % 4 * 3 + 1, 1, tzinfo=UTC)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def release_window_start(now: datetime) -> datetime:
    """When the releases chart starts: the first day of the first of its quarters."""
    return _quarter_start(_quarter(Snapshot.day_of(now)) - RELEASE_QUARTERS + 1)


def package_trends(
    *,
    package: Package,
    repo: RepoData | None,
    now: datetime | None = None,
    releases: Iterable[Release] | None = None,
) -> PackageTrends:
    """The package page's charts, in two queries (its snapshots of the last TREND_HISTORY,
    its release dates of the last RELEASE_QUARTERS quarters), or one when `releases` holds
    every release of the package uploaded since `release_window_start(now)` (others are
    left out here).

    Stars and forks: one point a UTC day from the snapshots, ending on today's values from
    `repo`. Releases: final releases per quarter, yanked ones stacked in their own colour;
    pre-releases are not counted (the panel says how many there were). Commits: the 52
    weekly counts of `repo` ("unknown" when the host could not be read).
    """
    now = now or timezone.now()
    rows = (
        Snapshot.objects.filter(package=package, taken_at__gte=now - TREND_HISTORY)
        .order_by("taken_at")
        .values_list("taken_at", "stars", "forks")
    )
    by_day: dict[date, tuple[int, int]] = {
        Snapshot.day_of(taken_at): (stars, forks) for taken_at, stars, forks in rows
    }
    if repo is not None:
        by_day[Snapshot.day_of(now)] = (repo.stars, repo.forks)
    days = sorted(by_day)
    stars = [(day, by_day[day][0]) for day in days]
    forks = [(day, by_day[day][1]) for day in days]

    this_quarter = _quarter(Snapshot.day_of(now))
    first_quarter = this_quarter - RELEASE_QUARTERS + 1
    counts = {index: [0, 0] for index in range(first_quarter, this_quarter + 1)}
    prereleases = 0
    start = _quarter_start(first_quarter)
    if releases is None:
        dates = list(
            Release.objects.filter(package=package, uploaded_at__gte=start).values_list(
                "uploaded_at", "yanked", "is_prerelease"
            )
        )
    else:
        dates = [
            (r.uploaded_at, r.yanked, r.is_prerelease)
            for r in releases
            if r.uploaded_at is not None and r.uploaded_at >= start
        ]
    for uploaded_at, yanked, is_prerelease in dates:
        index = _quarter(Snapshot.day_of(uploaded_at)) if uploaded_at else None
        if index not in counts:
            continue  # uploaded in the future by a wrong clock (None: excluded by the filter)
        if is_prerelease:
            prereleases += 1
            continue
        counts[index][1 if yanked else 0] += 1
    total = sum(sum(pair) for pair in counts.values())
    bars = [
        Bar(
            label=_quarter_label(index),
            parts=(kept, yanked),
            detail=f"{_quarter_label(index)}: {_plural(kept + yanked, 'release')}"
            + (f", {yanked:,} yanked" if yanked else ""),
        )
        for index, (kept, yanked) in counts.items()
    ]
    releases_summary = (
        f"{_plural(total, 'release')} between {_quarter_label(first_quarter)} "
        f"and {_quarter_label(this_quarter)}"
    )

    weekly = repo.commits_over_52 if repo is not None else []
    weeks = [
        int(count) for count in weekly if isinstance(count, int) and not isinstance(count, bool)
    ]
    commit_bars = [
        Bar(
            label="52 weeks ago" if index == 0 else "this week" if index == len(weeks) - 1 else "",
            parts=(max(count, 0),),
            detail=f"{_plural(count, 'commit')}, "
            + ("this week" if index == len(weeks) - 1 else f"{len(weeks) - 1 - index} weeks ago"),
        )
        for index, count in enumerate(weeks)
    ]
    return PackageTrends(
        stars_chart=line_chart(
            points=stars,
            title="Stars over time",
            summary=change_summary("Stars", stars),
            css_class="chart-stars",
        ),
        forks_chart=line_chart(
            points=forks,
            title="Forks over time",
            summary=change_summary("Forks", forks),
            css_class="chart-forks",
        ),
        releases_chart=bar_chart(
            bars=bars,
            title="Releases per quarter",
            summary=releases_summary,
            part_classes=("chart-bar", "chart-bar-yanked"),
        ),
        commits_chart=bar_chart(
            bars=commit_bars,
            title="Commits per week",
            summary=f"{_plural(sum(weeks), 'commit')} in the last {len(weeks)} weeks",
            empty_note="Unknown: the code host's commit activity could not be read.",
        ),
        prereleases=prereleases,
    )


@dataclass(frozen=True, slots=True)
class TrendingPackage:
    title: str
    slug: str
    url: str
    stars_before: int  # TRENDING_WEEKS weeks ago
    stars_now: int
    weekly_gains: tuple[int, ...]  # oldest week first
    growth: float  # gain / max(stars_before, TRENDING_SIZE_FLOOR)

    @property
    def gain(self) -> int:
        return self.stars_now - self.stars_before

    @property
    def growth_percent(self) -> int:
        return round(self.growth * 100)


def trending_packages(
    *, now: datetime | None = None, limit: int = TRENDING_SHOWN
) -> list[TrendingPackage]:
    """Up to `limit` packages with sustained star growth, fastest relative growth first,
    in one query (see the module docstring for the rule).

    Listed packages only (`PackageQuerySet.listed`): an auto-discovered package trends
    once a person reviews it. A package's stars at a moment are those of its latest
    snapshot taken by then; one with no snapshot from before the period has no measurable
    growth and is left out.
    """
    now = now or timezone.now()
    bounds = [now - timedelta(weeks=TRENDING_WEEKS - step) for step in range(TRENDING_WEEKS + 1)]

    def stars_at(moment: datetime) -> Subquery:
        return Subquery(
            Snapshot.objects.filter(package=OuterRef("pk"), taken_at__lte=moment)
            .order_by("-taken_at")
            .values("stars")[:1],
            output_field=IntegerField(),
        )

    names = [f"stars_{step}" for step in range(TRENDING_WEEKS + 1)]
    growing = Q(stars_0__isnull=False)
    for before, after in itertools.pairwise(names):
        growing &= Q(**{f"{after}__gt": F(before)})
    # Cheap first cut (an index lookup a package): a change in the last week is needed.
    changed_lately = Exists(
        Snapshot.objects.filter(package=OuterRef("pk"), taken_at__gt=bounds[-2])
    )
    rows = (
        Package.objects.listed()
        .filter(changed_lately, repo_data__is_fork=False)
        .annotate(**{name: stars_at(moment) for name, moment in zip(names, bounds, strict=True)})
        .filter(growing)
        .annotate(gain=F(names[-1]) - F(names[0]))
        .filter(gain__gte=TRENDING_MIN_GAIN)
        .annotate(
            growth=Cast(F("gain"), FloatField())
            / Cast(Greatest(F(names[0]), TRENDING_SIZE_FLOOR), FloatField())
        )
        .order_by("-growth", "-gain", "title", "id")
        .values_list("title", "slug", "growth", *names)[:limit]
    )
    found = []
    for title, slug, growth, *stars in rows:
        found.append(
            TrendingPackage(
                title=title,
                slug=slug,
                url=reverse("package", args=[slug]),
                stars_before=stars[0],
                stars_now=stars[-1],
                weekly_gains=tuple(after - before for before, after in itertools.pairwise(stars)),
                growth=growth,
            )
        )
    return found
