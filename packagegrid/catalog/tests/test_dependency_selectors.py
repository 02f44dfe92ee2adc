"""Dependents, their count and outdated Django pins, in a fixed number of queries."""

from datetime import date

import pytest
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.dependency_selectors import (
    dependents_count_subquery,
    outdated_pins,
    package_dependencies,
)
from packagegrid.catalog.models import Package
from packagegrid.conftest import make_dependencies, make_package

pytestmark = pytest.mark.django_db

# Django 5.2 and 6.0 are in support on this day, 4.2 no longer.
TODAY = date(2026, 12, 6)


def _listed(name: str) -> Package:
    return make_package(title=name, slug=name, pypi_url=f"https://pypi.org/project/{name}/")


def test_it_counts_dependents_outside_extras_once_each() -> None:
    core = _listed("django-core-thing")
    make_dependencies(make_package(), "django-core-thing>=1", 'django-core-thing[x]; os_name=="nt"')
    make_dependencies(make_package(), "django-core-thing")
    make_dependencies(make_package(), 'django-core-thing; extra == "core"')
    counted = Package.objects.annotate(n=dependents_count_subquery()).get(pk=core.pk)
    assert counted.n == 2  # type: ignore[attr-defined]  # annotated


def test_it_flags_a_direct_pin_below_every_supported_django() -> None:
    old = make_package()
    make_dependencies(old, "Django<4", "requests")
    split = make_package()  # old Django only on old Pythons: not a pin
    make_dependencies(
        split, 'Django<4; python_version < "3.8"', 'Django>=5.2; python_version >= "3.8"'
    )
    future = make_package()
    make_dependencies(future, "Django>=99")
    pins = outdated_pins(package_ids=[old.pk, split.pk, future.pk], today=TODAY)
    assert {pk: [p.text for p in found] for pk, found in pins.items()} == {old.pk: ["Django<4"]}


def test_it_flags_a_listed_dependency_that_pins_an_old_django() -> None:
    stuck = _listed("django-stuck")
    make_dependencies(stuck, "Django>=2.2,<4.0")
    package = make_package()
    make_dependencies(package, "Django>=5.2", "django-stuck>=1", 'django-stuck; extra=="x"')
    pins = outdated_pins(package_ids=[package.pk], today=TODAY)[package.pk]
    assert [p.text for p in pins] == ["django-stuck (requires Django<4.0,>=2.2)"]


def test_the_package_page_reads_take_three_queries_whatever_the_counts(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    core = _listed("django-core-thing")
    few = make_package()
    make_dependencies(few, "django-core-thing")
    with django_assert_num_queries(3):
        small = package_dependencies(package=core, today=TODAY)
    make_dependencies(core, "Django<4", "requests", "django-stuck", "asgiref")
    for _ in range(25):
        make_dependencies(make_package(), "django-core-thing")
    with django_assert_num_queries(3):
        large = package_dependencies(package=core, today=TODAY)
    assert (small.dependents_count, large.dependents_count) == (1, 26)
    assert len(large.dependents) == 20
    assert [d.name for d in large.dependencies] == ["Django", "requests", "django-stuck", "asgiref"]
    assert [p.text for p in large.outdated_pins] == ["Django<4"]


def test_the_package_page_reads_every_django_requirement_of_a_listed_dependency() -> None:
    stuck = _listed("django-stuck")
    make_dependencies(stuck, "Django<4.0", "Django<3.2", "requests")
    package = make_package()
    make_dependencies(package, "django-stuck>=1", "requests")
    pins = package_dependencies(package=package, today=TODAY).outdated_pins
    assert len(pins) == 1
    assert pins[0].dependency == "django-stuck"
    assert sorted(pins[0].specifier.split(",")) == ["<3.2", "<4.0"]
