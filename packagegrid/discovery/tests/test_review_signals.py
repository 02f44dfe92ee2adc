"""Accepting a discovered package flips `reviewed` with a compare-and-set UPDATE, which
sends no signal: the caches and the change feed are told by the service itself."""

from __future__ import annotations

import pytest

from packagegrid.caching.services import PACKAGES, package_key, versions_of
from packagegrid.changes.models import Action, Change, Kind
from packagegrid.conftest import make_package, make_user
from packagegrid.discovery.services import discovery_accept

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_bumps_the_caches_and_records_the_change_on_accept() -> None:
    package = make_package(reviewed=False)
    keys = [PACKAGES, package_key(package.pk), package_key(package.slug)]
    before = versions_of(keys)
    Change.objects.all().delete()

    discovery_accept(package=package, user=make_user("reviewer", staff=True))

    after = versions_of(keys)
    assert all(after[key].token != before[key].token for key in keys)
    assert list(Change.objects.values_list("kind", "object_id", "action", "fields")) == [
        (Kind.PACKAGE, package.pk, Action.UPDATE, ["reviewed"])
    ]
