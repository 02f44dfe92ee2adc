"""Writing the search index: in the writer's transaction, the moment data changes.

`search_index_package(package_id=...)` and `search_index_grid(grid_id=...)` rewrite one
document (three queries); the model signal receivers in `receivers.py` call them for every
save and delete of the records a document is made of, inside the same transaction, so a
new or edited package is found as soon as it is committed. Inside
`search_index_deferred()` the calls only collect ids, and each record is indexed once when
the block ends (bulk loads, fetch results that touch several rows). `search_reindex()`
rebuilds everything: after bulk inserts that send no signals, and for recovery.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F

from packagegrid.catalog.models import Category, Package
from packagegrid.catalog.selectors import last_release_subquery, usage_count_subquery
from packagegrid.downloads.selectors import downloads_of
from packagegrid.grids.models import Grid, GridPackage
from packagegrid.search.backends import search_backend
from packagegrid.search.documents import PackageFacts, grid_document, package_document
from packagegrid.search.models import CategoryCounts, SearchDocument
from packagegrid.search.selectors import VOCABULARY_CACHE_KEY

BATCH_SIZE = 500

_DOCUMENT_FIELDS = [
    "kind",
    "slug",
    "title",
    "description",
    "category",
    "created",
    "modified",
    "stars",
    "forks",
    "usage",
    "downloads",
    "participants",
    "last_commit_at",
    "last_release_at",
    "health_score",
    "lifecycle",
    "reviewed",
    "key",
    "name_text",
    "title_text",
    "body_text",
    "other_text",
    "readme_text",
    "quality",
    "facets",
    "package_category",
    "summary",
    "archived",
    "deprecated",
    "health_lifecycle",
    "commits_over_52",
    "package_count",
    "is_featured",
]


@dataclass(slots=True)
class _Pending:
    package_ids: set[int] = field(default_factory=set)
    grid_ids: set[int] = field(default_factory=set)
    everything: bool = False


_pending: ContextVar[_Pending | None] = ContextVar("search_index_pending", default=None)


@dataclass(frozen=True, slots=True)
class ReindexReport:
    packages: int
    grids: int

    def __str__(self) -> str:
        return f"Search index rebuilt: {self.packages} packages, {self.grids} grids."


@contextmanager
def search_index_deferred() -> Iterator[None]:
    """Collect index updates made inside the block and apply each once when it ends.

    Use it (or decorate with it) around code that changes many rows, inside the
    transaction that changes them. Nested blocks defer to the outermost. When the block
    raises, nothing is indexed: inside a transaction its changes roll back too; outside
    one, run `packagegrid search_reindex`.
    """
    if _pending.get() is not None:
        yield
        return
    pending = _Pending()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending.everything:
        search_reindex()
        return
    _index_packages(pending.package_ids)
    _index_grids(pending.grid_ids)


def search_index_package(*, package_id: int) -> None:
    """Rewrite the package's document, or remove it when the package is gone."""
    search_index_packages(package_ids=[package_id])


def search_index_packages(*, package_ids: Iterable[int]) -> None:
    """Rewrite the documents of these packages (a constant number of queries)."""
    pending = _pending.get()
    if pending is not None:
        pending.package_ids.update(package_ids)
    else:
        _index_packages(set(package_ids))


def search_index_grid(*, grid_id: int) -> None:
    """Rewrite the grid's document, or remove it when the grid is gone."""
    search_index_grids(grid_ids=[grid_id])


def search_index_grids(*, grid_ids: Iterable[int]) -> None:
    pending = _pending.get()
    if pending is not None:
        pending.grid_ids.update(grid_ids)
    else:
        _index_grids(set(grid_ids))


@transaction.atomic
def search_reindex() -> ReindexReport:
    """Rebuild the whole index in one transaction (readers see the old one until commit).

    Inside `search_index_deferred()` the rebuild happens once, when the block ends, and
    this returns a report of zeros.
    """
    pending = _pending.get()
    if pending is not None:
        pending.everything = True
        return ReindexReport(packages=0, grids=0)
    SearchDocument.objects.all().delete()
    package_ids = list(Package.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(package_ids), BATCH_SIZE):
        _write_packages(package_ids[start : start + BATCH_SIZE], replace=False)
    grid_ids = list(Grid.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(grid_ids), BATCH_SIZE):
        _write_grids(grid_ids[start : start + BATCH_SIZE], replace=False)
    search_recount_categories(category_ids=Category.objects.values_list("pk", flat=True))
    search_backend().after_rebuild()
    # The next misspelt query reads the new words (the cached list would age out anyway).
    transaction.on_commit(lambda: cache.delete(VOCABULARY_CACHE_KEY))
    return ReindexReport(packages=len(package_ids), grids=len(grid_ids))


