"""Lifecycle changes: recorded when a recomputed lifecycle differs from the stored one."""

from __future__ import annotations

from datetime import date

import pytest

from packagegrid.catalog.models import RepoData
from packagegrid.conftest import make_package
from packagegrid.health.models import LifecycleChange, PackageHealth
from packagegrid.health.scores import package_health_recompute

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 6)


def test_it_records_nothing_for_a_first_score_or_an_unchanged_lifecycle() -> None:
    make_package()
    package_health_recompute(today=TODAY)
    package_health_recompute(today=TODAY)
    assert PackageHealth.objects.count() == 1
    assert not LifecycleChange.objects.exists()


def test_it_records_a_changed_lifecycle_with_its_reason_once() -> None:
    package = make_package()
    other = make_package()
    package_health_recompute(today=TODAY)
    before = PackageHealth.objects.get(package=package).lifecycle
    RepoData.objects.filter(package=package).update(archived=True)
    package_health_recompute(today=TODAY)
    package_health_recompute(today=TODAY)
    change = LifecycleChange.objects.get()
    health = PackageHealth.objects.get(package=package)
    assert (change.package, change.previous, change.lifecycle) == (package, before, "archived")
    assert change.reason == health.lifecycle_reason
    assert change.changed_at == health.computed_at
    assert not LifecycleChange.objects.filter(package=other).exists()
