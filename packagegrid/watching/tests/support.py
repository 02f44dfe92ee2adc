"""Test data of watching: a person watching a package and a grid, and one event of each
kind recorded after a given time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from packagegrid.catalog.models import Package, Release
from packagegrid.conftest import add_to_grid, make_grid, make_package, make_release
from packagegrid.grids.models import Grid
from packagegrid.grids.services import element_set, feature_create, grid_add_package
from packagegrid.health.models import Advisory, LifecycleChange
from packagegrid.watching.models import Watch, WatchSettings


@dataclass
class Watched:
    package: Package
    grid: Grid


def watch(user: User, *, package: Package | None = None, grid: Grid | None = None) -> Watch:
    return Watch.objects.create(user=user, package=package, grid=grid)


def make_settings(user: User, *, digest: str = "daily", covered_until: datetime) -> WatchSettings:
    return WatchSettings.objects.create(
        user=user, digest=digest, digest_covered_until=covered_until
    )


def make_events(user: User, *, editor: User, n: int = 1, title: str = "django-watched") -> Watched:
    """A package and a grid `user` watches, each with `n` events of every kind recorded
    now: releases, lifecycle changes, advisories, and grid edits by `editor`."""
    package = make_package(title=title, slug=title)
    grid = make_grid(title=f"{title} grid", slug=f"{title}-grid")
    watch(user, package=package)
    watch(user, grid=grid)
    now = timezone.now()
    for i in range(n):
        make_release(package, f"2.{i}")
        LifecycleChange.objects.create(
            package=package,
            previous="active",
            lifecycle="stale",
            reason=f"No commit for a year ({i}).",
            changed_at=now,
        )
        Advisory.objects.create(
            package=package, advisory_id=f"GHSA-{i}", summary="XSS in the admin.", fixed_in=["2.1"]
        )
        member = make_package(title=f"{title}-member-{i}")
        link = grid_add_package(grid=grid, package=member, user=editor)
        feature = feature_create(grid=grid, title=f"Async {i}", description="", user=editor)
        element_set(grid_package=link, feature=feature, text="yes", user=editor)
    return Watched(package=package, grid=grid)


def make_unwatched_events() -> None:
    """Events of a package and grid nobody here watches."""
    other = make_package(title="django-other", slug="django-other")
    Release.objects.create(package=other, version="9.0", uploaded_at=timezone.now())
    add_to_grid(make_grid(title="Other grid", slug="other-grid"), other)
