"""A person's request to refresh a package now: rate limited, then queued as a task.

Above `services` and `tasks` (it enqueues the task that runs `services`), so neither
needs to import it back.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from packagegrid.catalog.models import Package
from packagegrid.fetchers.tasks import enqueue_package_fetch
from packagegrid.limits.services import limit_clear, limit_exceeded


class RefreshRefused(Exception):
    """A refresh request over its rate limit; the message says when to try again."""


REFRESH_PER_USER_PER_HOUR = 10
REFRESH_PACKAGE_INTERVAL = timedelta(minutes=10)


def package_request_refresh(*, package: Package, user: AbstractBaseUser | AnonymousUser) -> None:
    """Enqueue a background fetch of `package` for a person.

    Each person may ask REFRESH_PER_USER_PER_HOUR times an hour, and a package is
    refreshed at most once per REFRESH_PACKAGE_INTERVAL whoever asks. Raises
    RefreshRefused (and enqueues nothing) beyond that.
    """
    # Counted in the limits store that every worker process shares.
    interval = int(REFRESH_PACKAGE_INTERVAL.total_seconds())
    package_id = str(package.pk)
    if limit_exceeded(scope="refresh-package", subject=package_id, limit=1, period=interval):
        raise RefreshRefused(
            f"{package.title} was refreshed a moment ago; try again in a few minutes."
        )
    if limit_exceeded(
        scope="refresh-user", subject=str(user.pk), limit=REFRESH_PER_USER_PER_HOUR, period=3600
    ):
        limit_clear(scope="refresh-package", subject=package_id)
        raise RefreshRefused("You have asked for many refreshes this hour; try again later.")
    enqueue_package_fetch(package.pk)
