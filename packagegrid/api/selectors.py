"""Reads behind API v4's package list, and API v5's grids, categories, releases and
people: each a fixed number of queries a page, whatever its size."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Count, Prefetch, QuerySet

from packagegrid.catalog.models import Category, Package, Release
from packagegrid.grids.models import Element, Feature, Grid, GridPackage

# What API v4's package list shows, as `values()` names (`package_row_v4` reads them).
PACKAGE_ROW_V4_FIELDS = (
    "id",
    "category_id",
    "title",
    "slug",
    "last_fetched",
    "repo_url",
    "created",
    "modified",
    "pypi_url",
    "documentation_url",
    "repo_data__package_id",  # None when the repository was never fetched
    "repo_data__last_commit_at",
    "repo_data__forks",
    "repo_data__description",
    "repo_data__stars",
    "repo_data__commits_over_52",
    "repo_data__participants",
    "pypi_data__latest_version",
)


def package_rows_for_api_v4() -> QuerySet[Package, dict[str, Any]]:
    """API v4's packages (reviewed ones, newest id first) as plain rows of the columns
    the list shows: one query a page, without building four model instances a row."""
    rows: QuerySet[Package, dict[str, Any]] = (
        Package.objects.filter(reviewed=True).order_by("-id").values(*PACKAGE_ROW_V4_FIELDS)
    )
    return rows


def package_grid_ids(*, package_ids: list[int]) -> dict[int, list[int]]:
    """The ids of each package's grids, in the order it joined them (one query; none
    without packages).

    The statement is written out: for a page of 20 packages, building and compiling the
    ORM's `filter(package_id__in=...)` took about as long as the query's round trip.
    """
    grids: dict[int, list[int]] = {}
    if not package_ids:
        return grids
    quote = connection.ops.quote_name
    package, grid, table = quote("package_id"), quote("grid_id"), GridPackage._meta.db_table
    placeholders = ", ".join(["%s"] * len(package_ids))
    with connection.cursor() as cursor:
        # Only quoted names go into the SQL text; the ids are bound parameters.
        cursor.execute(
            f"SELECT {package}, {grid} FROM {quote(table)} "
            f"WHERE {package} IN ({placeholders}) ORDER BY {quote('id')}",
            package_ids,
        )
        for package_id, grid_id in cursor.fetchall():
            grids.setdefault(package_id, []).append(grid_id)
    return grids


# What API v4's grid list shows, as `values()` names (`grid_row_v4` reads them).
GRID_ROW_V4_FIELDS = (
    "id",
    "title",
    "slug",
    "description",
    "is_locked",
    "header",
    "created",
    "modified",
)


def grid_rows_for_api_v4() -> QuerySet[Grid, dict[str, Any]]:
    """API v4's grids (newest id first) as plain rows of the columns the list shows: one
    query a page, without building a model instance a grid."""
    rows: QuerySet[Grid, dict[str, Any]] = Grid.objects.order_by("-id").values(*GRID_ROW_V4_FIELDS)
    return rows


def grid_package_ids(*, grid_ids: list[int]) -> dict[int, list[int]]:
    """The ids of each grid's packages, by package title (as djangopackages.org lists a
    grid's packages, and `grid_list_for_api` prefetches them): one query; none without
    grids."""
    packages: dict[int, list[int]] = {}
    if not grid_ids:
        return packages
    links = (
        GridPackage.objects.filter(grid_id__in=grid_ids)
        .order_by("package__title", "package_id")
        .values_list("grid_id", "package_id")
    )
    for grid_id, package_id in links:
        packages.setdefault(grid_id, []).append(package_id)
    return packages


def grid_list_for_api_v5() -> QuerySet[Grid]:
    """Grids with their packages (id, slug, title; by title) and features: three queries
    a page."""
    members = (
        GridPackage.objects.select_related("package")
        .only("grid_id", "package_id", "package__slug", "package__title")
        .order_by("package__title", "package_id")
    )
    return Grid.objects.prefetch_related(
        Prefetch("grid_packages", queryset=members),
        Prefetch("features", queryset=Feature.objects.order_by("id")),
    )


def grid_cells_for_api_v5(grid: Grid) -> list[Element]:
    """The grid's cells (one query), by feature then package."""
    return list(
        Element.objects.filter(feature__grid=grid)
        .select_related("grid_package")
        .only("feature_id", "text", "grid_package__package_id")
        .order_by("feature_id", "grid_package__package_id")
    )


def category_list_for_api_v5() -> QuerySet[Category]:
    """Categories with their number of packages: one query a page."""
    return Category.objects.annotate(package_count=Count("packages"))


def release_list_for_api_v5() -> QuerySet[Release]:
    """Releases with their package's id and slug: one query a page."""
    return Release.objects.select_related("package").only(
        "id",
        "version",
        "uploaded_at",
        "yanked",
        "yanked_reason",
        "requires_python",
        "is_prerelease",
        "package__id",
        "package__slug",
    )


def person_list_for_api_v5() -> QuerySet[AbstractBaseUser]:
    """Active people with their profile, the packages they added and the grids they
    made (ids and slugs only): three queries a page."""
    user_model = get_user_model()
    return (
        user_model._default_manager.filter(is_active=True)
        .select_related("profile")
        .only(
            "id",
            "username",
            "date_joined",
            "profile__github_account",
            "profile__gitlab_url",
            "profile__bitbucket_url",
        )
        .prefetch_related(
            Prefetch(
                "created_packages",
                queryset=Package.objects.only("id", "slug", "created_by_id").order_by("id"),
            ),
            Prefetch(
                "created_grids",
                queryset=Grid.objects.only("id", "slug", "created_by_id").order_by("id"),
            ),
        )
    )
