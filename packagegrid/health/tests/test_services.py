"""The PyPI apply step stores advisories and compatibility, writing only what changed."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from packagegrid.catalog.models import Package
from packagegrid.conftest import make_package
from packagegrid.fetchers.tests.support import table_writes
from packagegrid.health.models import Advisory, CIMatrix, Compatibility
from packagegrid.health.services import package_apply_compatibility
from packagegrid.health.tests.support import advisory, apply_pypi

pytestmark = pytest.mark.django_db


def _compat(package: Package) -> dict[tuple[str, str], list[str]]:
    return {
        (c.product, c.version): c.sources for c in Compatibility.objects.filter(package=package)
    }


def test_it_stores_compatibility_rows_with_their_sources() -> None:
    package = make_package()
    apply_pypi(
        package,
        classifiers=["Framework :: Django :: 5.2"],
        requires_python=">=3.14",
        requires_dist=["Django>=5.2", 'wagtail>=7.0; extra == "cms"'],
    )
    assert _compat(package) == {
        ("django", "5.2"): ["classifiers", "requires_dist"],
        ("django", "6.0"): ["requires_dist"],
        ("django", "6.1"): ["requires_dist"],
        ("python", "3.14"): ["requires_python"],
        ("python", "3.15"): ["requires_python"],
    }


def test_reapplying_the_same_facts_writes_nothing_but_the_fetch_state() -> None:
    package = make_package()
    facts = {"classifiers": ["Framework :: Django :: 5.2"], "advisories": [advisory()]}
    apply_pypi(package, **facts)  # type: ignore[arg-type]  # facts built loosely
    with CaptureQueriesContext(connection) as queries:
        apply_pypi(package, **facts)  # type: ignore[arg-type]  # facts built loosely
    assert table_writes(queries) == ["UPDATE fetchers_fetchstate"]


def test_a_version_no_source_names_any_more_is_deleted() -> None:
    package = make_package()
    apply_pypi(package, classifiers=["Framework :: Django :: 5.1", "Framework :: Django :: 5.2"])
    apply_pypi(package, classifiers=["Framework :: Django :: 5.2", "Framework :: Django :: 6.0"])
    assert set(_compat(package)) == {("django", "5.2"), ("django", "6.0")}


def test_the_stored_ci_matrix_is_a_source() -> None:
    package = make_package()
    CIMatrix.objects.create(package=package, django=["5.2", "main"], python=["3.13"])
    assert package_apply_compatibility(
        package=package, classifiers=[], requires_python="", requires_dist=[]
    )
    assert _compat(package) == {("django", "5.2"): ["ci"], ("python", "3.13"): ["ci"]}


def test_advisories_follow_pypi_and_keep_withdrawn_ones_apart() -> None:
    package = make_package()
    withdrawn = datetime(2026, 11, 1, tzinfo=UTC)
    apply_pypi(
        package,
        advisories=[advisory("GHSA-1"), advisory("GHSA-2", withdrawn=withdrawn)],
    )
    stored = {a.advisory_id: a for a in Advisory.objects.filter(package=package)}
    assert stored["GHSA-1"].fixed_in == ["2.0.1"]
    assert stored["GHSA-1"].aliases == ["CVE-2026-0001"]
    assert stored["GHSA-2"].withdrawn == withdrawn
    # The next release fixes GHSA-1: PyPI stops listing it against the latest version.
    apply_pypi(package, advisories=[advisory("GHSA-2", withdrawn=withdrawn)])
    assert list(Advisory.objects.filter(package=package).values_list("advisory_id", flat=True)) == [
        "GHSA-2"
    ]
