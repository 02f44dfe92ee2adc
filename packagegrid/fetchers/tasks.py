"""Background work, run by `packagegrid worker` through Django's Tasks framework."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from packagegrid.changes.services import changes_prune
from packagegrid.fetchers.models import Source
from packagegrid.fetchers.run import FetchRun, build_jobs, packages_to_fetch
from packagegrid.fetchers.services import snapshots_prune
from packagegrid.fetchers.taskqueue import requeue_abandoned_tasks
from packagegrid.health.scores import package_health_recompute


@task()
def fetch_package(package_id: int) -> list[str]:
    """Fetch one package from all its sources now (ignoring backoff); returns the summary."""
    packages = packages_to_fetch().filter(pk=package_id)
    jobs = build_jobs(packages, sources=Source.values, force=True)
    return FetchRun(concurrency=2).run(jobs).lines()


@task()
def refresh_stale_packages(stale_hours: float = 24, every_seconds: int = 0) -> list[str]:
    """Put back the tasks of workers that died (see `fetchers.taskqueue`), fetch every
    package not checked within `stale_hours`, recompute every health score, then prune
    snapshots and old changes of the change feed.

    With `every_seconds`, enqueue the next run that much later, so that one enqueued run
    keeps the refresh going on the workers (see `packagegrid schedule_refresh`).
    """
    try:
        requeued = requeue_abandoned_tasks()
        jobs = build_jobs(packages_to_fetch(stale_hours=stale_hours), sources=Source.values)
        lines = FetchRun().run(jobs).lines()
        # Ages and the directory's distributions move every day, also for packages
        # that were not fetched, and usage, favorites and replacements change without a
        # fetch: a full recompute keeps every stored score current.
        return [
            *lines,
            f"health scores written: {package_health_recompute()}",
            f"snapshots pruned: {snapshots_prune()}",
            f"changes pruned: {changes_prune()}",
            f"tasks of dead workers requeued: {requeued}",
        ]
    finally:
        if every_seconds:
            refresh_stale_packages.using(
                run_after=timezone.now() + timedelta(seconds=every_seconds)
            ).enqueue(stale_hours=stale_hours, every_seconds=every_seconds)


def enqueue_package_fetch(package_id: int) -> None:
    """Fetch a package in the background once the current transaction commits."""
    transaction.on_commit(lambda: fetch_package.enqueue(package_id))
