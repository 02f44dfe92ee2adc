"""Requirements become dependency edges, resolved against the directory, written only when
they change."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from packagegrid.catalog.dependency_services import (
    dependencies_link_package,
    package_apply_dependencies,
    requirements_parse,
)
from packagegrid.catalog.models import Dependency, Package
from packagegrid.conftest import make_dependencies, make_package
from packagegrid.fetchers.services import package_apply_pypi
from packagegrid.fetchers.tests.support import table_writes
from packagegrid.fetchers.types import PyPIFetch, PyPIProject

pytestmark = pytest.mark.django_db


def _edges(package: Package) -> list[tuple[str, str, str, bool, str | None]]:
    return [
        (d.name, d.specifier, d.markers, d.optional, d.target.slug if d.target else None)
        for d in Dependency.objects.filter(package=package).select_related("target")
    ]


def test_it_parses_requirements_keeping_markers_and_skipping_unreadable_lines() -> None:
    parsed = requirements_parse(
        [
            "Django (>=4.2,<6)",
            'asgiref>=3.8; python_version < "3.11"',
            'wagtail>=7; extra == "cms"',
            "this is not ( a requirement",
            "Django_Filter[extras]",
        ]
    )
    assert [(r.name, r.key, r.specifier, r.markers, r.optional) for r in parsed] == [
        ("Django", "django", "<6,>=4.2", "", False),
        ("asgiref", "asgiref", ">=3.8", 'python_version < "3.11"', False),
        ("wagtail", "wagtail", ">=7", 'extra == "cms"', True),
        ("Django_Filter", "django-filter", "", "", False),
    ]


def test_it_resolves_requirements_to_listed_packages_but_never_to_itself() -> None:
    listed = make_package(pypi_url="https://pypi.org/project/django-filter/")
    package = make_package(pypi_url="https://pypi.org/project/django-thing/")
    make_dependencies(
        package, "Django>=5.2", "django_filter>=24", 'django-thing[all]; extra == "all"'
    )
    assert _edges(package) == [
        ("Django", ">=5.2", "", False, None),
        ("django_filter", ">=24", "", False, listed.slug),
        ("django-thing", "", 'extra == "all"', True, None),
    ]


def test_reapplying_the_same_requirements_writes_nothing() -> None:
    make_package(pypi_url="https://pypi.org/project/django-filter/")
    package = make_package()
    make_dependencies(package, "Django>=5.2", "django-filter")
    with CaptureQueriesContext(connection) as queries:
        changed = package_apply_dependencies(
            package=package, requires_dist=["Django>=5.2", "django-filter"]
        )
    assert changed is False
    assert table_writes(queries) == []


def test_changed_requirements_replace_the_stored_ones() -> None:
    package = make_package()
    make_dependencies(package, "Django>=4.2", "requests")
    assert package_apply_dependencies(package=package, requires_dist=["Django>=5.2"]) is True
    assert _edges(package) == [("Django", ">=5.2", "", False, None)]


def test_it_links_requirements_stored_before_their_package_was_listed() -> None:
    package = make_package()
    make_dependencies(package, "django-later>=1")
    later = make_package(pypi_url="https://pypi.org/project/django_later/")
    assert dependencies_link_package(package=later) == 1
    assert _edges(package) == [("django-later", ">=1", "", False, later.slug)]
    # Once the package names another project, the requirement no longer points at it.
    later.pypi_url = "https://pypi.org/project/something-else/"
    later.save(update_fields=["pypi_url"])
    assert dependencies_link_package(package=later) == 1
    assert _edges(package) == [("django-later", ">=1", "", False, None)]
    assert dependencies_link_package(package=later) == 0


def test_the_pypi_apply_step_stores_the_latest_requirements() -> None:
    listed = make_package(pypi_url="https://pypi.org/project/asgiref/")
    package = make_package()
    project = PyPIProject(
        name=package.title,
        summary="",
        latest_version="1.0",
        releases=[],
        classifiers=[],
        requires_python="",
        license="",
        development_status="",
        project_urls={},
        documentation_url="",
        requires_dist=["Django>=5.2", "asgiref>=3.8"],
    )
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert package_apply_pypi(package=package, fetch=PyPIFetch(project=project), now=now)
    assert _edges(package) == [
        ("Django", ">=5.2", "", False, None),
        ("asgiref", ">=3.8", "", False, listed.slug),
    ]


def test_saving_a_package_keeps_its_pypi_key_in_step_with_its_pypi_url() -> None:
    package = make_package(pypi_url="http://pypi.python.org/pypi/Django.Some_Thing")
    assert package.pypi_key == "django-some-thing"
    package.pypi_url = ""
    package.save(update_fields=["pypi_url"])
    assert Package.objects.get(pk=package.pk).pypi_key == ""
