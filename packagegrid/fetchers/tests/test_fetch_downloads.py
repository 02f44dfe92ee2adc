"""Downloads in the fetch run: an optional source with its own budget, against a fake pypistats."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from packagegrid.benchmarks.fake_providers import FakeProviders, downloads_numbers
from packagegrid.catalog.models import Package
from packagegrid.conftest import make_package
from packagegrid.downloads.models import PackageDownloads, WeeklyDownloads
from packagegrid.fetchers.models import FetchState
from packagegrid.fetchers.pypistats import weekly_totals
from packagegrid.fetchers.tests.support import table_writes

pytestmark = pytest.mark.django_db


def _packages(count: int) -> list[Package]:
    return [
        make_package(
            slug=f"pkg-{i}",
            repo_url=f"https://github.com/owner{i}/pkg-{i}",
            pypi_url=f"https://pypi.org/project/Pkg_{i}/",
        )
        for i in range(count)
    ]


def _fetch(*args: str) -> str:
    out = StringIO()
    call_command("fetch", *args, stdout=out)
    return out.getvalue()


def test_it_asks_pypistats_nothing_when_its_budget_is_zero(
    providers: FakeProviders, settings: Settings
) -> None:
    settings.PYPISTATS_REQUESTS_PER_RUN = 0
    _packages(2)
    _fetch("--all")
    assert PackageDownloads.objects.count() == 0
    assert not FetchState.objects.filter(source="pypistats").exists()


def test_it_stores_downloads_within_the_budget(
    providers: FakeProviders, settings: Settings
) -> None:
    settings.PYPISTATS_REQUESTS_PER_RUN = 5  # two packages' worth
    _packages(3)

    output = _fetch("--all")

    assert "fetched: 3" in output  # the third package's other sources were fetched
    stored = {d.package.slug: d for d in PackageDownloads.objects.select_related("package")}
    assert len(stored) == 2
    for slug, downloads in stored.items():
        expected = downloads_numbers(f"pkg-{slug[4:]}")  # the normalised name is asked
        assert (downloads.last_day, downloads.last_week, downloads.last_month) == (
            expected["last_day"],
            expected["last_week"],
            expected["last_month"],
        )
        weeks = dict(
            WeeklyDownloads.objects.filter(package=downloads.package).values_list(
                "week", "downloads"
            )
        )
        assert weeks == weekly_totals(expected["daily"])
        # 5 May (a Tuesday) to 31 October (a Saturday): 24 whole weeks, 11 May to 19 October.
        assert (len(weeks), min(weeks), max(weeks)) == (24, date(2026, 5, 11), date(2026, 10, 19))
        assert all(week.weekday() == 0 for week in weeks)
    # Budget spent: the third package was not asked, and nothing is recorded against it.
    assert FetchState.objects.filter(source="pypistats").count() == 2


def test_it_writes_only_fetch_states_when_nothing_changed(
    providers: FakeProviders, settings: Settings
) -> None:
    settings.PYPISTATS_REQUESTS_PER_RUN = 100
    _packages(4)
    _fetch("--all")
    weeks_before = list(WeeklyDownloads.objects.order_by("pk").values_list("pk", "downloads"))

    with CaptureQueriesContext(connection) as second:
        output = _fetch("--all")

    assert "unchanged (304): 4" in output
    # GitHub, PyPI and pypistats each record only that they were checked.
    assert Counter(table_writes(second)) == {"UPDATE fetchers_fetchstate": 12}
    assert list(WeeklyDownloads.objects.order_by("pk").values_list("pk", "downloads")) == (
        weeks_before
    )


def test_it_backs_off_after_a_malformed_answer(
    providers: FakeProviders, settings: Settings
) -> None:
    settings.PYPISTATS_REQUESTS_PER_RUN = 100
    (package,) = _packages(1)
    providers.overrides["/api/packages/pkg-0/recent"] = {"data": None}  # malformed
    output = _fetch("--all")
    state = FetchState.objects.get(package=package, source="pypistats")
    assert "failed: 1 (malformed 1)" in output
    assert state.error_count == 1 and state.next_attempt_at is not None
    assert not state.needs_review


def test_it_records_a_404_without_review(providers: FakeProviders, settings: Settings) -> None:
    settings.PYPISTATS_REQUESTS_PER_RUN = 100
    package = make_package(
        slug="odd", repo_url="https://github.com/o/odd", pypi_url="https://pypi.org/project/x/"
    )
    # The fake serves 404 for an endpoint it does not know: point the run at one.
    settings.PYPISTATS_URL = providers.url + "/nowhere"
    output = _fetch("--all")
    state = FetchState.objects.get(package=package, source="pypistats")
    assert "failed: 1 (not_found 1)" in output
    assert state.last_error.startswith("not_found")
    assert not state.needs_review
    assert not PackageDownloads.objects.exists()
