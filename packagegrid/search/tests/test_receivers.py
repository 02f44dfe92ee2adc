"""Every save and delete of what a document is made of updates the index at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from packagegrid.catalog.models import Package, PyPIData, RepoData, Usage
from packagegrid.conftest import (
    make_category,
    make_grid,
    make_health,
    make_package,
    make_release,
    make_usage,
)
from packagegrid.grids.models import GridPackage
from packagegrid.search.models import SearchDocument
from packagegrid.search.selectors import search_items

pytestmark = pytest.mark.django_db


def _slugs(query: str) -> list[str]:
    return [item.slug for item in search_items(query=query)]


def _document(package: Package) -> SearchDocument:
    return SearchDocument.objects.get(package=package)


def _index_writes(captured: CaptureQueriesContext) -> int:
    return sum("search_searchdocument" in q["sql"] for q in captured.captured_queries)


def test_it_finds_a_new_package_at_once() -> None:
    make_package(slug="django-brand-new")
    assert _slugs("brand new") == ["django-brand-new"]


def test_it_finds_an_edited_package_by_its_new_name() -> None:
    package = make_package(title="oldname", slug="oldname")
    package.title = "newname"
    package.save(update_fields=["title"])
    assert _slugs("newname") == ["oldname"]
    assert _slugs("oldname") == ["oldname"]  # the slug did not change


def test_it_skips_saves_of_fields_no_document_reads() -> None:
    package = make_package()
    with CaptureQueriesContext(connection) as captured:
        package.save(update_fields=["last_fetched", "documentation_url"])
        repo = RepoData.objects.get(pk=package.pk)
        repo.save(update_fields=["fetched_at", "open_issues"])
        pypi = PyPIData.objects.get(pk=package.pk)
        pypi.save(update_fields=["fetched_at"])
    assert _index_writes(captured) == 0


def test_it_follows_fetched_data() -> None:
    package = make_package()
    repo = RepoData.objects.get(pk=package.pk)
    repo.description = "Ponies as a service"
    repo.stars = 77
    repo.save(update_fields=["description", "stars"])
    assert _slugs("ponies")[0] == package.slug
    assert _document(package).stars == 77


def test_it_follows_usage_both_ways() -> None:
    package = make_package()
    make_usage(package, count=2)
    assert _document(package).usage == 2
    Usage.objects.filter(package=package).first().delete()  # type: ignore[union-attr]  # the usage exists
    assert _document(package).usage == 1


def test_it_follows_releases() -> None:
    package = make_package(pypi={"latest_version": None})
    release = make_release(package, "1.0")
    document = _document(package)
    assert document.last_release_at == release.uploaded_at
    assert "pypi=yes" in document.facets.split("\n")
    release.delete()
    assert _document(package).last_release_at is None


def test_it_follows_grid_membership_and_grid_titles() -> None:
    package = make_package()
    grid = make_grid(title="Wonderful tools", slug="wonderful")
    GridPackage.objects.create(grid=grid, package=package)
    assert "grid=wonderful\tWonderful tools" in _document(package).facets.split("\n")
    grid.title = "Marvellous tools"
    grid.save(update_fields=["title"])
    assert _slugs("marvellous") == ["wonderful", package.slug]
    GridPackage.objects.filter(grid=grid).delete()
    assert "grid=wonderful" not in _document(package).facets


def test_it_forgets_a_deleted_grid_everywhere() -> None:
    package = make_package()
    grid = make_grid(title="Doomed", slug="doomed", packages=[package])
    grid.delete()
    assert not SearchDocument.objects.filter(kind="grid").exists()
    assert "doomed" not in _document(package).other_text


def test_it_forgets_a_deleted_package_in_few_queries() -> None:
    package = make_package(slug="django-doomed")
    make_grid(packages=[package])
    make_usage(package, count=5)
    for index in range(5):
        make_release(package, f"1.{index}")
    with CaptureQueriesContext(connection) as captured:
        package.delete()
    assert _slugs("doomed") == []
    # The grid's document changes size; the package's own goes with the package.
    assert _index_writes(captured) <= 3


def test_it_restores_the_lifecycle_of_packages_a_deleted_package_replaced() -> None:
    successor = make_package()
    old = make_package(replaced_by=successor)
    make_health(old, 20, "stale")
    assert "lifecycle=deprecated" in _document(old).facets
    successor.delete()
    assert "lifecycle=stale" in _document(old).facets


def test_it_follows_a_health_score_saved_or_deleted_one_by_one() -> None:
    package = make_package()
    health = make_health(package, 30, "stale")
    document = _document(package)
    assert (document.health_score, document.lifecycle) == (30, "stale")
    health.score, health.lifecycle = 80, "active"
    health.save(update_fields=["score", "lifecycle"])
    document = _document(package)
    assert (document.health_score, document.quality, document.lifecycle) == (80, 80, "active")
    health.lifecycle_reason = "Reworded."
    with CaptureQueriesContext(connection) as captured:
        health.save(update_fields=["lifecycle_reason"])
    assert _index_writes(captured) == 0
    health.delete()
    document = _document(package)
    assert (document.health_score, document.quality, document.lifecycle) == (None, 0, "")


def test_it_follows_a_category_rename() -> None:
    category = make_category(title="Widgets", slug="widgets")
    package = make_package(category=category)
    category.title = "Gadgets"
    category.save()
    document = _document(package)
    assert document.category == "Gadgets"
    assert "category=widgets\tGadgets" in document.facets.split("\n")


def test_it_finds_what_the_editing_services_write() -> None:
    from packagegrid.catalog.services import package_create, package_update
    from packagegrid.conftest import make_user
    from packagegrid.grids.services import grid_add_package, grid_create, grid_update

    user = make_user()
    package = package_create(
        repo_url="https://github.com/example/django-zebra",
        title="django-zebra",
        slug="django-zebra",
        category=make_category(),
        pypi_url="",
        documentation_url="",
        created_by=user,
    )
    assert _slugs("zebra") == ["django-zebra"]
    package_update(package=package, user=user, title="django-okapi")
    assert _slugs("okapi") == ["django-zebra"]
    grid = grid_create(title="Stripes", slug="stripes", description="", user=user)
    grid_add_package(grid=grid, package=package, user=user)
    grid_update(grid=grid, title="Spots", slug="spots", description="", user=user)
    assert _slugs("spots") == ["spots", "django-zebra"]
    assert "grid=spots\tSpots" in _document(package).facets.split("\n")
