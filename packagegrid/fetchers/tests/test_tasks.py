"""Background fetches: enqueued tasks are run by `packagegrid worker`."""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from packagegrid.benchmarks.fake_providers import FakeProviders, repo_numbers
from packagegrid.conftest import make_package
from packagegrid.fetchers.tasks import fetch_package, refresh_stale_packages

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def providers(settings: Settings) -> Iterator[FakeProviders]:
    with FakeProviders() as fake:
        settings.GITHUB_API_URL = fake.url
        settings.PYPI_URL = fake.url
        yield fake


def test_the_worker_runs_an_enqueued_fetch(providers: FakeProviders) -> None:
    package = make_package(repo_url="https://github.com/acme/rockets", last_fetched=None)
    result = fetch_package.enqueue(package.id)
    call_command("worker", batch=True, stdout=StringIO(), stderr=StringIO())
    package.repo_data.refresh_from_db()
    assert package.repo_data.stars == repo_numbers("acme", "rockets")["stars"]
    finished = DBTaskResult.objects.get(id=result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert "fetched: 1" in finished.return_value


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
