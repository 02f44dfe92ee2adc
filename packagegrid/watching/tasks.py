"""The daily digest job, run by `packagegrid worker` (see `packagegrid schedule_digests`)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from packagegrid.dumps.tasks import next_run_at
from packagegrid.watching.services import digests_send


@task()
def send_watch_digests(at: str = "") -> list[str]:
    """Send the e-mail digests that are due; returns what was done. Running it twice
    sends nothing twice (see `packagegrid.watching.services`).

    With `at` (`HH:MM`, UTC), enqueue the next run for the next such time, so that one
    enqueued run keeps the digests going every day.
    """
    try:
        run = digests_send()
        return [f"digests sent: {run.sent}, empty: {run.empty}, failed: {run.failed}"]
    finally:
        if at:
            send_watch_digests.using(run_after=next_run_at(at, now=timezone.now())).enqueue(at=at)
