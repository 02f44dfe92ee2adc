"""Writing the index: one document per record, in the writer's transaction."""

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from packagegrid.benchmarks.data import bench_data_build
from packagegrid.catalog.djangopackages import import_lines
from packagegrid.catalog.models import Package, RepoData
from packagegrid.conftest import make_grid, make_package
from packagegrid.demo.loader import DATA_FILE as DEMO_FILE
from packagegrid.fetchers.services import package_apply_pypi, package_apply_repo
from packagegrid.fetchers.types import PyPIFetch, PyPIProject, ReleaseInfo, RepoFetch, RepoInfo
from packagegrid.search.models import SearchDocument
from packagegrid.search.selectors import search_index_is_complete, search_items
from packagegrid.search.services import (
    search_index_deferred,
    search_index_package,
    search_index_packages,
    search_reindex,
)

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def _slugs(query: str) -> list[str]:
    return [item.slug for item in search_items(query=query)]


# Three to build and write the documents, one to count their categories' packages again
# (new documents; an update that moves no package between categories counts nothing).
INDEX_QUERIES = 4


def test_it_indexes_a_new_package_in_four_queries(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    package = make_package(slug="django-sesame")
    SearchDocument.objects.all().delete()
    with django_assert_num_queries(INDEX_QUERIES):
        search_index_package(package_id=package.pk)
    assert SearchDocument.objects.get().slug == "django-sesame"


def test_it_indexes_many_packages_in_the_same_number_of_queries(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    ids = [make_package().pk for _ in range(30)]
    with django_assert_num_queries(INDEX_QUERIES - 1):  # no count changes
        search_index_packages(package_ids=ids)
    assert SearchDocument.objects.filter(kind="package").count() == 30


def test_it_rewrites_a_document_in_place() -> None:
    package = make_package(title="oldtitle")
    document_id = SearchDocument.objects.get(package=package).pk
    Package.objects.filter(pk=package.pk).update(title="newtitle")  # no signal
    search_index_package(package_id=package.pk)
    assert SearchDocument.objects.get(package=package).pk == document_id
    assert _slugs("newtitle") == [package.slug]
    assert _slugs("oldtitle") == []


def test_it_skips_a_package_deleted_before_its_turn() -> None:
    package = make_package()
    with search_index_deferred():
        search_index_package(package_id=package.pk)
        package.delete()
    assert not SearchDocument.objects.filter(kind="package").exists()


def test_it_indexes_each_record_once_at_the_end_of_a_deferred_block(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    package = make_package()
    with search_index_deferred():
        for stars in (1, 2, 3):
            RepoData.objects.filter(pk=package.pk).update(stars=stars)
            search_index_package(package_id=package.pk)
        assert SearchDocument.objects.get(package=package).stars != 3
    assert SearchDocument.objects.get(package=package).stars == 3


def test_it_indexes_nothing_when_a_deferred_block_fails() -> None:
    package = make_package(title="before")
    with pytest.raises(RuntimeError), search_index_deferred():
        Package.objects.filter(pk=package.pk).update(title="after")
        search_index_package(package_id=package.pk)
        raise RuntimeError
    assert SearchDocument.objects.get(package=package).title == "before"


def test_it_rolls_the_index_back_with_the_transaction() -> None:
    package = make_package(title="before")
    with pytest.raises(RuntimeError), transaction.atomic():
        package.title = "after"
        package.save()
        assert _slugs("after") == [package.slug]
        raise RuntimeError
    assert _slugs("after") == []
    assert _slugs("before") == [package.slug]


def test_it_rebuilds_everything() -> None:
    packages = [make_package() for _ in range(3)]
    make_grid(title="A grid", slug="a-grid", packages=packages)
    SearchDocument.objects.all().delete()
    report = search_reindex()
    assert (report.packages, report.grids) == (3, 1)
    assert str(report) == "Search index rebuilt: 3 packages, 1 grids."
    assert SearchDocument.objects.count() == 4
    assert _slugs("grid")[0] == "a-grid"  # then its packages, through the grid's title


def test_it_rebuilds_once_at_the_end_of_a_deferred_block() -> None:
    package = make_package()
    SearchDocument.objects.all().delete()
    with search_index_deferred():
        assert search_reindex().packages == 0
        assert not SearchDocument.objects.exists()
    assert SearchDocument.objects.get().package_id == package.pk


def test_it_indexes_what_the_code_host_says_when_it_is_applied() -> None:
    package = make_package(slug="django-widgets", repo={"description": "", "stars": 1})
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
    )
    package_apply_repo(package=package, source="github", fetch=fetch)
    document = SearchDocument.objects.get(package=package)
    assert (document.stars, document.last_commit_at) == (4321, WHEN)
    assert {"lifecycle=archived", "license=MIT"} <= set(document.facets.split("\n"))
    assert _slugs("ponies") == ["django-widgets"]


def test_it_leaves_the_index_alone_when_a_fetch_changes_nothing() -> None:
    package = make_package()
    package_apply_repo(package=package, source="github", fetch=RepoFetch())
    with CaptureQueriesContext(connection) as captured:
        package_apply_repo(package=package, source="github", fetch=RepoFetch())
    assert not [q for q in captured.captured_queries if "search_searchdocument" in q["sql"]]


def test_it_indexes_what_pypi_says_including_the_latest_release() -> None:
    package = make_package(slug="django-widgets", pypi={"latest_version": None})
    project = PyPIProject(
        name="django-widgets",
        summary="Widgets with knobs",
        latest_version="1.0",
        releases=[ReleaseInfo(version="1.0", uploaded_at=WHEN, yanked=False)],
        classifiers=["Framework :: Django :: 5.2", "Programming Language :: Python :: 3.13"],
        requires_python=">=3.12",
        license="BSD-3-Clause",
        development_status="5 - Production/Stable",
        project_urls={},
        documentation_url="",
        keywords="dials, levers",
    )
    package_apply_pypi(package=package, fetch=PyPIFetch(project=project))
    document = SearchDocument.objects.get(package=package)
    assert document.last_release_at == WHEN
    assert {"django=5.2", "python=3.13", "pypi=yes", "license=BSD-3-Clause"} <= set(
        document.facets.split("\n")
    )
    assert _slugs("knobs") == ["django-widgets"]
    assert _slugs("lever") == ["django-widgets"]  # a keyword, by its stem


def test_it_leaves_the_index_complete_after_an_import() -> None:
    lines = DEMO_FILE.read_text(encoding="utf-8").splitlines()[:5]
    import_lines(lines)
    assert search_index_is_complete()
    assert SearchDocument.objects.filter(kind="package").count() == 5


def test_it_leaves_the_index_complete_after_building_benchmark_data() -> None:
    bench_data_build(packages=30, grids=3, users=3)
    assert search_index_is_complete()
    assert SearchDocument.objects.count() == 33
