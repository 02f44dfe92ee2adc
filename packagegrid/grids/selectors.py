"""Reads of grid data, shaped for the pages and APIs that use them."""

from dataclasses import dataclass

from django.db.models import F, OrderBy, Prefetch, QuerySet

from packagegrid.catalog.models import Package, PyPIData, RepoData
from packagegrid.catalog.selectors import last_release_subquery, usage_count_subquery
from packagegrid.grids.models import Element, Feature, Grid, GridPackage


def grid_list_for_api() -> QuerySet[Grid]:
    """Grids newest id first, with their package ids: two queries a page (plus the count)."""
    package_links = GridPackage.objects.only("grid_id", "package_id").order_by("package_id")
    return Grid.objects.prefetch_related(
        Prefetch("grid_packages", queryset=package_links)
    ).order_by("-id")


# Sort key (the `sort` query parameter of the grid page) -> ORDER BY on the packages.
GRID_COMPARISON_SORTS: dict[str, tuple[str, list[OrderBy]]] = {
    "stars": ("Stars", [F("repo_data__stars").desc(nulls_last=True)]),
    "forks": ("Forks", [F("repo_data__forks").desc(nulls_last=True)]),
    "last_commit": ("Last commit", [F("repo_data__last_commit_at").desc(nulls_last=True)]),
    "usage": ("Usage", [F("usage").desc()]),
    "title": ("Title", []),
}
DEFAULT_GRID_COMPARISON_SORT = "stars"


@dataclass(frozen=True, slots=True)
class ComparisonColumn:
    """One package of the grid, with what the standard rows show."""

    package: Package  # annotated with `usage` and `last_released`
    repo: RepoData | None  # None when never fetched
    pypi: PyPIData | None  # None when never fetched
    description: str  # the code host's, else PyPI's summary
    license: str


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One feature of the grid and its cell text per column ("" when no cell)."""

    feature: Feature
    cells: list[str]


@dataclass(frozen=True, slots=True)
class GridComparison:
    grid: Grid
    sort: str  # the sort applied (a key of GRID_COMPARISON_SORTS)
    columns: list[ComparisonColumn]
    rows: list[ComparisonRow]


def grid_comparison(*, grid: Grid, sort: str) -> GridComparison:
    """The comparison table of all of `grid`'s packages, in three queries.

    Columns are the packages ordered by `sort` (an unknown key means
    DEFAULT_GRID_COMPARISON_SORT; ties break on title); rows are the features in their
    own order, with each cell's raw text (escaping is the template's job).
    """
    if sort not in GRID_COMPARISON_SORTS:
        sort = DEFAULT_GRID_COMPARISON_SORT
    _, ordering = GRID_COMPARISON_SORTS[sort]
    packages = list(
        Package.objects.filter(grid_packages__grid=grid)
        .select_related("category", "repo_data", "pypi_data")
        .defer("repo_data__participants", "pypi_data__classifiers", "pypi_data__project_urls")
        .annotate(usage=usage_count_subquery(), last_released=last_release_subquery())
        .order_by(*ordering, "title", "id")
    )
    features = list(Feature.objects.filter(grid=grid).order_by("id"))
    texts = {
        (package_id, feature_id): text
        for package_id, feature_id, text in Element.objects.filter(
            grid_package__grid=grid
        ).values_list("grid_package__package_id", "feature_id", "text")
    }
    columns = []
    for package in packages:
        repo = getattr(package, "repo_data", None)
        pypi = getattr(package, "pypi_data", None)
        columns.append(
            ComparisonColumn(
                package=package,
                repo=repo,
                pypi=pypi,
                description=(repo.description if repo else "") or (pypi.summary if pypi else ""),
                license=(repo.license if repo else "") or (pypi.license if pypi else ""),
            )
        )
    rows = [
        ComparisonRow(
            feature=feature,
            cells=[texts.get((package.pk, feature.pk), "") for package in packages],
        )
        for feature in features
    ]
    return GridComparison(grid=grid, sort=sort, columns=columns, rows=rows)
