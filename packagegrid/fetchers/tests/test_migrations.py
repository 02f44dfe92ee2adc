"""Data migrations of the fetch state, run on rows as they were stored before."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from packagegrid.conftest import make_package
from packagegrid.fetchers.models import FetchState

pytestmark = pytest.mark.django_db

forget_pypi_etags = importlib.import_module(
    "packagegrid.fetchers.migrations.0006_refetch_pypi_for_readmes"
).forget_pypi_etags


def test_it_forgets_pypi_etags_so_the_next_refresh_reads_the_readmes() -> None:
    package = make_package()
    etags = {"https://pypi.org/pypi/x/json": '"abc"'}
    FetchState.objects.create(package=package, source="pypi", etags=etags)
    FetchState.objects.create(package=package, source="github", etags={"u": '"def"'})

    # The step only writes rows; its schema editor is never entered.
    forget_pypi_etags(apps, connection.schema_editor())

    states = dict(FetchState.objects.values_list("source", "etags"))
    assert states == {"pypi": {}, "github": {"u": '"def"'}}
