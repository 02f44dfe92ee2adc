"""The lists' read model (the search index's list fields and `CategoryCounts`) stays equal
to the records after every kind of write: a fetch, a health recompute, an edit, usage
added and removed, a category change, a review, a grid change, a delete and a rebuild."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, Q
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.community_services import usage_toggle
from packagegrid.catalog.models import Category, Package
from packagegrid.catalog.moderation_services import package_delete
from packagegrid.catalog.page_selectors import LIST_ROW_FIELDS, ListRow, list_row
from packagegrid.catalog.selectors import usage_count_subquery
from packagegrid.catalog.services import package_update
from packagegrid.conftest import (
    add_to_grid,
    make_category,
    make_grid,
    make_health,
    make_package,
    make_user,
)
from packagegrid.discovery.services import discovery_accept
from packagegrid.fetchers.services import package_apply_pypi, package_apply_repo
from packagegrid.fetchers.types import PyPIFetch, PyPIProject, ReleaseInfo, RepoFetch, RepoInfo
from packagegrid.grids.models import Grid
from packagegrid.health.scores import package_health_recompute
from packagegrid.search.models import CategoryCounts, SearchDocument
from packagegrid.search.services import search_index_package, search_reindex

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def _stored_rows() -> dict[int, dict[str, Any]]:
    return {
        row["package_id"]: row
        for row in SearchDocument.objects.filter(kind="package").values(*LIST_ROW_FIELDS)
    }


def _record_rows() -> dict[int, ListRow]:
    packages = Package.objects.select_related("repo_data", "pypi_data", "health").annotate(
        usage=usage_count_subquery()
    )
    return {package.pk: list_row(package) for package in packages}


def assert_read_model_matches_the_records() -> None:
    assert _stored_rows() == _record_rows()
    categories = {
        document.package_id: (document.package_category_id, document.reviewed)
        for document in SearchDocument.objects.filter(kind="package")
    }
    assert categories == {
        pk: (category_id, reviewed)
        for pk, category_id, reviewed in Package.objects.values_list(
            "pk", "category_id", "reviewed"
        )
    }
    counted = {
        pk: (packages, reviewed)
        for pk, packages, reviewed in Category.objects.annotate(
            n=Count("packages"), r=Count("packages", filter=Q(packages__reviewed=True))
        ).values_list("pk", "n", "r")
    }
    kept = {
        counts.category_id: (counts.packages, counts.reviewed)
        for counts in CategoryCounts.objects.all()
    }
    assert {pk: kept.get(pk, (0, 0)) for pk in counted} == counted
    grids = {
        pk: (size, featured)
        for pk, size, featured in Grid.objects.annotate(n=Count("grid_packages")).values_list(
            "pk", "n", "is_featured"
        )
    }
    assert {
        document.grid_id: (document.package_count, document.is_featured)
        for document in SearchDocument.objects.filter(kind="grid")
    } == grids


@pytest.fixture
def staff_user() -> User:
    return make_user("curator", staff=True)


def test_it_holds_what_a_new_package_shows() -> None:
    package = make_package(repo={"commits_over_52": [1, 0, 3], "archived": True})
    make_health(package, 71, "stale")
    row = _stored_rows()[package.pk]
    assert (row["stars"], row["health_score"], row["health_lifecycle"]) == (
        package.repo_data.stars,
        71,
        "stale",
    )
    assert (row["archived"], row["commits_over_52"]) == (True, [1, 0, 3])
    assert_read_model_matches_the_records()


def test_it_follows_a_fetch_and_a_health_recompute() -> None:
    package = make_package(repo={"description": "", "stars": 3}, pypi={"summary": "Old"})
    fetch = RepoFetch(
        info=RepoInfo(
            stars=4321,
            forks=5,
            description="Reusable ponies",
            archived=True,
            license="MIT",
            open_issues=0,
            default_branch="main",
            homepage="",
            pushed_at=WHEN,
        ),
        last_commit_at=WHEN,
        commits_over_52=[2] * 52,
    )
    package_apply_repo(package=package, source="github", fetch=fetch)
    project = PyPIProject(
        name=package.slug,
        summary="New summary",
        latest_version="1.0",
        releases=[ReleaseInfo(version="1.0", uploaded_at=WHEN, yanked=False)],
        classifiers=[],
        requires_python=">=3.12",
        license="MIT",
        development_status="",
        project_urls={},
        documentation_url="",
    )
    package_apply_pypi(package=package, fetch=PyPIFetch(project=project))
    row = _stored_rows()[package.pk]
    assert (row["stars"], row["description"], row["summary"]) == (
        4321,
        "Reusable ponies",
        "New summary",
    )
    assert row["commits_over_52"] == [2] * 52
    package_health_recompute([package.pk])
    assert _stored_rows()[package.pk]["health_score"] is not None
    assert_read_model_matches_the_records()


def test_it_follows_edits_usage_a_category_change_and_a_review(staff_user: User) -> None:
    apps, tools = make_category(), make_category()
    package = make_package(category=apps)
    other = make_package(category=apps, reviewed=False)
    assert CategoryCounts.objects.get(category=apps).reviewed == 1
    package_update(package=package, user=staff_user, title="Renamed", replaced_by=other)
    usage_toggle(package=package, user=make_user(), on=True)
    user = make_user()
    usage_toggle(package=package, user=user, on=True)
    usage_toggle(package=package, user=user, on=False)
    row = _stored_rows()[package.pk]
    assert (row["title"], row["deprecated"], row["usage"]) == ("Renamed", True, 1)
    package_update(package=package, user=staff_user, category=tools)
    assert CategoryCounts.objects.get(category=apps).packages == 1
    assert CategoryCounts.objects.get(category=tools).packages == 1
    discovery_accept(package=other, user=staff_user)
    assert CategoryCounts.objects.get(category=apps).reviewed == 1
    assert _stored_rows()[other.pk]["title"] == other.title
    assert_read_model_matches_the_records()


def test_it_follows_grids_and_deletes(staff_user: User) -> None:
    category = make_category()
    first, second = make_package(category=category), make_package(category=category)
    grid = make_grid(packages=[first])
    add_to_grid(grid, second)
    grid.is_featured = True
    grid.save()
    assert SearchDocument.objects.get(grid=grid).package_count == 2
    package_delete(package=second, user=staff_user)
    assert SearchDocument.objects.get(grid=grid).package_count == 1
    assert CategoryCounts.objects.get(category=category).packages == 1
    Package.objects.filter(pk=first.pk).delete()
    assert CategoryCounts.objects.get(category=category).packages == 0
    assert_read_model_matches_the_records()


def test_a_rebuild_restores_a_damaged_read_model() -> None:
    package = make_package()
    SearchDocument.objects.filter(package=package).update(stars=999_999, usage=7)
    CategoryCounts.objects.update(packages=42)
    search_reindex()
    assert_read_model_matches_the_records()


def test_a_rewrite_that_changes_no_count_counts_nothing(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    package = make_package()
    with django_assert_num_queries(3):  # the records, their grids, the write
        search_index_package(package_id=package.pk)
    assert_read_model_matches_the_records()


def test_the_list_sort_indexes_exist_after_every_migration() -> None:
    # Three of them are raw SQL (SQLite refuses NULLS LAST in a model index), so Django
    # would not recreate them if a later migration rebuilt the table on SQLite.
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "search_searchdocument"))
    assert {
        "search_doc_list_health_idx",
        "search_doc_cat_health_idx",
        "search_doc_usage_idx",
        "search_doc_newest_idx",
    } <= names
