"""Weekly commit counts and commit activity, with explicit week boundaries."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from packagegrid.lib.weeks import (
    Commit,
    commit_activity,
    iso_z,
    weekly_commit_counts,
    window_start,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_it_returns_52_zeros_for_no_commits() -> None:
    assert weekly_commit_counts([], now=NOW) == [0] * 52


def test_it_puts_now_and_the_last_seven_days_in_the_last_bucket() -> None:
    counts = weekly_commit_counts([NOW, NOW - DAY, NOW - 7 * DAY + timedelta(seconds=1)], now=NOW)
    assert counts[-1] == 3
    assert sum(counts) == 3


def test_it_puts_exactly_seven_days_ago_in_the_week_before() -> None:
    counts = weekly_commit_counts([NOW - 7 * DAY], now=NOW)
    assert counts[-2] == 1
    assert sum(counts) == 1


def test_it_counts_the_oldest_week_and_ignores_anything_older() -> None:
    oldest = NOW - 364 * DAY + timedelta(seconds=1)
    counts = weekly_commit_counts([oldest, NOW - 364 * DAY, NOW - 400 * DAY], now=NOW)
    assert counts[0] == 1
    assert sum(counts) == 1


def test_it_ignores_dates_in_the_future() -> None:
    assert weekly_commit_counts([NOW + timedelta(seconds=1)], now=NOW) == [0] * 52


def test_it_orders_weeks_oldest_first() -> None:
    dates = [NOW - timedelta(weeks=w, days=1) for w in range(52) for _ in range(w)]
    counts = weekly_commit_counts(dates, now=NOW)
    assert counts == list(range(51, -1, -1))


def test_it_compares_across_time_zones() -> None:
    tokyo = NOW.astimezone(ZoneInfo("Asia/Tokyo"))
    assert weekly_commit_counts([tokyo], now=NOW)[-1] == 1


def test_it_refuses_naive_datetimes() -> None:
    with pytest.raises(TypeError):
        weekly_commit_counts([datetime(2026, 3, 1)], now=NOW)  # noqa: DTZ001 - on purpose


def test_it_starts_the_window_at_midnight_utc_52_weeks_ago() -> None:
    assert window_start(NOW) == datetime(2025, 3, 3, tzinfo=UTC)
    assert iso_z(window_start(NOW)) == "2025-03-03T00:00:00Z"


def test_it_summarises_commits_with_participants_by_commit_count() -> None:
    commits = [
        Commit(at=NOW - DAY, author="bob"),
        Commit(at=NOW - 2 * DAY, author="alice"),
        Commit(at=NOW - 3 * DAY, author="alice"),
        Commit(at=NOW - 10 * DAY, author="carol"),
        Commit(at=NOW - 11 * DAY, author=""),
        Commit(at=NOW - 500 * DAY, author="dave"),
    ]
    activity = commit_activity(commits, now=NOW)
    assert activity.commits_over_52[-2:] == [2, 3]
    assert sum(activity.commits_over_52) == 5
    assert activity.last_commit_at == NOW - DAY
    # Ties keep the order of first appearance; authors older than the window are left out.
    assert activity.participants == ["alice", "bob", "carol"]


def test_it_names_the_last_author_of_a_quiet_repository() -> None:
    commits = [Commit(at=NOW - 400 * DAY, author="old"), Commit(at=NOW - 600 * DAY, author="x")]
    activity = commit_activity(commits, now=NOW)
    assert activity.commits_over_52 == [0] * 52
    assert activity.last_commit_at == NOW - 400 * DAY
    assert activity.participants == ["old"]


def test_it_summarises_no_commits_as_empty() -> None:
    activity = commit_activity([], now=NOW)
    assert (activity.commits_over_52, activity.last_commit_at, activity.participants) == (
        [0] * 52,
        None,
        [],
    )
