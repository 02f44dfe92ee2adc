"""Reads shaped for the catalog's pages (home, package lists, package page); each returns
everything a page needs in a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OrderBy, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
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
    Usage,
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
from packagegrid.maintainers.selectors import package_maintainer_annotations
from packagegrid.search.selectors import search_items
from packagegrid.watching.selectors import viewer_watches

HOME_LIST_SIZE = 10
HOME_GRID_COUNT = 8
PACKAGE_RELEASES_SHOWN = 30

# Sort key (the `sort` query parameter) -> ORDER BY; ties always break on title, then id.
# The default is the health score (packages not scored yet last), then stars.
_BY_STARS = F("repo_data__stars").desc(nulls_last=True)
_BY_HEALTH = F("health__score").desc(nulls_last=True)
PACKAGE_SORTS: dict[str, tuple[str, list[OrderBy | str]]] = {
    "health": ("Health", [_BY_HEALTH, _BY_STARS]),
    "stars": ("Stars", [_BY_STARS]),
    "forks": ("Forks", [F("repo_data__forks").desc(nulls_last=True)]),
    "last_commit": ("Last commit", [F("repo_data__last_commit_at").desc(nulls_last=True)]),
    "usage": ("Usage", [F("usage").desc()]),
    "title": ("Title", []),
    "newest": ("Newest", [F("created").desc()]),
}
DEFAULT_PACKAGE_SORT = "health"


@dataclass(frozen=True, slots=True)
class HomePage:
    grids: Sequence[Grid]  # annotated with `package_count`
    grids_are_featured: bool
    categories: Sequence[Category]  # annotated with `package_count`
    latest_packages: Sequence[Package]
    most_used: Sequence[Package]  # annotated with `usage`; ties by health score
    latest_releases: Sequence[Release]  # with `package` joined


@dataclass(frozen=True, slots=True)
class PackageListPage:
    packages: list[Package]  # annotated with `usage`, category and fetched data joined
    page: Page[int]  # page numbers and counts; its object_list holds the package ids


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
class PackagePage:
    package: Package  # annotated with `usage`, with category and fetched data joined
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


def home_page() -> HomePage:
    """Everything the home page shows, in five queries; packages discovery listed are
    left out until a person reviews them."""
    # One query for both cases: featured grids first, then the biggest. When any grid is
    # featured only the featured ones are shown.
    grids = list(
        Grid.objects.annotate(package_count=Count("grid_packages")).order_by(
            "-is_featured", "-package_count", "title"
        )[:HOME_GRID_COUNT]
    )
    featured = bool(grids) and grids[0].is_featured
    if featured:
        grids = [grid for grid in grids if grid.is_featured]
    categories = list(
        Category.objects.annotate(
            package_count=Count("packages", filter=listed_packages_q("packages__"))
        )
    )
    # The home lists show a title, a link and a date or count: no joins, no wide columns.
    # Packages that discovery listed and no person has reviewed yet stay off them.
    latest = list(
        Package.objects.listed().only(*_HOME_ROW).order_by("-created", "-id")[:HOME_LIST_SIZE]
    )
    # Count per package in the usage table alone, then join the health score (for ties)
    # to the counts: grouping the joined rows instead cost several times as much. Its
    # `p.reviewed` condition is `PackageQuerySet.listed()` written in SQL.
    most_used_ids = RawSQL(
        f"SELECT u.package_id FROM (SELECT us.package_id, COUNT(*) AS n"
        f" FROM {Usage._meta.db_table} us JOIN {Package._meta.db_table} p"
        " ON p.id = us.package_id WHERE p.reviewed = %s"
        f" GROUP BY us.package_id) u LEFT JOIN {PackageHealth._meta.db_table} h"
        " ON h.package_id = u.package_id"
        " ORDER BY u.n DESC, h.score DESC NULLS LAST, u.package_id LIMIT %s",
        (True, HOME_LIST_SIZE),
    )
    most_used = list(
        Package.objects.only(*_HOME_ROW)
        .filter(pk__in=most_used_ids)
        .annotate(usage=usage_count_subquery())
        .order_by("-usage", _BY_HEALTH, "title")
    )
    releases = list(
        Release.objects.filter(listed_packages_q("package__"), uploaded_at__isnull=False)
        .select_related("package")
        .only("version", "uploaded_at", "yanked", "package__title", "package__slug")
        .order_by("-uploaded_at", "-id")[:HOME_LIST_SIZE]
    )
    return HomePage(
        grids=grids,
        grids_are_featured=featured,
        categories=categories,
        latest_packages=latest,
        most_used=most_used,
        latest_releases=releases,
    )


# What a home list row reads of a package.
_HOME_ROW = ("title", "slug", "created")


def _package_rows() -> QuerySet[Package]:
    """Packages with what a list row shows joined (its health score and lifecycle too),
    minus the bulky JSON and text it does not."""
    return Package.objects.select_related("category", "repo_data", "pypi_data", "health").defer(
        "repo_data__participants",
        "pypi_data__classifiers",
        "pypi_data__project_urls",
        "health__axes",
        "health__factors",
        "health__lifecycle_reason",
    )


def package_list_page(
    *,
    category: Category | None,
    query: str,
    sort: str,
    page_number: str,
    per_page: int,
    include_discovered: bool = False,
) -> PackageListPage:
    """One page of packages for a list page, in three queries (count, ids, rows).

    Packages are the listed ones (`PackageQuerySet.listed`: auto-discovered packages
    only with `include_discovered`), optionally in `category`, with `query`
    (case-insensitive, cut to MAX_FILTER_LENGTH) in their title or slug, ordered by
    `sort` (an unknown key means DEFAULT_PACKAGE_SORT, the health score; ties break on
    title). Each has `usage` annotated and its category, fetched data and stored health
    joined. `page_number` is read as Paginator.get_page does: anything invalid gives the
    first page, anything too large the last.
    """
    # Sort narrow rows (ids and sort keys) and fetch the wide ones for one page only:
    # sorting 5,000 joined rows with their descriptions and 52-week lists made the
    # single-query version several times slower on PostgreSQL, worse on deep pages.
    matching = Package.objects.listed(include_discovered=include_discovered)
    if category is not None:
        matching = matching.filter(category=category)
    query = query.strip()[:MAX_FILTER_LENGTH]
    if query:
        matching = matching.filter(Q(title__icontains=query) | Q(slug__icontains=query))
    ranked = matching
    if sort == "usage":
        # A grouped join counts everyone's users in one pass (the per-row subquery used
        # for display would probe the index once per package).
        ranked = ranked.annotate(usage=Count("usages"))
    _, ordering = PACKAGE_SORTS.get(sort, PACKAGE_SORTS[DEFAULT_PACKAGE_SORT])
    ids = ranked.order_by(*ordering, "title", "id").values_list("id", flat=True)
    paginator = Paginator(ids, per_page)
    # Counted without the grouping, which would otherwise wrap the count in a subquery.
    paginator.count = matching.count()
    page = paginator.get_page(page_number)
    page_ids = list(page.object_list)
    rows = _package_rows().annotate(usage=usage_count_subquery()).in_bulk(page_ids)
    return PackageListPage(packages=[rows[pk] for pk in page_ids if pk in rows], page=page)


def package_page(
    *, slug: str, viewer: AbstractBaseUser | AnonymousUser | None = None
) -> PackagePage:
    """Everything the package page shows, in a fixed number of queries.

    The package is annotated with `usage` and `favorite_count`, and with `viewer_uses`,
    `viewer_favorite` and `viewer_watches` (whether `viewer` uses, favors and watches it;
    False for nobody logged in),
    all in the query that reads it. Raises Package.DoesNotExist for an unknown slug.
    """
    package = (
        Package.objects.select_related(
            "category", "repo_data", "pypi_data", "replaced_by", "health", "downloads", "readme"
        )
        # The README comes in the same query; only its rendered HTML is read.
        .defer("readme__source", "readme__text")
        .annotate(
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
    return PackagePage(
        package=package,
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