def _index_packages(package_ids: set[int]) -> None:
    ids = sorted(package_ids)
    for start in range(0, len(ids), BATCH_SIZE):
        _write_packages(ids[start : start + BATCH_SIZE], replace=True)


def _index_grids(grid_ids: set[int]) -> None:
    ids = sorted(grid_ids)
    for start in range(0, len(ids), BATCH_SIZE):
        _write_grids(ids[start : start + BATCH_SIZE], replace=True)


def _write_packages(ids: list[int], *, replace: bool) -> None:
    """Index one batch: 3 queries, one more when some packages are gone, one more when
    documents are added or change category or review state (their categories' counts)."""
    packages = (
        Package.objects.filter(pk__in=ids)
        .select_related("category", "repo_data", "pypi_data", "health", "downloads", "readme")
        .defer("readme__source", "readme__html")
        .annotate(
            search_usage=usage_count_subquery(),
            search_released=last_release_subquery(),
            # What the document held, to count its category again only when that changes.
            search_had=F("search_document__id"),
            search_was_in=F("search_document__package_category_id"),
            search_was_reviewed=F("search_document__reviewed"),
        )
    )
    grids: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for package_id, slug, title in (
        GridPackage.objects.filter(package_id__in=ids)
        .order_by("grid__title", "grid_id")
        .values_list("package_id", "grid__slug", "grid__title")
    ):
        grids[package_id].append((slug, title))
    documents = [
        package_document(
            PackageFacts(
                package=package,
                # A missing one-to-one row raises an AttributeError subclass: None here.
                repo=getattr(package, "repo_data", None),
                pypi=getattr(package, "pypi_data", None),
                usage=package.search_usage,  # type: ignore[attr-defined]  # annotation
                last_release_at=package.search_released,  # type: ignore[attr-defined]  # annotation
                grids=grids[package.pk],
                health=getattr(package, "health", None),
                downloads=downloads.last_month if (downloads := downloads_of(package)) else 0,
                readme=readme.text if (readme := getattr(package, "readme", None)) else "",
            )
        )
        for package in packages
    ]
    recount: set[int | None] = set()
    for package in packages:
        was_in = getattr(package, "search_was_in")  # noqa: B009  # annotations
        if (
            getattr(package, "search_had") is None  # noqa: B009
            or was_in != package.category_id
            or getattr(package, "search_was_reviewed") != package.reviewed  # noqa: B009
        ):
            recount.update((package.category_id, was_in))
    _save(documents, ids, target="package", replace=replace)
    search_recount_categories(category_ids=recount)


def _write_grids(ids: list[int], *, replace: bool) -> None:
    grids = Grid.objects.filter(pk__in=ids).annotate(search_size=Count("grid_packages"))
    documents = [grid_document(grid, package_count=grid.search_size) for grid in grids]
    _save(documents, ids, target="grid", replace=replace)


def search_recount_categories(*, category_ids: Iterable[int | None]) -> None:
    """Count the packages of these categories again from their documents, in one query:
    after documents are added or removed or change category or review state, and after a
    package's delete (its document goes with it, by cascade, without passing here)."""
    wanted = sorted({pk for pk in category_ids if pk is not None})
    if not wanted:
        return
    documents, counts = SearchDocument._meta.db_table, CategoryCounts._meta.db_table
    categories = Category._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {counts} (category_id, packages, reviewed)"
            " SELECT c.id, COUNT(d.id), COALESCE(SUM(CASE WHEN d.reviewed THEN 1 ELSE 0 END), 0)"
            f" FROM {categories} c LEFT JOIN {documents} d"
            " ON d.package_category_id = c.id AND d.kind = %s"
            f" WHERE c.id IN ({', '.join(['%s'] * len(wanted))}) GROUP BY c.id"
            " ON CONFLICT (category_id)"
            " DO UPDATE SET packages = excluded.packages, reviewed = excluded.reviewed",
            [SearchDocument.Kind.PACKAGE, *wanted],
        )


def _save(documents: list[SearchDocument], ids: list[int], *, target: str, replace: bool) -> None:
    if not replace:
        SearchDocument.objects.bulk_create(documents)
        return
    if documents:
        SearchDocument.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=[target],
            update_fields=_DOCUMENT_FIELDS,
        )
    found = {getattr(d, f"{target}_id") for d in documents}
    if gone := [pk for pk in ids if pk not in found]:
        SearchDocument.objects.filter(**{f"{target}_id__in": gone}).delete()
