"""Data migrations of the catalog, run on rows as they were stored before."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from packagegrid.catalog.models import PyPIData
from packagegrid.conftest import make_package

pytestmark = pytest.mark.django_db

normalise_pypi_license = importlib.import_module(
    "packagegrid.catalog.migrations.0002_normalise_pypi_license"
).normalise


def test_it_normalises_the_stored_pypi_license_of_existing_rows() -> None:
    before = {
        # (stored license, stored classifiers): as the previous fetcher stored them.
        "expression": ("MIT OR Apache-2.0", []),
        "short-field": ("Apache 2.0", []),
        "classifier-part": ("BSD License", ["License :: OSI Approved :: BSD License"]),
        "refined": ("BSD-3-Clause", ["License :: OSI Approved :: BSD License"]),
        "classifier-first": ("MIT", ["License :: OSI Approved :: BSD License"]),
        "unknown": ("UNKNOWN", []),
        "already": ("MIT", []),
    }
    packages = {}
    for slug, (license, classifiers) in before.items():
        packages[slug] = make_package(slug=slug)
        PyPIData.objects.filter(package=packages[slug]).update(
            license=license, classifiers=classifiers
        )

    # The step only writes rows; its schema editor is never entered.
    normalise_pypi_license(apps, connection.schema_editor())

    after = dict(PyPIData.objects.values_list("package__slug", "license"))
    assert after == {
        "expression": "MIT OR Apache-2.0",
        "short-field": "Apache-2.0",
        "classifier-part": "BSD",
        "refined": "BSD-3-Clause",
        "classifier-first": "BSD",
        "unknown": "",
        "already": "MIT",
    }
