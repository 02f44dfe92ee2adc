"""Reads shaped for the catalog's pages (home, package lists, package page); each returns
everything a page needs in a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NotRequired, TypedDict, cast
from urllib.parse import quote

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OrderBy, OuterRef, Q, QuerySet, Subquery
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from packagegrid.catalog.community_selectors import favorite_count_subquery, viewer_annotations
from packagegrid.catalog.dependency_selectors import PackageDependencies, package_dependencies
from packagegrid.catalog.models import (
    Category,
    Package,
    PendingChange,
    PyPIData,
    Readme,
    Release,
    RepoData,
    listed_packages_q,
)
from packagegrid.catalog.selectors import MAX_FILTER_LENGTH, usage_count_subquery
from packagegrid.catalog.trend_selectors import (
    PackageTrends,
    package_trends,
    release_window_start,
)
from packagegrid.downloads.models import PackageDownloads
from packagegrid.downloads.selectors import downloads_of, package_weekly_downloads
from packagegrid.fetchers.models import FetchState
from packagegrid.grids.models import Grid
from packagegrid.health.models import PackageHealth
from packagegrid.health.selectors import PackageFacts, package_facts, package_health_of
from packagegrid.lib.licenses import package_license
from packagegrid.lib.links import Link, is_web_url
from packagegrid.lib.repo_urls import InvalidRepoURL, parse_repo_url
from packagegrid.lib.urls import url_maker
from packagegrid.maintainers.selectors import package_maintainer_annotations
from packagegrid.search.models import SearchDocument
from packagegrid.search.selectors import search_items
from packagegrid.watching.selectors import viewer_watches

HOME_LIST_SIZE = 10
HOME_GRID_COUNT = 8
PACKAGE_RELEASES_SHOWN = 30

# Sort key (the `sort` query parameter) -> ORDER BY over the search index's package
# documents (`SearchDocument`, the catalogue's read model); ties always break on title,
# then id. The default is the health score (packages not scored yet last), then stars.
# The health and newest orders read indexes in that order (search migration 0008).
_BY_STARS = F("repo_data__stars").desc(nulls_last=True)
_BY_HEALTH = F("health__score").desc(nulls_last=True)
_DOC_BY_HEALTH = F("health_score").desc(nulls_last=True)
PACKAGE_SORTS: dict[str, tuple[str, list[OrderBy | str]]] = {
    "health": ("Health", [_DOC_BY_HEALTH, F("stars").desc()]),
    "stars": ("Stars", [F("stars").desc()]),
    "forks": ("Forks", [F("forks").desc()]),
    "last_commit": ("Last commit", [F("last_commit_at").desc(nulls_last=True)]),
    "usage": ("Usage", [F("usage").desc()]),
    "title": ("Title", []),
    "newest": ("Newest", [F("created").desc()]),
}
DEFAULT_PACKAGE_SORT = "health"


class ListRow(TypedDict):
    """A package as lists show it, read from its search document (`values()`, no model)."""

    package_id: int
    slug: str
    title: str
    description: str  # the code host's; PyPI's `summary` is shown without one
    summary: str
    stars: int
    forks: int
    usage: int
    last_commit_at: datetime | None
    health_score: int | None  # None until scored
    health_lifecycle: str  # the stored state, "" until scored
    archived: bool
    deprecated: bool
    commits_over_52: list[int]
    reviewed: bool  # False: auto-discovered, marked so on the row


LIST_ROW_FIELDS = tuple(ListRow.__annotations__)


def list_row(package: Package) -> ListRow:
    """What a list row shows of a package read with its data joined."""
    repo: RepoData | None = getattr(package, "repo_data", None)
    pypi: PyPIData | None = getattr(package, "pypi_data", None)
    health: PackageHealth | None = getattr(package, "health", None)
    return ListRow(
        package_id=package.pk,
        slug=package.slug,
        title=package.title,
        description=repo.description if repo else "",
        summary=pypi.summary if pypi else "",
        stars=repo.stars if repo else 0,
        forks=repo.forks if repo else 0,
        usage=getattr(package, "usage", 0),
        last_commit_at=repo.last_commit_at if repo else None,
        health_score=health.score if health else None,
        health_lifecycle=health.lifecycle if health else "",
        archived=bool(repo and repo.archived),
        deprecated=package.replaced_by_id is not None,
        commits_over_52=repo.commits_over_52 if repo else [],
        reviewed=package.reviewed,
    )


class HomeLink(TypedDict):
    """A row of a home list: a title linking to `url`, and one figure or date."""

    title: str
    url: str
    created: NotRequired[datetime]  # latest packages
    usage: NotRequired[int]  # most used
    version: NotRequired[str]  # latest releases
    uploaded_at: NotRequired[datetime | None]
    yanked: NotRequired[bool]


class HomeGrid(TypedDict):
    title: str
    url: str
    description: str
    package_count: int
    is_featured: bool


class CategoryLink(TypedDict):
    id: int
    slug: str
    title: str
    title_plural: str
    url: str
    description: str
    package_count: int


@dataclass(frozen=True, slots=True)
class HomePage:
    grids: Sequence[HomeGrid]
    grids_are_featured: bool
    categories: Sequence[CategoryLink]
    latest_packages: Sequence[HomeLink]
    most_used: Sequence[HomeLink]  # ties by health score, then title
    latest_releases: Sequence[HomeLink]


@dataclass(frozen=True, slots=True)
class PackageListPage:
    packages: list[ListRow]
    page: Page[ListRow]  # page numbers and counts; its object_list holds the rows


@dataclass(frozen=True, slots=True)
class Participant:
    login: str
    url: str  # "" when the repository is not on GitHub


@dataclass(frozen=True, slots=True)
class SimilarPackage:
    """A package like the one shown, and why it was picked."""

    title: str
    slug: str
    url: str
    reason: str  # "In 2 of the same grids", "Similar description"


@dataclass(frozen=True, slots=True)
class Replacement:
    """The package that replaces a deprecated one, as its page links to it."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class PackagePage:
    package: Package  # annotated with `usage`, with category and fetched data joined
    replaced_by: Replacement | None  # None unless the package is deprecated
    repo: RepoData | None  # None when never fetched
    pypi: PyPIData | None  # None when never fetched
    description: str  # the code host's, else PyPI's summary
    links: list[Link]
    license: str
    participants: list[Participant]
    releases: list[Release]  # newest first, at most PACKAGE_RELEASES_SHOWN
    more_releases: bool
    grids: list[Grid]
    # Sources whose last fetch failed or that need review, for the "data problems" notice.
    fetch_problems: list[FetchState]
    similar: list[SimilarPackage]
    # Compatibility, advisories, latest release (packagegrid.health.selectors).
    facts: PackageFacts
    trends: PackageTrends  # the charts (packagegrid.catalog.trend_selectors)
    health: PackageHealth | None  # the stored score, None when never scored
    # Requirements, dependents and outdated pins (packagegrid.catalog.dependency_selectors).
    dependencies: PackageDependencies
    downloads: PackageDownloads | None = None  # pypistats' recent totals, None when unknown
    weekly_downloads: list[int] | None = None  # whole weeks, oldest first (the sparkline)
    readme: Readme | None = None  # the rendered README (its `html`), None when none

    @property
    def fetched(self) -> bool:
        """True once any data about the package was fetched or imported. Before that its
        numbers are unknown, not zero."""
        return (
            self.package.last_fetched is not None or self.repo is not None or self.pypi is not None
        )

    @property
    def awaiting_first_fetch(self) -> bool:
        """True while the page should poll for the first fetch: nothing fetched yet, no
        fetch has failed, and the package is new enough for its first fetch to be on its
        way (a package whose fetch never came is not polled for ever)."""
        recent = timezone.now() - self.package.created < FIRST_FETCH_WAIT
        return not self.fetched and not self.fetch_problems and recent

    @property
    def latest_version(self) -> str:
        """The newest release that is not yanked, from the recorded releases; PyPI's own
        "latest" when no release is recorded (an imported record knows only that one)."""
        for release in self.releases:
            if not release.yanked:
                return release.version
        return (self.pypi.latest_version or "") if self.pypi else ""


