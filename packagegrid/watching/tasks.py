"""The daily digest job, run by `packagegrid worker` (see `packagegrid schedule_digests`)."""

from __future__ import annotations

from django.tasks import task

from packagegrid.lib.daily import enqueue_next
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
            enqueue_next(send_watch_digests, at=at)
