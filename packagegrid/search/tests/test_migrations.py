"""Upgrading a database that already has documents: `migrate` alone makes them searchable
by stem, without a reindex."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from packagegrid.conftest import make_package
from packagegrid.search.selectors import search_items


@pytest.mark.django_db(transaction=True)
def test_migrating_builds_the_stemmed_index_from_the_stored_documents() -> None:
    make_package(slug="django-carrot", repo={"description": "A task queue"})
    make_package(slug="django-other", repo={"description": "Forms"})
    MigrationExecutor(connection).migrate([("search", "0004_seed_synonyms")])
    executor = MigrationExecutor(connection)  # a fresh one, as a new `migrate` would be
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert [item.slug for item in search_items(query="tasks")] == ["django-carrot"]