# How long a new package's page waits (polling) for its first fetch to land.
FIRST_FETCH_WAIT = timedelta(hours=1)


def _package_documents() -> QuerySet[SearchDocument]:
    return SearchDocument.objects.filter(kind=SearchDocument.Kind.PACKAGE)


def home_page() -> HomePage:
    """Everything the home page shows, in five queries, none of them an aggregate over
    the catalogue: the lists read the search index's documents in the order of their
    indexes, and the counts are kept as they change (a grid's size on its document, a
    category's in `CategoryCounts`). Packages discovery listed are left out of the lists
    until a person reviews them."""
    package_url, grid_url = url_maker("package"), url_maker("grid")
    # One query for both cases: featured grids first, then the biggest. When any grid is
    # featured only the featured ones are shown.
    grids: list[HomeGrid] = []
    for title, slug, description, size, featured in (
        SearchDocument.objects.filter(kind=SearchDocument.Kind.GRID)
        .order_by("-is_featured", "-package_count", "title")
        .values_list("title", "slug", "description", "package_count", "is_featured")[
            :HOME_GRID_COUNT
        ]
    ):
        grids.append(
            HomeGrid(
                title=title,
                url=grid_url(slug),
                description=description,
                package_count=size,
                is_featured=featured,
            )
        )
    featured = bool(grids) and grids[0]["is_featured"]
    if featured:
        grids = [grid for grid in grids if grid["is_featured"]]
    reviewed = _package_documents().filter(reviewed=True)
    latest = [
        HomeLink(title=title, url=package_url(slug), created=created)
        for title, slug, created in reviewed.order_by("-created", "-id").values_list(
            "title", "slug", "created"
        )[:HOME_LIST_SIZE]
    ]
    most_used = [
        HomeLink(title=title, url=package_url(slug), usage=usage)
        for title, slug, usage in reviewed.filter(usage__gt=0)
        .order_by("-usage", _DOC_BY_HEALTH, "title", "id")
        .values_list("title", "slug", "usage")[:HOME_LIST_SIZE]
    ]
    releases = [
        HomeLink(title=title, url=package_url(slug), version=version, uploaded_at=at, yanked=yanked)
        for title, slug, version, at, yanked in Release.objects.filter(
            listed_packages_q("package__"), uploaded_at__isnull=False
        )
        .order_by("-uploaded_at", "-id")
        .values_list("package__title", "package__slug", "version", "uploaded_at", "yanked")[
            :HOME_LIST_SIZE
        ]
    ]
    return HomePage(
        grids=grids,
        grids_are_featured=featured,
        categories=category_links(),
        latest_packages=latest,
        most_used=most_used,
        latest_releases=releases,
    )


