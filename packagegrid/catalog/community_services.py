"""Community signals' writes: a person says "I use this" or favors a package (the counts
are read in `community_selectors`).

Both are one row per (package, person) under a unique constraint, so a repeated or
concurrent submit can never count a person twice.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from packagegrid.catalog.models import Favorite, Package, Usage


def _toggle(
    *,
    model: type[Usage] | type[Favorite],
    package: Package,
    user: User,
    on: bool | None,
) -> bool:
    rows = model._default_manager.filter(package=package, user=user)
    if on is None:
        on = not rows.exists()
    if on:
        # get_or_create retries the read after an IntegrityError, so two concurrent
        # submits both end with the one row the unique constraint allows.
        model._default_manager.get_or_create(package=package, user=user)
    else:
        rows.delete()
    return on


def usage_toggle(*, package: Package, user: User, on: bool | None = None) -> bool:
    """Say (on=True) or unsay (on=False) that `user` uses `package`; returns the new state.

    With `on` given the call is idempotent: submitting the same form twice leaves the same
    state. With `on=None` the current state is flipped.
    """
    return _toggle(model=Usage, package=package, user=user, on=on)


def favorite_toggle(*, package: Package, user: User, on: bool | None = None) -> bool:
    """Add (on=True) or remove (on=False) `package` from `user`'s favorites; returns the new
    state. Same contract as `usage_toggle`."""
    return _toggle(model=Favorite, package=package, user=user, on=on)
