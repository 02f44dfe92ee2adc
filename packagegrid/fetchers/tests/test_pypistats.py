"""The pypistats.org client's own behaviour; what all clients share is in test_clients.py.

The fixtures follow the documented answers of https://pypistats.org/api/ (`recent` and
`overall?mirrors=false`): the real service is not reachable from the tests.
"""

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer

from packagegrid.fetchers.pypistats import (
    DownloadsFetch,
    RecentDownloads,
    pypistats_fetch,
    weekly_totals,
)
from packagegrid.fetchers.ratelimit import RateBudget
from packagegrid.fetchers.tests.support import quick_client
from packagegrid.fetchers.types import FetchFailed, RateLimitExhausted

FIXTURES = Path(__file__).parent / "fixtures" / "pypistats"
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
RECENT = "/api/packages/django-sample/recent"
OVERALL = "/api/packages/django-sample/overall"


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


@pytest.fixture
def stats(httpserver: HTTPServer, settings: Settings) -> HTTPServer:
    settings.PYPISTATS_URL = httpserver.url_for("").rstrip("/")
    return httpserver


def _fetch(name: str = "django-sample", etags: dict[str, str] | None = None) -> DownloadsFetch:
    with quick_client() as client:
        return pypistats_fetch(client, name=name, etags=etags or {}, now=NOW)


def test_it_reads_recent_downloads_and_whole_weeks(stats: HTTPServer) -> None:
    stats.expect_ordered_request(RECENT).respond_with_data(
        _fixture("recent.json"), content_type="application/json", headers={"ETag": '"r1"'}
    )
    stats.expect_ordered_request(OVERALL, query_string="mirrors=false").respond_with_data(
        _fixture("overall.json"), content_type="application/json", headers={"ETag": '"o1"'}
    )

    fetch = _fetch()

    assert fetch.recent == RecentDownloads(last_day=1204, last_week=9388, last_month=40517)
    # The window runs from Wednesday 11 February to Tuesday 10 March: the first and last
    # weeks are partial and left out; 22 February has no row (no downloads).
    assert fetch.weeks == {
        date(2026, 2, 16): 105 + 106 + 107 + 108 + 109 + 110,
        date(2026, 2, 23): sum(range(112, 119)),
        date(2026, 3, 2): sum(range(119, 126)),
    }
    assert fetch.etags == {
        stats.url_for(RECENT): '"r1"',
        stats.url_for(OVERALL) + "?mirrors=false": '"o1"',
    }
    assert (fetch.requests, fetch.not_modified) == (2, 0)
    stats.check_assertions()


def test_it_asks_for_the_normalised_project_name(stats: HTTPServer) -> None:
    stats.expect_request(RECENT).respond_with_data(
        _fixture("recent.json"), content_type="application/json"
    )
    stats.expect_request(OVERALL).respond_with_json({"data": [], "package": "x", "type": "t"})

    fetch = _fetch("Django_Sample")

    assert fetch.recent is not None and fetch.weeks == {}
    assert [request.path for request, _ in stats.log] == [RECENT, OVERALL]


def test_it_counts_only_downloads_without_mirrors(stats: HTTPServer) -> None:
    days = [date(2026, 3, 2 + n).isoformat() for n in range(7)]
    rows = [{"category": "without_mirrors", "date": day, "downloads": 10} for day in days]
    rows += [{"category": "with_mirrors", "date": day, "downloads": 99} for day in days]
    stats.expect_request(RECENT).respond_with_data(
        _fixture("recent.json"), content_type="application/json"
    )
    stats.expect_request(OVERALL).respond_with_json({"data": rows})

    assert _fetch().weeks == {date(2026, 3, 2): 70}


def test_it_keeps_a_304_section_as_nothing_new(stats: HTTPServer) -> None:
    recent_url = stats.url_for(RECENT)
    stats.expect_request(RECENT, headers={"If-None-Match": '"r1"'}).respond_with_data(
        "", status=304
    )
    stats.expect_request(OVERALL).respond_with_data(
        _fixture("overall.json"), content_type="application/json"
    )

    fetch = _fetch(etags={recent_url: '"r1"'})

    assert fetch.recent is None
    assert fetch.weeks is not None and len(fetch.weeks) == 3
    assert (fetch.requests, fetch.not_modified, fetch.etags) == (2, 1, {recent_url: '"r1"'})


@pytest.mark.parametrize(
    "body",
    [
        {"data": {"last_day": 1, "last_week": 2}},  # last_month missing
        {"data": {"last_day": -1, "last_week": 2, "last_month": 3}},  # negative
        {"data": {"last_day": "1", "last_week": 2, "last_month": 3}},  # a string
    ],
)
def test_it_refuses_a_recent_answer_of_another_shape(
    stats: HTTPServer, body: dict[str, object]
) -> None:
    stats.expect_request(RECENT).respond_with_json(body)

    with pytest.raises(FetchFailed) as caught:
        _fetch()

    assert (caught.value.reason, caught.value.requests) == ("malformed", 1)
    assert "pypistats" in str(caught.value)


def test_it_refuses_a_daily_row_without_a_date(stats: HTTPServer) -> None:
    stats.expect_request(RECENT).respond_with_data(
        _fixture("recent.json"), content_type="application/json"
    )
    stats.expect_request(OVERALL).respond_with_json(
        {"data": [{"category": "without_mirrors", "date": "yesterday", "downloads": 1}]}
    )
    with pytest.raises(FetchFailed) as caught:
        _fetch()
    assert (caught.value.reason, caught.value.requests) == ("malformed", 2)


def test_it_stops_when_its_budget_says_so(stats: HTTPServer) -> None:
    reset = int(NOW.timestamp()) + 3600
    stats.expect_request(RECENT).respond_with_data(
        json.dumps({"data": {"last_day": 1, "last_week": 2, "last_month": 3}}),
        content_type="application/json",
        headers={"X-RateLimit-Remaining": "1", "X-RateLimit-Reset": str(reset)},
    )
    budget = RateBudget(source="pypistats", reserve=1, clock=NOW.timestamp)

    with quick_client() as client, pytest.raises(RateLimitExhausted) as caught:
        pypistats_fetch(client, name="django-sample", etags={}, budget=budget, now=NOW)

    assert caught.value.requests == 1
    assert len(stats.log) == 1  # overall was never asked


def test_it_sums_days_into_iso_weeks_whole_weeks_only() -> None:
    sunday, monday = date(2026, 3, 1), date(2026, 3, 2)
    assert weekly_totals([]) == {}
    assert weekly_totals([(monday, 5)]) == {}
    week = [(date(2026, 3, 2 + n), n) for n in range(7)]
    assert weekly_totals([(sunday, 100), *week]) == {monday: sum(range(7))}