def category_links(*, include_discovered: bool = False) -> list[CategoryLink]:
    """Every category with its number of listed packages (auto-discovered ones too with
    `include_discovered`), for the home page and the list's filter, in one query (the
    counts are kept by the search index, `CategoryCounts`)."""
    category_url = url_maker("category")
    counted = "counts__packages" if include_discovered else "counts__reviewed"
    return [
        CategoryLink(
            id=pk,
            slug=slug,
            title=title,
            title_plural=plural,
            url=category_url(slug),
            description=description,
            package_count=count or 0,
        )
        for pk, title, plural, slug, description, count in Category.objects.order_by(
            "pk"
        ).values_list("pk", "title", "title_plural", "slug", "description", counted)
    ]


def package_list_page(
    *,
    category_id: int | None,
    query: str,
    sort: str,
    page_number: str,
    per_page: int,
    include_discovered: bool = False,
    count: int | None = None,
) -> PackageListPage:
    """One page of packages for a list page, in two queries (count, rows), one when the
    caller knows the `count` (from `CategoryCounts`, when nothing but the category filters).

    Packages are the listed ones (`reviewed`: auto-discovered packages only with
    `include_discovered`, as `PackageQuerySet.listed`), optionally in the category
    `category_id`, with `query` (case-insensitive, cut to MAX_FILTER_LENGTH) in their
    title or slug, ordered by `sort` (an unknown key means DEFAULT_PACKAGE_SORT, the
    health score; ties break on title). Rows are read from the search index's package
    documents, which hold what a row shows (usage counted, health and fetched figures
    copied), so the default order reads one index for the 50 rows of a page instead of
    sorting every package. `page_number` is read as Paginator.get_page does: anything
    invalid gives the first page, anything too large the last.
    """
    matching = _package_documents()
    if not include_discovered:
        matching = matching.filter(reviewed=True)
    if category_id is not None:
        matching = matching.filter(package_category_id=category_id)
    query = query.strip()[:MAX_FILTER_LENGTH]
    if query:
        matching = matching.filter(Q(title__icontains=query) | Q(slug__icontains=query))
    _, ordering = PACKAGE_SORTS.get(sort, PACKAGE_SORTS[DEFAULT_PACKAGE_SORT])
    rows = matching.order_by(*ordering, "title", "id").values(*LIST_ROW_FIELDS)
    # The queryset of dicts, typed as the rows it gives (it is sliced, never indexed).
    paginator: Paginator[ListRow] = Paginator(cast("Sequence[ListRow]", rows), per_page)
    if count is not None and not query:
        paginator.count = count  # known: no count query
    page = paginator.get_page(page_number)
    packages = list(page.object_list)
    return PackageListPage(packages=packages, page=page)


