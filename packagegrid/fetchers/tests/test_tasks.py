"""Background fetches: enqueued tasks are run by `packagegrid worker`."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from packagegrid.benchmarks.fake_providers import FakeProviders, repo_numbers
from packagegrid.catalog.models import Package, Snapshot
from packagegrid.conftest import make_package
from packagegrid.fetchers.models import FetchState
from packagegrid.fetchers.tasks import fetch_package, refresh_stale_packages
from packagegrid.fetchers.tests.support import TOO_LONG_LICENSE_EXPRESSION

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_runs_an_enqueued_fetch(providers: FakeProviders) -> None:
    package = make_package(repo_url="https://github.com/acme/rockets", last_fetched=None)
    result = fetch_package.enqueue(package.id)
    call_command("worker", batch=True, stdout=StringIO(), stderr=StringIO())
    package.repo_data.refresh_from_db()
    assert package.repo_data.stars == repo_numbers("acme", "rockets")["stars"]
    finished = DBTaskResult.objects.get(id=result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert "fetched: 1" in (finished.return_value or [])


def test_the_scheduled_refresh_reschedules_itself(providers: FakeProviders) -> None:
    make_package(repo_url="https://github.com/acme/stale", last_fetched=None)
    out = StringIO()
    call_command("schedule_refresh", every=3600, stdout=out)
    assert "Scheduled refresh" in out.getvalue()
    call_command("schedule_refresh", every=3600, stdout=out)
    assert "already waiting" in out.getvalue()
    call_command("worker", batch=True, stdout=StringIO(), stderr=StringIO())
    runs = DBTaskResult.objects.filter(task_path=refresh_stale_packages.module_path)
    assert sorted(runs.values_list("status", flat=True)) == [
        TaskResultStatus.READY,
        TaskResultStatus.SUCCESSFUL,
    ]
    waiting = runs.get(status=TaskResultStatus.READY)
    done = runs.get(status=TaskResultStatus.SUCCESSFUL)
    assert waiting.run_after > done.finished_at


def test_scheduling_refuses_a_too_short_interval() -> None:
    with pytest.raises(CommandError, match="at least 60"):
        call_command("schedule_refresh", every=5)


def test_the_scheduled_refresh_records_bad_packages_and_applies_the_rest(
    providers: FakeProviders,
) -> None:
    packages = [
        make_package(
            slug=f"pkg-{i}",
            repo_url=f"https://github.com/owner{i}/pkg-{i}",
            pypi_url=f"https://pypi.org/project/pkg-{i}/",
        )
        for i in range(50)
    ]
    Package.objects.update(last_fetched=None)
    providers.overrides["/pypi/pkg-17/json"] = {
        "info": {"license_expression": TOO_LONG_LICENSE_EXPRESSION}
    }
    providers.overrides["/repos/owner23/pkg-23"] = {"default_branch": "b" * 300}
    unparseable = make_package(slug="no-path", repo_url="https://github.com/")
    result = refresh_stale_packages.enqueue(stale_hours=24)
    call_command("worker", batch=True, stdout=StringIO(), stderr=StringIO())
    finished = DBTaskResult.objects.get(id=result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert "fetched: 48" in (finished.return_value or [])
    assert "failed: 3 (invalid_data 2, invalid_repo_url 1)" in (finished.return_value or [])
    for package in packages:
        package.repo_data.refresh_from_db()
        if package.slug != "pkg-23":
            owner = f"owner{package.slug[4:]}"
            assert package.repo_data.stars == repo_numbers(owner, package.slug)["stars"]
    errors = FetchState.objects.filter(error_count=1).order_by("source")
    assert {(s.package.slug, s.source) for s in errors} == {
        ("pkg-17", "pypi"),
        ("pkg-23", "github"),
        ("no-path", "repository"),
    }
    assert all(s.next_attempt_at and s.last_error for s in errors)
    assert unparseable.fetch_states.get(source="pypi").last_success_at is not None


def test_the_task_fetch_of_one_package_records_data_that_cannot_be_stored(
    providers: FakeProviders,
) -> None:
    package = make_package(slug="thing", repo_url="https://github.com/acme/thing", pypi_url="thing")
    providers.overrides["/pypi/thing/json"] = {
        "info": {"license_expression": TOO_LONG_LICENSE_EXPRESSION}
    }
    result = fetch_package.enqueue(package.id)
    call_command("worker", batch=True, stdout=StringIO(), stderr=StringIO())
    finished = DBTaskResult.objects.get(id=result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert "failed: 1 (invalid_data 1)" in (finished.return_value or [])
    state = package.fetch_states.get(source="pypi")
    assert "license" in state.last_error
    package.repo_data.refresh_from_db()
    assert package.repo_data.stars == repo_numbers("acme", "thing")["stars"]


def test_the_scheduled_refresh_prunes_snapshots(providers: FakeProviders) -> None:
    package = make_package(repo_url="https://github.com/acme/old")
    # Three days of one month, long ago: one a month is kept.
    Snapshot.objects.bulk_create(
        [Snapshot(package=package, taken_at=datetime(2024, 6, d, tzinfo=UTC)) for d in (3, 4, 5)]
    )
    result = refresh_stale_packages.enqueue(stale_hours=24)
    call_command("worker", batch=True, stdout=StringIO(), stderr=StringIO())
    assert "snapshots pruned: 2" in (DBTaskResult.objects.get(id=result.id).return_value or [])
