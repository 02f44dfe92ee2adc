"""The daily re-check of maintainer claims, run by `packagegrid worker` (see
`packagegrid schedule_maintainer_recheck`)."""

from __future__ import annotations

from django.tasks import task

from packagegrid.lib.daily import enqueue_next
from packagegrid.maintainers.services import maintainer_claims_recheck


@task()
def recheck_maintainer_claims(at: str = "") -> list[str]:
    """Ask GitHub again about the claims not confirmed lately; returns what was done.

    With `at` (`HH:MM`, UTC), enqueue the next run for the next such time, so that one
    enqueued run keeps the re-checks going every day.
    """
    try:
        return [str(maintainer_claims_recheck())]
    finally:
        if at:
            enqueue_next(recheck_maintainer_claims, at=at)
