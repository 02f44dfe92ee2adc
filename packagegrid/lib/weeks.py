"""Weekly commit activity from raw commit dates, shared by the code-host clients (ORM-free)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

WEEKS = 52
WEEK = timedelta(weeks=1)
WINDOW = WEEKS * WEEK


def weekly_commit_counts(dates: Iterable[datetime], *, now: datetime) -> list[int]:
    """Return 52 weekly commit totals, oldest first.

    Weeks are counted back from `now`, not aligned to calendar weeks: bucket 51 (the last)
    holds dates in `(now - 7 days, now]`, bucket 50 holds `(now - 14 days, now - 7 days]`,
    and so on down to bucket 0, `(now - 364 days, now - 357 days]`. A date exactly 364 days
    before `now` or older, or any date after `now`, is ignored. All datetimes must be
    timezone-aware (comparing naive and aware ones raises TypeError).

    >>> from datetime import UTC
    >>> now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    >>> weekly_commit_counts([now, now - timedelta(days=7)], now=now)[-2:]
    [1, 1]
    """
    counts = [0] * WEEKS
    for date in dates:
        age = now - date
        if age < timedelta(0) or age >= WINDOW:
            continue
        counts[WEEKS - 1 - age // WEEK] += 1
    return counts


def window_start(now: datetime) -> datetime:
    """Midnight UTC on the day 52 weeks before `now`: the `since` to ask code hosts for.

    Rounding down to the day keeps the commits URL (and so its stored ETag) the same for a
    whole day; the few extra hours of older commits are dropped by the weekly counts.
    """
    start = (now - WINDOW).astimezone(UTC)
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


def iso_z(moment: datetime) -> str:
    """`2025-03-03T00:00:00Z`: UTC ISO 8601 to the second, as query parameters want it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Commit:
    """One commit as any code host reports it: when, and who ("" when unknown)."""

    at: datetime
    author: str


@dataclass(frozen=True)
class CommitActivity:
    """What a list of commits says about a repository's last 52 weeks."""

    commits_over_52: list[int]
    last_commit_at: datetime | None
    participants: list[str]


def commit_activity(commits: Iterable[Commit], *, now: datetime) -> CommitActivity:
    """Summarise commits (any order, any age) as weekly counts, last commit and authors.

    - `commits_over_52`: `weekly_commit_counts` of the commit dates;
    - `last_commit_at`: the newest commit date given (None for no commits);
    - `participants`: distinct non-empty authors of the commits inside the 52 weeks, most
      commits first, ties in order of first appearance. When no commit falls inside the
      window, the author of the newest commit given stands in, so a quiet repository still
      names who last worked on it.
    """
    commits = list(commits)
    in_window = [c for c in commits if timedelta(0) <= now - c.at < WINDOW]
    newest = max(commits, key=lambda c: c.at, default=None)
    counted = in_window or ([newest] if newest is not None else [])
    # Counter.most_common keeps insertion order among equal counts.
    authors = Counter(c.author for c in counted if c.author)
    return CommitActivity(
        commits_over_52=weekly_commit_counts((c.at for c in commits), now=now),
        last_commit_at=newest.at if newest is not None else None,
        participants=[author for author, _ in authors.most_common()],
    )
