"""Review of high-impact edits: a newcomer's change to a package's repository or its
replacement ("deprecated, replaced by") waits for staff instead of taking effect.

Both can take a package's page, data and search rank away from its real project, so
they are held until the author has a record of edits that took effect
(settings.TRUSTED_EDITS); staff are never held. Other fields of the same edit are saved
at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from packagegrid.catalog.history_services import field_values
from packagegrid.catalog.models import EditRecord, Package, PendingChange
from packagegrid.catalog.services import check_package_changes, package_update

# The fields whose change by a newcomer waits for review.
REVIEWED_FIELDS = frozenset({"repo_url", "replaced_by"})
FIELD_LABELS = {"repo_url": "repository URL", "replaced_by": "replacement"}


@dataclass(frozen=True, slots=True)
class ReviewedUpdate:
    package: Package  # as saved (fresh from the database)
    pending: PendingChange | None  # what waits for review; None when nothing does


class PendingChangeRefused(Exception):
    """The pending change cannot be resolved as asked; the message says why."""


def edits_need_review(user: User) -> bool:
    """True when `user`'s changes to REVIEWED_FIELDS wait for staff: not staff, and fewer
    than settings.TRUSTED_EDITS edits of theirs took effect (created or updated something;
    approved changes count, as they are recorded as the author's edits). One query."""
    if user.is_staff:
        return False
    needed = settings.TRUSTED_EDITS
    applied = EditRecord.objects.filter(
        user=user, action__in=[EditRecord.Action.CREATE, EditRecord.Action.UPDATE]
    )
    return applied[:needed].count() < needed


@transaction.atomic
def package_update_reviewed(
    *, package: Package, user: User, expected_version: int | None = None, **fields: Any
) -> ReviewedUpdate:
    """`package_update`, except that when `user`'s edits need review (see
    `edits_need_review`) a change to REVIEWED_FIELDS is checked the same way and then held
    as a PendingChange. The other fields are saved at once. Raises what `package_update`
    raises, with nothing saved or held.
    """
    held = {name: fields.pop(name) for name in REVIEWED_FIELDS.intersection(fields)}
    pending = None
    if held and edits_need_review(user):
        current = Package.objects.select_for_update().get(pk=package.pk)
        before, changed = check_package_changes(current, held)
        if changed:
            after = field_values(current, changed)
            pending = PendingChange.objects.create(
                package=current,
                user=user,
                changes={name: [before[name], after[name]] for name in changed},
            )
    else:
        fields.update(held)
    saved = package_update(package=package, user=user, expected_version=expected_version, **fields)
    return ReviewedUpdate(package=saved, pending=pending)


@transaction.atomic
def pending_change_resolve(*, change: PendingChange, user: User, approve: bool) -> PendingChange:
    """Approve (apply as the author's edit) or reject an open pending change as `user`.

    Raises PendingChangeRefused, with nothing changed, when someone resolved it first, or
    on approval when the package's value changed since it was proposed (a newer edit must
    not be overwritten unseen) or the proposed replacement no longer exists. An approved
    change goes through `package_update`, so it is validated again and recorded in the
    history; its ValidationError or DuplicateRepository propagate.
    """
    now = timezone.now()
    status = PendingChange.Status.APPROVED if approve else PendingChange.Status.REJECTED
    claimed = PendingChange.objects.filter(pk=change.pk, status=PendingChange.Status.OPEN).update(
        status=status, resolved_by=user, resolved_at=now
    )
    if not claimed:
        raise PendingChangeRefused("This change was already reviewed.")
    if approve:
        current = Package.objects.select_for_update().get(pk=change.package_id)
        values: dict[str, Any] = {}
        for name, (before, after) in sorted(change.changes.items()):
            if field_values(current, [name])[name] != before:
                raise PendingChangeRefused(
                    f"The {FIELD_LABELS[name]} changed since this was proposed: reject it, "
                    "and the author can propose it again."
                )
            values[name] = _field_value(name, after)
        package_update(package=current, user=change.user or user, **values)
    change.status, change.resolved_by, change.resolved_at = status, user, now
    return change


def _field_value(name: str, stored: Any) -> Any:
    """The edit history's form of a value (an id for `replaced_by`) as `package_update`
    takes it (the package)."""
    if name != "replaced_by" or stored is None:
        return stored
    replacement = Package.objects.filter(pk=stored).first()
    if replacement is None:
        raise PendingChangeRefused("The proposed replacement package no longer exists.")
    return replacement