def package_page(
    *, slug: str, viewer: AbstractBaseUser | AnonymousUser | None = None
) -> PackagePage:
    """Everything the package page shows, in a fixed number of queries.

    The package is annotated with `usage` and `favorite_count`, and with `viewer_uses`,
    `viewer_favorite` and `viewer_watches` (whether `viewer` uses, favors and watches it;
    False for nobody logged in),
    all in the query that reads it. Raises Package.DoesNotExist for an unknown slug.
    """
    replacement = Package.objects.filter(pk=OuterRef("replaced_by_id"))
    package = (
        Package.objects.select_related(
            "category", "repo_data", "pypi_data", "health", "downloads", "readme"
        )
        # The README comes in the same query; only its rendered HTML is read.
        .defer("readme__source", "readme__text")
        .annotate(
            # The replacement's title and slug, not the replacement joined: a second
            # packages table in the join took PostgreSQL longer to plan (about 2 of the
            # query's 3.5 ms, quiet) than these two lookups by primary key.
            replaced_by_title=Subquery(replacement.values("title")),
            replaced_by_slug=Subquery(replacement.values("slug")),
            usage=usage_count_subquery(),
            favorite_count=favorite_count_subquery(),
            has_pending_change=Exists(
                PendingChange.objects.filter(
                    package=OuterRef("pk"), status=PendingChange.Status.OPEN
                )
            ),
            **viewer_annotations(viewer),
            viewer_watches=viewer_watches(viewer, "package"),
            **package_maintainer_annotations(viewer),
        )
        .get(slug=slug)
    )
    repo = getattr(package, "repo_data", None)
    pypi = getattr(package, "pypi_data", None)
    latest_version = pypi.latest_version if pypi else None
    now = timezone.now()
    # One read of releases for three panels: the newest ones for the list, those the
    # releases chart covers, and the latest version's for the install panel. Ordered
    # newest first, the rows start with the newest PACKAGE_RELEASES_SHOWN + 1.
    newest_first = Release.objects.filter(package=package).order_by(
        F("uploaded_at").desc(nulls_last=True), "-id"
    )
    wanted = Q(pk__in=newest_first.values("pk")[: PACKAGE_RELEASES_SHOWN + 1]) | Q(
        uploaded_at__gte=release_window_start(now)
    )
    if latest_version:
        wanted |= Q(version=latest_version)
    release_rows = list(newest_first.filter(wanted))
    releases = release_rows[: PACKAGE_RELEASES_SHOWN + 1]
    grids = list(Grid.objects.filter(packages=package).order_by("title").only("title", "slug"))
    problems = list(
        FetchState.objects.filter(package=package)
        .filter(Q(error_count__gt=0) | Q(needs_review=True))
        .order_by("source")
    )
    description = (repo.description if repo else "") or (pypi.summary if pypi else "")
    replaced_by = None
    if package.replaced_by_id is not None:
        replaced_by = Replacement(
            title=package.replaced_by_title,  # type: ignore[attr-defined]  # annotated
            url=url_maker("package")(package.replaced_by_slug),  # type: ignore[attr-defined]
        )
    return PackagePage(
        package=package,
        replaced_by=replaced_by,
        repo=repo,
        pypi=pypi,
        description=description,
        links=_package_links(package),
        license=package_license(
            pypi_license=pypi.license if pypi else "", repo_license=repo.license if repo else ""
        ),
        participants=_participants(package, repo.participants if repo else []),
        releases=releases[:PACKAGE_RELEASES_SHOWN],
        more_releases=len(releases) > PACKAGE_RELEASES_SHOWN,
        grids=grids,
        fetch_problems=problems,
        similar=similar_packages(package=package, grids=grids, description=description),
        facts=package_facts(package=package, latest_version=latest_version, releases=release_rows),
        trends=package_trends(package=package, repo=repo, now=now, releases=release_rows),
        health=package_health_of(package),
        dependencies=package_dependencies(package=package),
        downloads=downloads_of(package),
        weekly_downloads=[downloads for _, downloads in package_weekly_downloads(package)],
        readme=getattr(package, "readme", None),
    )


