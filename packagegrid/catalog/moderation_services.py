"""Moderation's writes: people flag packages, staff approve or reject flags and delete
packages (the open flags are read in `moderation_selectors`).

Approving a flag records the decision only. It never changes the package: a "deprecated"
flag is acted on by staff editing the package's "replaced by", which the edit history
then records like any other edit.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from packagegrid.catalog.history_services import edit_record, field_values
from packagegrid.catalog.models import EditRecord, Flag, Package
from packagegrid.catalog.services import PACKAGE_CREATE_FIELDS

# The curated fields a deletion records in the edit history, so it can be audited.
_DELETED_FIELDS = [*PACKAGE_CREATE_FIELDS, "replaced_by"]


class FlagRefused(Exception):
    """The flag cannot be filed; the message says why."""


class FlagAlreadyResolved(Exception):
    """Someone resolved the flag first; nothing was changed."""


def flag_create(*, package: Package, user: User, reason: str, message: str) -> Flag:
    """File a flag on `package`. Raises FlagRefused when `user` already has an open flag
    with the same reason on it (a second one would only make the queue longer)."""
    if Flag.objects.filter(
        package=package, user=user, reason=reason, status=Flag.Status.OPEN
    ).exists():
        raise FlagRefused("You have already flagged this package for this reason.")
    return Flag.objects.create(package=package, user=user, reason=reason, message=message)


def flag_resolve(*, flag: Flag, user: User, approve: bool) -> Flag:
    """Approve or reject an open flag as `user`, recording who and when.

    The status changes only from open (compare-and-set), so two moderators deciding at
    once cannot overwrite each other: the second gets FlagAlreadyResolved.
    """
    now = timezone.now()
    status = Flag.Status.APPROVED if approve else Flag.Status.REJECTED
    updated = Flag.objects.filter(pk=flag.pk, status=Flag.Status.OPEN).update(
        status=status, resolved_by=user, resolved_at=now
    )
    if not updated:
        raise FlagAlreadyResolved("This flag was already resolved.")
    flag.status, flag.resolved_by, flag.resolved_at = status, user, now
    return flag


@transaction.atomic
def package_delete(*, package: Package, user: User) -> None:
    """Delete `package` with everything that hangs off it (fetched data, usage, grid
    membership, flags), recording who deleted it and its curated fields in the history."""
    before = field_values(package, _DELETED_FIELDS)
    edit_record(
        user=user,
        instance=package,
        action=EditRecord.Action.DELETE,
        before=before,
        after={},
    )
    package.delete()
