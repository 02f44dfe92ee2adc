"""Reads of grid data, shaped for the pages and APIs that use them."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from packagegrid.catalog.models import EditRecord, Package, PyPIData, RepoData
from packagegrid.catalog.selectors import MAX_FILTER_LENGTH, usage_count_subquery
from packagegrid.downloads.models import PackageDownloads
from packagegrid.downloads.selectors import downloads_of
from packagegrid.grids.models import Element, Feature, Grid, GridPackage
from packagegrid.health.models import Advisory, Compatibility, PackageHealth, Product
from packagegrid.health.releases import release_spans
from packagegrid.health.selectors import (
    LatestRelease,
    advisories_against,
    latest_release_of,
    latest_release_prefetch,
    package_health_of,
)
from packagegrid.lib.licenses import package_license


def grid_list_for_api() -> QuerySet[Grid]:
    """Grids newest id first, with their package ids by package title (as djangopackages.org
    lists a grid's packages): two queries a page (plus the count)."""
    package_links = GridPackage.objects.only("grid_id", "package_id").order_by(
        "package__title", "package_id"
    )
    return Grid.objects.prefetch_related(
        Prefetch("grid_packages", queryset=package_links)
    ).order_by("-id")


# Sort key (the `sort` query parameter of the grid page) -> ORDER BY on the packages.
GRID_COMPARISON_SORTS: dict[str, tuple[str, list[OrderBy]]] = {
    # Packages never scored go last; among equal scores the most starred come first.
    "health": (
        "Health",
        [F("health__score").desc(nulls_last=True), F("repo_data__stars").desc(nulls_last=True)],
    ),
    "stars": ("Stars", [F("repo_data__stars").desc(nulls_last=True)]),
    "forks": ("Forks", [F("repo_data__forks").desc(nulls_last=True)]),
    "last_commit": ("Last commit", [F("repo_data__last_commit_at").desc(nulls_last=True)]),
    "usage": ("Usage", [F("usage").desc()]),
    "title": ("Title", []),
}
DEFAULT_GRID_COMPARISON_SORT = "health"


@dataclass(frozen=True, slots=True)
class ComparisonColumn:
    """One package of the grid, with what the standard rows show."""

    package: Package  # annotated with `usage`
    repo: RepoData | None  # None when never fetched
    pypi: PyPIData | None  # None when never fetched
    description: str  # the code host's, else PyPI's summary
    license: str
    health: PackageHealth | None  # without its factors; None when never scored
    # Supported feature releases as runs of consecutive releases: [("4.2", "5.2")].
    django: list[tuple[str, str]]
    python: list[tuple[str, str]]
    latest_release: LatestRelease | None  # the release PyPI calls latest, when stored
    advisories: list[Advisory]  # those affecting the latest release (`advisories_against`)
    downloads: PackageDownloads | None = None  # pypistats' recent totals, None when unknown


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

    @property
    def advised(self) -> list[ComparisonColumn]:
        """The columns whose latest release has an advisory, in column order."""
        return [column for column in self.columns if column.advisories]


def grid_comparison(*, grid: Grid, sort: str) -> GridComparison:
    """The comparison table of all of `grid`'s packages, in six queries (see
    `comparison_packages`, then the features and the cells).

    Columns are the packages ordered by `sort` (an unknown key means
    DEFAULT_GRID_COMPARISON_SORT: the health score, then stars; remaining ties break on
    title); rows are the features in their own order, with each cell's raw text
    (escaping is the template's job).
    """
    if sort not in GRID_COMPARISON_SORTS:
        sort = DEFAULT_GRID_COMPARISON_SORT
    _, ordering = GRID_COMPARISON_SORTS[sort]
    packages = list(
        comparison_packages().filter(grid_packages__grid=grid).order_by(*ordering, "title", "id")
    )
    supported = supported_releases(packages)
    features = list(Feature.objects.filter(grid=grid).order_by("id"))
    texts = {
        (package_id, feature_id): text
        for package_id, feature_id, text in Element.objects.filter(
            grid_package__grid=grid
        ).values_list("grid_package__package_id", "feature_id", "text")
    }
    columns = [comparison_column(package, supported) for package in packages]
    rows = [
        ComparisonRow(
            feature=feature,
            cells=[texts.get((package.pk, feature.pk), "") for package in packages],
        )
        for feature in features
    ]
    return GridComparison(grid=grid, sort=sort, columns=columns, rows=rows)


# The products whose supported releases the comparison rows show.
COMPARISON_PRODUCTS = (Product.DJANGO, Product.PYTHON)


def comparison_packages() -> QuerySet[Package]:
    """Packages with what the standard comparison rows show (with `supported_releases`):
    category, fetched data and stored health joined (minus the bulky JSON the table does
    not use), `usage` annotated; their advisories that are not withdrawn and latest
    release prefetched. Three queries, whatever the filter and the number of packages."""
    return (
        Package.objects.select_related("category", "repo_data", "pypi_data", "health", "downloads")
        .defer(
            "repo_data__participants",
            "pypi_data__classifiers",
            "pypi_data__project_urls",
            "health__factors",
        )
        .annotate(usage=usage_count_subquery())
        .prefetch_related(
            Prefetch(
                "advisories",
                queryset=Advisory.objects.filter(withdrawn__isnull=True),
                to_attr="open_advisories",
            ),
            latest_release_prefetch(),
        )
    )


# package id -> product -> the feature releases some source says it supports.
SupportedReleases = dict[int, dict[str, list[str]]]


def supported_releases(packages: Sequence[Package]) -> SupportedReleases:
    """The Django and Python releases each of `packages` supports (one query, none for no
    packages). Read as plain values: a grid has hundreds of these rows."""
    supported: SupportedReleases = {package.pk: {} for package in packages}
    if packages:
        rows = Compatibility.objects.filter(
            package_id__in=list(supported), product__in=COMPARISON_PRODUCTS
        ).values_list("package_id", "product", "version")
        for package_id, product, version in rows:
            supported[package_id].setdefault(product, []).append(version)
    return supported


def comparison_column(package: Package, supported: SupportedReleases) -> ComparisonColumn:
    """The column of a package read through `comparison_packages`, with its releases
    from `supported_releases` (no query)."""
    repo = getattr(package, "repo_data", None)
    pypi = getattr(package, "pypi_data", None)
    releases = supported.get(package.pk, {})
    latest_version = pypi.latest_version if pypi else None
    return ComparisonColumn(
        package=package,
        repo=repo,
        pypi=pypi,
        description=(repo.description if repo else "") or (pypi.summary if pypi else ""),
        license=package_license(
            pypi_license=pypi.license if pypi else "", repo_license=repo.license if repo else ""
        ),
        health=package_health_of(package),
        django=release_spans(Product.DJANGO, releases.get(Product.DJANGO, [])),
        python=release_spans(Product.PYTHON, releases.get(Product.PYTHON, [])),
        latest_release=latest_release_of(package),
        advisories=advisories_against(package.open_advisories, latest_version),  # type: ignore[attr-defined]  # prefetched
        downloads=downloads_of(package),
    )


# The most packages an ad-hoc comparison (`/compare/a,b,c/`) shows.
COMPARE_MAX_PACKAGES = 25


@dataclass(frozen=True, slots=True)
class SharedGridRows:
    """The features of one grid that holds at least two of the compared packages."""

    grid: Grid
    rows: list[ComparisonRow]  # cells per column; "" where the package is not in the grid


@dataclass(frozen=True, slots=True)
class PackageComparison:
    """An ad-hoc comparison of named packages: the grid table's standard rows, then the
    feature rows of the grids they share."""

    columns: list[ComparisonColumn]  # in the order the slugs were given
    shared_grids: list[SharedGridRows]  # by grid title
    not_found: list[str]  # slugs no package has, in the order given

    @property
    def advised(self) -> list[ComparisonColumn]:
        """The columns whose latest release has an advisory, in column order."""
        return [column for column in self.columns if column.advisories]


def package_comparison(*, slugs: list[str]) -> PackageComparison:
    """The packages named by `slugs` side by side: four queries (`comparison_packages`
    and `supported_releases`; one when none is found), plus one for their grids when two
    or more were found, plus two when they share a grid (its features and cells).

    Slugs match exactly, as in a package's address. The caller caps the number of slugs
    (COMPARE_MAX_PACKAGES); duplicates should be removed first. A grid is shared when it
    holds two or more of the packages; its features become rows, each cell the package's
    text in that grid.
    """
    found = (
        {package.slug: package for package in comparison_packages().filter(slug__in=slugs)}
        if slugs
        else {}
    )
    packages = [found[slug] for slug in slugs if slug in found]
    supported = supported_releases(packages)
    return PackageComparison(
        columns=[comparison_column(package, supported) for package in packages],
        shared_grids=_shared_grid_rows(packages) if len(packages) > 1 else [],
        not_found=[slug for slug in slugs if slug not in found],
    )


def _shared_grid_rows(packages: list[Package]) -> list[SharedGridRows]:
    """The feature rows of every grid holding two or more of `packages` (one query, three
    when there is such a grid)."""
    ids = [package.pk for package in packages]
    members: dict[int, set[int]] = {}
    for grid_id, package_id in GridPackage.objects.filter(package_id__in=ids).values_list(
        "grid_id", "package_id"
    ):
        members.setdefault(grid_id, set()).add(package_id)
    shared = [grid_id for grid_id, held in members.items() if len(held) > 1]
    if not shared:
        return []
    features = list(
        Feature.objects.filter(grid_id__in=shared)
        .select_related("grid")
        .only("id", "title", "description", "grid__id", "grid__title", "grid__slug")
        .order_by("grid__title", "grid_id", "id")
    )
    texts = {
        (package_id, feature_id): text
        for package_id, feature_id, text in Element.objects.filter(
            feature_id__in=[feature.pk for feature in features], grid_package__package_id__in=ids
        ).values_list("grid_package__package_id", "feature_id", "text")
    }
    by_grid: dict[int, SharedGridRows] = {}
    for feature in features:
        group = by_grid.setdefault(feature.grid_id, SharedGridRows(grid=feature.grid, rows=[]))
        cells = [texts.get((package_id, feature.pk), "") for package_id in ids]
        group.rows.append(ComparisonRow(feature=feature, cells=cells))
    return list(by_grid.values())


PACKAGE_CANDIDATES_LIMIT = 10


def grid_package_candidates(
    *, grid: Grid, query: str, limit: int = PACKAGE_CANDIDATES_LIMIT
) -> list[Package]:
    """Up to `limit` packages not yet in `grid` whose title or slug contains `query`.

    One query (none for an empty `query`). Titles that start with `query` come first,
    then the most starred; `repo_data` (stars, description) is joined. Packages waiting
    for review (found by discovery) are left out.
    """
    if not query:
        return []
    in_grid = GridPackage.objects.filter(grid=grid).values("package_id")
    return list(
        Package.objects.filter(Q(title__icontains=query) | Q(slug__icontains=query))
        .filter(reviewed=True)
        .exclude(pk__in=in_grid)
        .select_related("repo_data")
        .only("id", "title", "slug", "repo_data__stars", "repo_data__description")
        .annotate(
            starts=Case(
                When(title__istartswith=query, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("starts", F("repo_data__stars").desc(nulls_last=True), "title", "id")[:limit]
    )


@dataclass(frozen=True, slots=True)
class GridCell:
    """One cell of a grid, for its editor."""

    grid_package: GridPackage  # with `package` joined
    feature: Feature
    text: str  # "" when the cell has no row yet
    version: int = 0  # the cell's version; 0 when it has no row yet


def grid_cell(*, grid: Grid, package_id: int, feature_id: int) -> GridCell:
    """The cell of package `package_id` and feature `feature_id` in `grid` (two queries).

    Raises GridPackage.DoesNotExist or Feature.DoesNotExist when either is not in `grid`.
    """
    grid_package = GridPackage.objects.select_related("package").get(
        grid=grid, package_id=package_id
    )
    element = Element.objects.filter(grid_package=grid_package, feature=OuterRef("pk"))
    feature = Feature.objects.annotate(
        cell_text=Subquery(element.values("text")[:1]),
        cell_version=Subquery(element.values("version")[:1]),
    ).get(grid=grid, pk=feature_id)
    grid_package.grid = feature.grid = grid
    return GridCell(
        grid_package=grid_package,
        feature=feature,
        text=feature.cell_text or "",
        version=feature.cell_version or 0,
    )


HISTORY_PER_PAGE = 50
# Foreign keys a record of a grid's parts holds; the entry's subject already says them.
_HIDDEN_HISTORY_FIELDS = frozenset({"grid", "package", "grid_package", "feature"})
_HISTORY_FIELD_LABELS = {
    "title": "Title",
    "slug": "Slug",
    "description": "Description",
    "is_locked": "Locked",
    "text": "Text",
}


@dataclass(frozen=True, slots=True)
class HistoryChange:
    label: str  # "Title"
    before: str  # as shown: "yes"/"no" for a flag, "" when empty
    after: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    record: EditRecord  # with `user` joined
    kind: str  # "grid", "feature", "package" or "cell"
    subject: str  # what was edited, in words ("Async" or "Async / django-foo")
    changes: list[HistoryChange]
    # What staff may do with it: "Revert" (an update of something that still exists, or
    # the addition of a feature or package still there), "Restore" (a deleted feature or
    # removed package not back yet) or "" (nothing).
    revert_label: str

    @property
    def can_revert(self) -> bool:
        return bool(self.revert_label)


@dataclass(frozen=True, slots=True)
class GridHistory:
    entries: list[HistoryEntry]
    page: Page[EditRecord]


def grid_history_records(*, grid: Grid) -> QuerySet[EditRecord]:
    """Every recorded edit of `grid`, its features, its package list and its cells.

    Features and package links that were since deleted are found through the grid id
    their "create" and "delete" records hold; cells through their current rows (a
    deleted feature's or package's cells show as that deletion).
    """
    types = ContentType.objects.get_for_models(Grid, Feature, GridPackage, Element)
    mentions_grid = Q(changes__grid__0=grid.pk) | Q(changes__grid__1=grid.pk)
    recorded_features = EditRecord.objects.filter(mentions_grid, content_type=types[Feature])
    return EditRecord.objects.filter(
        Q(content_type=types[Grid], object_id=grid.pk)
        | Q(
            content_type=types[Feature],
            object_id__in=Feature.objects.filter(grid=grid).values("pk"),
        )
        | Q(content_type=types[Feature], object_id__in=recorded_features.values("object_id"))
        | (Q(content_type=types[GridPackage]) & mentions_grid)
        | Q(
            content_type=types[Element],
            object_id__in=Element.objects.filter(feature__grid=grid).values("pk"),
        )
    ).select_related("user")


def grid_history(*, grid: Grid, page_number: str) -> GridHistory:
    """One page of `grid`'s edits, newest first, each described in words.

    At most five queries: the count, the records, then the titles of the features,
    cells and packages that page mentions.
    """
    types = ContentType.objects.get_for_models(Grid, Feature, GridPackage, Element)
    page = Paginator(grid_history_records(grid=grid), HISTORY_PER_PAGE).get_page(page_number)
    records: list[EditRecord] = list(page.object_list)
    ids: dict[type, set[int]] = {Feature: set(), Element: set()}
    package_ids: set[int] = set()
    for record in records:
        model = next((m for m, t in types.items() if t.pk == record.content_type_id), None)
        if model in ids:
            ids[model].add(record.object_id)
        elif model is GridPackage:
            package_ids.update(v for v in record.changes.get("package", []) if v is not None)
    features = dict(
        Feature.objects.filter(pk__in=ids[Feature]).values_list("pk", "title")
        if ids[Feature]
        else []
    )
    cells = {
        pk: f"{feature} / {package}"
        for pk, feature, package in (
            Element.objects.filter(pk__in=ids[Element]).values_list(
                "pk", "feature__title", "grid_package__package__title"
            )
            if ids[Element]
            else []
        )
    }
    # Each package's title, and the id of its place in the grid now (None: not in it).
    places = GridPackage.objects.filter(grid=grid, package=OuterRef("pk")).values("pk")[:1]
    packages = {
        pk: (title, place)
        for pk, title, place in (
            Package.objects.filter(pk__in=package_ids)
            .annotate(place=Subquery(places))
            .values_list("pk", "title", "place")
            if package_ids
            else []
        )
    }
    entries = []
    for record in records:
        model = next(m for m, t in types.items() if t.pk == record.content_type_id)
        exists = True
        if model is Grid:
            kind, subject = "grid", grid.title
        elif model is Feature:
            kind = "feature"
            exists = record.object_id in features
            subject = features.get(record.object_id) or _recorded_title(record)
        elif model is GridPackage:
            kind = "package"
            package_id = next((v for v in record.changes.get("package", []) if v), None)
            subject, place = packages.get(package_id or 0, ("a deleted package", None))
            # A link is added and removed, never updated: "exists" is this very link.
            exists = place == record.object_id
        else:
            kind = "cell"
            exists = record.object_id in cells
            subject = cells.get(record.object_id, "a deleted cell")
        changes = [
            HistoryChange(
                label=_HISTORY_FIELD_LABELS.get(name, name),
                before=_shown_value(before),
                after=_shown_value(after),
            )
            for name, (before, after) in record.changes.items()
            if name not in _HIDDEN_HISTORY_FIELDS
        ]
        if kind == "package" and record.action == EditRecord.Action.DELETE:
            exists = place is not None  # back in the grid, however it came back
        entries.append(
            HistoryEntry(
                record=record,
                kind=kind,
                subject=subject,
                changes=changes,
                revert_label=_revert_label(kind=kind, action=record.action, exists=exists),
            )
        )
    return GridHistory(entries=entries, page=page)


def _revert_label(*, kind: str, action: str, exists: bool) -> str:
    """What staff may do with an edit (see `HistoryEntry.revert_label`); the rules of
    `grid_edit_revert`."""
    Action = EditRecord.Action
    if action == Action.UPDATE and exists:
        return "Revert"
    if kind in {"feature", "package"}:
        if action == Action.CREATE and exists:
            return "Revert"
        if action == Action.DELETE and not exists:
            return "Restore"
    return ""


def _shown_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _recorded_title(record: EditRecord) -> str:
    """A deleted feature's title, from what its record kept ("a deleted feature" if none)."""
    before, after = record.changes.get("title", [None, None])
    return str(after or before or "a deleted feature")


GRID_SORTS: dict[str, tuple[str, list[OrderBy | str]]] = {
    "title": ("Title", []),
    "packages": ("Packages", [F("package_count").desc()]),
    "updated": ("Recently updated", [F("modified").desc()]),
}
DEFAULT_GRID_SORT = "title"


def grid_list(*, sort: str, query: str = "") -> Sequence[Grid]:
    """All grids (those whose title contains `query`, when given) with `package_count`,
    ordered by `sort` (one query).

    An unknown `sort` means DEFAULT_GRID_SORT.
    """
    _, ordering = GRID_SORTS.get(sort, GRID_SORTS[DEFAULT_GRID_SORT])
    grids = Grid.objects.all()
    if query:
        grids = grids.filter(title__icontains=query[:MAX_FILTER_LENGTH])
    return list(
        grids.annotate(package_count=Count("grid_packages"))
        .only("title", "slug", "description", "modified", "is_locked")
        .order_by(*ordering, "title", "id")
    )