SIMILAR_PACKAGES_SHOWN = 6


def similar_packages(
    *,
    package: Package,
    grids: Sequence[Grid],
    description: str,
    limit: int = SIMILAR_PACKAGES_SHOWN,
) -> list[SimilarPackage]:
    """Up to `limit` packages like `package`: first those sharing the most of its `grids`
    (people put them side by side; ties by health score, then stars), then the best search
    matches for its description or, without one, its title. One query for the grids (none
    outside grids), plus the search's own (one to three) when the grids leave room."""
    found: list[SimilarPackage] = []
    if grids:
        grid_ids = [grid.pk for grid in grids]
        neighbours = (
            Package.objects.filter(grid_packages__grid_id__in=grid_ids)
            .exclude(pk=package.pk)
            .annotate(shared=Count("grid_packages", filter=Q(grid_packages__grid_id__in=grid_ids)))
            .order_by("-shared", _BY_HEALTH, _BY_STARS, "title", "id")
            .values_list("title", "slug", "shared")[:limit]
        )
        found = [
            SimilarPackage(
                title=title,
                slug=slug,
                url=reverse("package", args=[slug]),
                reason=f"In {shared} of the same grid{pluralize(shared)}",
            )
            for title, slug, shared in neighbours
        ]
    if len(found) < limit:
        taken = {package.slug, *(similar.slug for similar in found)}
        for item in search_items(
            query=description or package.title, limit=limit * 2, any_term=True
        ):
            if len(found) == limit:
                break
            if item.item_type == "package" and item.slug not in taken:
                taken.add(item.slug)
                found.append(
                    SimilarPackage(
                        title=item.title,
                        slug=item.slug,
                        url=item.absolute_url,
                        reason="Similar description" if description else "Similar name",
                    )
                )
    return found


def _package_links(package: Package) -> list[Link]:
    """Repository, PyPI and documentation links; the documentation link falls back to
    PyPI's (`PyPIData.documentation_url`) when none is curated."""
    links = []
    if package.repo_url:
        links.append(Link("Repository", package.repo_url, is_web_url(package.repo_url)))
    # Old records hold several URL forms (and malformed doubled ones): link to the
    # canonical project page read from them instead.
    if package.pypi_name:
        url = f"https://pypi.org/project/{quote(package.pypi_name)}/"
        links.append(Link("PyPI", url, is_web=True))
    elif package.pypi_url:
        links.append(Link("PyPI", package.pypi_url, is_web_url(package.pypi_url)))
    pypi = getattr(package, "pypi_data", None)
    docs = package.documentation_url or (pypi.documentation_url if pypi else "")
    if docs:
        links.append(Link("Documentation", docs, is_web_url(docs)))
    return links


def _participants(package: Package, logins: list[str]) -> list[Participant]:
    try:
        on_github = bool(package.repo_url) and parse_repo_url(package.repo_url).host == "github"
    except InvalidRepoURL:
        on_github = False
    return [
        Participant(
            login=str(login),
            url=f"https://github.com/{quote(str(login))}" if on_github else "",
        )
        for login in logins
    ]
