"""Recovering tasks whose worker died.

django-tasks-db claims a task by marking it RUNNING and only ever picks READY ones, with
no lease: a worker killed mid-task (`kill -9`, an out-of-memory kill, a lost machine)
leaves its task RUNNING for ever, never retried. A killed `refresh_stale_packages` also
never enqueues its next run, so the scheduled refresh stops.

`packagegrid worker` therefore names each worker `<host>:<pid>:<random>`, and each worker
when it starts, and the scheduled refresh each time it runs, put back to READY:
- tasks claimed by a worker on this host whose process is gone (certain: that task is no
  longer running anywhere), and
- tasks RUNNING for longer than TASK_LEASE_SECONDS, whatever their host (a worker on a
  machine that is gone; the lease is far longer than any task runs).
Each is put back by one conditional UPDATE (still RUNNING, same claim), so two workers
recovering at once requeue a task once, and a task that is really running is never run
twice. A requeued task runs again from its start: every task here is idempotent (a fetch
applies only what changed).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult

# django-tasks-db refuses worker ids of 64 characters or more.
_MAX_WORKER_ID = 63


def worker_id(*, host: str | None = None, pid: int | None = None) -> str:
    """A unique id for this worker that says where it runs: `<host>:<pid>:<random>`."""
    host = (host or socket.gethostname())[:40]
    pid = os.getpid() if pid is None else pid
    return f"{host}:{pid}:{get_random_string(8)}"[:_MAX_WORKER_ID]


def process_is_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (signal 0 checks, sends nothing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user
        return True
    return True


def _claimed_by_dead_worker(claim: str, host: str, is_alive: Callable[[int], bool]) -> bool:
    parts = claim.split(":")
    if len(parts) != 3 or parts[0] != host[:40] or not parts[1].isascii():
        return False
    return parts[1].isdigit() and not is_alive(int(parts[1]))


def requeue_abandoned_tasks(
    *,
    host: str | None = None,
    is_alive: Callable[[int], bool] = process_is_alive,
    lease: timedelta | None = None,
) -> int:
    """Put back to READY the RUNNING tasks whose worker is gone (see the module
    docstring); returns how many. Two queries, plus one UPDATE per task put back."""
    host = host or socket.gethostname()
    lease = lease or timedelta(seconds=settings.TASK_LEASE_SECONDS)
    expired = timezone.now() - lease
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
        "id", "worker_ids", "started_at"
    )
    requeued = 0
    for task in running:
        claim = task.worker_ids[-1] if task.worker_ids else ""
        dead = _claimed_by_dead_worker(claim, host, is_alive)
        if not dead and (task.started_at is None or task.started_at > expired):
            continue
        # Only if nobody finished or requeued it meanwhile: still RUNNING under that claim.
        # A claim sets a new `started_at`, so this matches only the claim read above.
        requeued += DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        ).update(status=TaskResultStatus.READY, started_at=None)
    return requeued
