"""Writes of fetch bookkeeping: a source's success or failure on a package's FetchState.

Every fetched source records its outcome here, whatever applies its data (the code host
and PyPI steps in `packagegrid.fetchers.services`, the CI files in
`packagegrid.health.services`), so this module imports neither of them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from packagegrid.caching.services import packages_changed
from packagegrid.catalog.models import Package
from packagegrid.fetchers.models import FetchState, Source
from packagegrid.fetchers.types import FetchFailed

# After the n-th consecutive failure a package waits BACKOFF_BASE * 2**(n-1), at most
# BACKOFF_MAX, before it is tried again; it is never dropped.
BACKOFF_BASE = timedelta(hours=1)
BACKOFF_MAX = timedelta(days=7)


def failure_backoff(consecutive_failures: int) -> timedelta:
    """How long to wait after `consecutive_failures` failures in a row (>= 1)."""
    exponent = min(consecutive_failures - 1, 16)
    backoff: timedelta = BACKOFF_BASE * 2**exponent
    return min(backoff, BACKOFF_MAX)


def _state(package: Package, source: str) -> FetchState:
    state, _ = FetchState.objects.get_or_create(package=package, source=source)
    return state


def package_record_success(
    *,
    package: Package,
    source: str,
    etags: dict[str, str] | None = None,
    now: datetime | None = None,
) -> None:
    """Record that `source` answered (clearing any failure), in one UPDATE.

    `etags` replaces the stored ETags when given. The content version changes only when
    a failure shown on the package page is cleared.
    """
    now = now or timezone.now()
    state = _state(package, source)
    values: dict[str, object] = {
        "last_success_at": now,
        "checked_at": now,
        "error_count": 0,
        "next_attempt_at": None,
        "needs_review": False,
    }
    if etags is not None:
        values["etags"] = etags
    # update(), not save(): saving would signal a content change on every check, and only
    # a cleared failure changes what a page shows.
    FetchState.objects.filter(pk=state.pk).update(**values)
    if state.error_count or state.needs_review:
        packages_changed([package.pk])


@transaction.atomic
def package_record_failure(
    *, package: Package, source: str, error: FetchFailed, now: datetime | None = None
) -> FetchState:
    """Record a failed fetch; stored data is left exactly as it was.

    Counts consecutive failures and schedules the next attempt with exponential backoff
    (or at the rate limit's reset). "not_found" marks the package for staff review; it
    does not deprecate it.
    """
    now = now or timezone.now()
    state = _state(package, source)
    state.error_count += 1
    state.checked_at = now
    state.last_error_at = now
    state.last_error = f"{error.reason}: {error}"[:2000]
    state.next_attempt_at = error.retry_at or now + failure_backoff(state.error_count)
    # pypistats knows only projects downloaded within its window: its 404 says nothing
    # about the project being gone.
    if error.reason == "not_found" and source != Source.PYPISTATS:
        state.needs_review = True
    state.save(
        update_fields=[
            "error_count",
            "checked_at",
            "last_error_at",
            "last_error",
            "next_attempt_at",
            "needs_review",
        ]
    )
    return state
