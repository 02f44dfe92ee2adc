"""Community signals a person gives a package: "I use this" and favorites.

Both are one row per (package, person) under a unique constraint, so a repeated or
concurrent submit can never count a person twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from packagegrid.catalog.models import Favorite, Package, Usage


@dataclass(frozen=True, slots=True)
class Toggle:
    """What a toggle button shows after a change: the person's state and the total."""

    on: bool
    count: int


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


def usage_count(*, package: Package) -> int:
    """How many people use `package` (one query)."""
    return Usage.objects.filter(package=package).count()


def favorite_count(*, package: Package) -> int:
    """How many people favor `package` (one query)."""
    return Favorite.objects.filter(package=package).count()


def favorite_count_subquery() -> Coalesce:
    """How many people favor the outer package, as an annotation (0 when nobody)."""
    counts = (
        Favorite.objects.filter(package=OuterRef("pk"))
        .order_by()
        .values("package")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def viewer_annotations(
    viewer: AbstractBaseUser | AnonymousUser | None,
) -> dict[str, Exists | Value]:
    """`viewer_uses` and `viewer_favorite` annotations for a package queryset.

    Annotated on the query that reads the package, they cost no extra query; for someone
    not logged in they are constant False (no subquery at all).
    """
    user_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    if user_id is None:
        never = Value(False, output_field=BooleanField())
        return {"viewer_uses": never, "viewer_favorite": never}
    mine = Q(package=OuterRef("pk"), user_id=user_id)
    return {
        "viewer_uses": Exists(Usage.objects.filter(mine)),
        "viewer_favorite": Exists(Favorite.objects.filter(mine)),
    }
