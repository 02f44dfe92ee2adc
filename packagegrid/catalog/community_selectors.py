"""Community signals' reads: how many people use or favor a package, and whether the
viewer does (as annotations that cost no extra query)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    BooleanField,
    Exists,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Coalesce

from packagegrid.catalog.models import Favorite, Package, Usage
from packagegrid.catalog.selectors import people_count_subquery


def usage_count(*, package: Package) -> int:
    """How many people use `package` (one query)."""
    return Usage.objects.filter(package=package).count()


def favorite_count(*, package: Package) -> int:
    """How many people favor `package` (one query)."""
    return Favorite.objects.filter(package=package).count()


def favorite_count_subquery() -> Coalesce:
    """How many people favor the outer package, as an annotation (0 when nobody)."""
    return people_count_subquery(Favorite)


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
