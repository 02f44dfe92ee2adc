"""Tests for the readiness pages' read model (`ProductSupport`): it follows every fetch
and review, and the pages read from it rank as the live compatibility rows do."""

from __future__ import annotations

from datetime import date

import pytest

from packagegrid.catalog.models import Package
from packagegrid.conftest import make_health, make_package, make_usage, make_user
from packagegrid.discovery.services import discovery_accept
from packagegrid.health.models import Compatibility, ProductSupport
from packagegrid.health.selectors import _readiness_counts, readiness_packages, readiness_page
from packagegrid.health.services import product_support_store
from packagegrid.health.tests.support import apply_pypi

pytestmark = pytest.mark.django_db

DJANGO = "Framework :: Django :: {}"
TODAY = date(2026, 12, 6)


def support(package: Package) -> dict[str, tuple[str, bool]]:
    rows = ProductSupport.objects.filter(package=package)
    return {row.product: (row.versions, row.listed) for row in rows}


def page_slugs(version: str) -> tuple[list[str], dict[str, int]]:
    page = readiness_page(product="django", version=version, page=1, today=TODAY)
    return [p.slug for p in page.packages], page.counts


def test_it_follows_each_fetch_of_the_compatibility_rows() -> None:
    package = make_package()
    apply_pypi(package, classifiers=[DJANGO.format("5.2"), DJANGO.format("4.2")])
    assert support(package) == {"django": (" 4.2 5.2 ", True)}
    assert page_slugs("5.2")[1] == {"ready": 1, "not_declared": 0, "unknown": 0}

    apply_pypi(
        package, classifiers=[DJANGO.format("5.1"), "Programming Language :: Python :: 3.13"]
    )
    assert support(package) == {"django": (" 5.1 ", True), "python": (" 3.13 ", True)}
    assert page_slugs("5.2")[1] == {"ready": 0, "not_declared": 1, "unknown": 0}

    apply_pypi(package, classifiers=[])
    assert support(package) == {}
    assert page_slugs("5.2")[1] == {"ready": 0, "not_declared": 0, "unknown": 1}


def test_it_does_not_match_a_longer_release_with_the_same_start() -> None:
    package = make_package()
    apply_pypi(package, classifiers=["Programming Language :: Python :: 3.10"])

    # No known release is another's start yet (Python 3.1 is too old to be listed), so
    # the status query is asked directly.
    counts = _readiness_counts("python", "3.1")

    assert support(package) == {"python": (" 3.10 ", True)}
    assert counts == {"ready": 0, "not_declared": 1, "unknown": 0}


def test_a_discovered_package_counts_once_accepted() -> None:
    listed = make_package()
    apply_pypi(listed, classifiers=[DJANGO.format("4.2")])
    discovered = make_package(reviewed=False)
    apply_pypi(discovered, classifiers=[DJANGO.format("5.2")])
    assert support(discovered) == {"django": (" 5.2 ", False)}
    assert page_slugs("5.2") == (
        [listed.slug],
        {"ready": 0, "not_declared": 1, "unknown": 0},
    )

    discovery_accept(package=discovered, user=make_user("reviewer", staff=True))

    assert support(discovered) == {"django": (" 5.2 ", True)}
    assert page_slugs("5.2") == (
        [discovered.slug, listed.slug],
        {"ready": 1, "not_declared": 1, "unknown": 0},
    )


def test_the_pages_rank_as_the_live_compatibility_rows_after_edits() -> None:
    packages = [make_package(title=f"P {n % 4}", repo={"stars": n % 3}) for n in range(12)]
    for n, package in enumerate(packages):
        if n % 4:
            apply_pypi(package, classifiers=[DJANGO.format("5.2" if n % 2 else "4.2")])
        if n % 5 == 0:
            make_health(package, 30 + n)
        if n % 3 == 0:
            make_usage(package)
    # A refresh changes some packages' releases; another loses them all.
    apply_pypi(packages[2], classifiers=[DJANGO.format("5.2")])
    apply_pypi(packages[3], classifiers=[])

    for version in ("5.2", "4.2", "6.0"):
        live = [p.slug for p in readiness_packages(product="django", version=version)]
        assert page_slugs(version)[0] == live


def test_a_bulk_rewrite_matches_what_the_fetches_wrote() -> None:
    packages = [make_package() for _ in range(3)]
    apply_pypi(packages[0], classifiers=[DJANGO.format("5.2"), DJANGO.format("4.2")])
    apply_pypi(packages[1], classifiers=["Programming Language :: Python :: 3.12"])
    written = {package.pk: support(package) for package in packages}
    ProductSupport.objects.all().delete()
    assert Compatibility.objects.exists()

    product_support_store(package_ids=[package.pk for package in packages])

    assert {package.pk: support(package) for package in packages} == written
