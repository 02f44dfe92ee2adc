"""Tasks left RUNNING by a worker that died are run again, once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from packagegrid.benchmarks.fake_providers import FakeProviders
from packagegrid.conftest import make_package
from packagegrid.fetchers.taskqueue import process_is_alive, requeue_abandoned_tasks, worker_id
from packagegrid.fetchers.tasks import fetch_package

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "web-1"


def _running(claim: str, started_ago: timedelta = timedelta(minutes=1)) -> DBTaskResult[..., Any]:
    package = make_package(repo_url=f"https://github.com/acme/{claim.replace(':', '-')}")
    result = fetch_package.enqueue(package.pk)
    task = DBTaskResult.objects.get(pk=result.id)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started_ago,
        worker_ids=[claim],
    )
    return task


def _status(task: DBTaskResult[..., Any]) -> str:
    return str(DBTaskResult.objects.get(pk=task.pk).status)


def test_a_worker_id_names_its_host_and_process() -> None:
    ident = worker_id(host=HOST, pid=4242)
    assert ident.startswith("web-1:4242:")
    assert len(worker_id(host="h" * 100, pid=1)) < 64  # django-tasks-db's limit


def test_the_task_of_a_dead_worker_on_this_host_is_requeued_at_once() -> None:
    dead = _running(f"{HOST}:111:abc")
    alive = _running(f"{HOST}:222:abc")
    elsewhere = _running("web-2:111:abc")  # cannot be checked from here
    foreign = _running("some-random-id")  # a worker started without our ids

    assert requeue_abandoned_tasks(host=HOST, is_alive=lambda pid: pid == 222) == 1

    assert _status(dead) == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=dead.pk).started_at is None
    for task in (alive, elsewhere, foreign):
        assert _status(task) == TaskResultStatus.RUNNING
    # Running it again finds nothing more to do.
    assert requeue_abandoned_tasks(host=HOST, is_alive=lambda pid: pid == 222) == 0


def test_a_task_past_its_lease_is_requeued_wherever_its_worker_ran() -> None:
    stale = _running("web-2:111:abc", started_ago=timedelta(hours=7))
    fresh = _running("web-2:112:abc", started_ago=timedelta(hours=1))
    requeued = requeue_abandoned_tasks(
        host=HOST, is_alive=lambda pid: True, lease=timedelta(hours=6)
    )
    assert requeued == 1
    assert _status(stale) == TaskResultStatus.READY
    assert _status(fresh) == TaskResultStatus.RUNNING


def _finished_pid() -> int:
    """The id of a process that ran and ended: no process has it now."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def test_process_is_alive_tells_a_live_process_from_a_finished_one() -> None:
    assert process_is_alive(os.getpid())
    assert not process_is_alive(_finished_pid())


def test_a_task_whose_worker_died_is_run_by_the_next_worker_once(providers: FakeProviders) -> None:
    """The drill in small (scripts/drills/worker-kill.sh kills a real worker): a task
    claimed by a process of this machine that is gone is put back when the next worker
    starts, runs, and finishes exactly once."""
    host = worker_id().split(":", 1)[0]
    task = _running(f"{host}:{_finished_pid()}:gone")
    call_command("worker", batch=True, stdout=StringIO(), stderr=StringIO())
    finished = DBTaskResult.objects.get(pk=task.pk)
    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert len(finished.worker_ids) == 2  # the dead worker's claim, then the new worker's
    # Another worker finds nothing left to run.
    call_command("worker", batch=True, stdout=StringIO(), stderr=StringIO())
    assert DBTaskResult.objects.get(pk=task.pk).finished_at == finished.finished_at
