"""Upgrading a database that already has documents: `migrate` alone makes them searchable
by stem and brings their health in, without a reindex."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from packagegrid.catalog.models import Package
from packagegrid.conftest import make_grid, make_health, make_package
from packagegrid.search.models import SearchDocument
from packagegrid.search.selectors import search_items
from packagegrid.search.services import search_index_package


@pytest.mark.django_db(transaction=True)
def test_migrating_builds_the_stemmed_index_from_the_stored_documents() -> None:
    make_package(slug="django-carrot", repo={"description": "A task queue"})
    make_package(slug="django-other", repo={"description": "Forms"})
    MigrationExecutor(connection).migrate([("search", "0004_seed_synonyms")])
    executor = MigrationExecutor(connection)  # a fresh one, as a new `migrate` would be
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert [item.slug for item in search_items(query="tasks")] == ["django-carrot"]


@pytest.mark.django_db(transaction=True)
def test_migrating_turns_the_status_facet_into_the_stored_lifecycle() -> None:
    scored = make_package(slug="django-scored", repo={"description": "Ponies"})
    make_health(scored, 64, "abandoned")
    archived = make_package(slug="django-archived", repo={"archived": True})
    make_health(archived, 30, "active")
    replaced = make_package(slug="django-replaced", replaced_by=scored)
    unscored = make_package(slug="django-unscored")
    executor = MigrationExecutor(connection)
    executor.migrate([("search", "0005_stemmed_index")])
    old = executor.loader.project_state([("search", "0005_stemmed_index")]).apps
    documents = old.get_model("search", "SearchDocument").objects
    statuses = {scored.pk: "active", archived.pk: "archived", replaced.pk: "deprecated"}
    for package_id, status in {**statuses, unscored.pk: "active"}.items():
        documents.filter(package_id=package_id).update(
            facets=f"type=package\nstatus={status}\npypi=yes", quality=77
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    found = {
        d.package_id: (d.facets, d.health_score, d.lifecycle, d.quality)
        for d in SearchDocument.objects.filter(kind="package")
    }
    listing = "\nlisting=reviewed"  # added by 0008
    assert found == {
        scored.pk: (f"type=package\nlifecycle=abandoned\npypi=yes{listing}", 64, "abandoned", 64),
        archived.pk: (f"type=package\nlifecycle=archived\npypi=yes{listing}", 30, "archived", 30),
        replaced.pk: (
            f"type=package\nlifecycle=deprecated\npypi=yes{listing}",
            None,
            "deprecated",
            0,
        ),
        unscored.pk: (f"type=package\npypi=yes{listing}", None, "", 0),
    }
    # The full-text tables still follow every write (SQLite rebuilt the table).
    assert [item.slug for item in search_items(query="ponies")] == ["django-scored"]
    make_package(slug="django-later", repo={"description": "Ponies later"})
    assert sorted(item.slug for item in search_items(query="ponies")) == [
        "django-later",
        "django-scored",
    ]


@pytest.mark.django_db(transaction=True)
def test_migrating_marks_discovered_documents_and_adds_the_listing_facet() -> None:
    curated = make_package(slug="django-curated", repo={"description": "Ponies"})
    found = make_package(slug="django-found", reviewed=False, repo={"description": "Ponies"})
    grid = make_grid(slug="ponies")
    executor = MigrationExecutor(connection)
    executor.migrate([("search", "0007_searchdocument_downloads")])
    old = executor.loader.project_state([("search", "0007_searchdocument_downloads")]).apps
    documents = old.get_model("search", "SearchDocument").objects
    documents.filter(kind="package").update(facets="type=package\npypi=yes")
    documents.filter(kind="grid").update(facets="type=grid")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    found_documents = {
        (d.package_id or d.grid_id, d.kind): (d.facets, d.reviewed)
        for d in SearchDocument.objects.all()
    }
    assert found_documents == {
        (curated.pk, "package"): ("type=package\npypi=yes\nlisting=reviewed", True),
        (found.pk, "package"): ("type=package\npypi=yes\nlisting=discovered", False),
        (grid.pk, "grid"): ("type=grid\nlisting=reviewed", True),
    }
    # Rewritten documents carry the same facet as migrated ones.
    Package.objects.filter(pk=found.pk).update(title="django-found!")
    search_index_package(package_id=found.pk)
    assert SearchDocument.objects.get(package=found).facets.split("\n")[1] == "listing=discovered"
    # The full-text tables still follow every write (SQLite rebuilt the table).
    assert {item.slug for item in search_items(query="ponies")} == {
        "django-curated",
        "django-found",
        "ponies",
    }
