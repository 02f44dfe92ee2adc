"""RSS and Atom feeds: the latest packages, the latest releases, each grid's packages,
each package's releases, each category's packages, a search's results and the packages'
lifecycle changes.

The site-wide and category feeds carry listed packages only (`PackageQuerySet.listed`):
a package discovery found on PyPI joins them once a person reviews it. A search's feed
follows its results page, where such packages are found and marked.

Links are absolute on SITE_URL, the site's public address, rather than on whatever host
and scheme a proxy passed on. Descriptions are HTML in both formats, so text from people
and code hosts is escaped first: a feed reader shows `<script>` as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from packagegrid.catalog.models import Category, Package, Release, listed_packages_q
from packagegrid.grids.models import Grid, GridPackage
from packagegrid.health.models import LifecycleChange
from packagegrid.search.documents import FACET_KEYS
from packagegrid.search.selectors import SearchFilters, SearchHit, search_page
from packagegrid.search.views import MAX_PARAM_CHARS

FEED_SIZE = 20


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _description(package: Package) -> str:
    repo = getattr(package, "repo_data", None)
    pypi = getattr(package, "pypi_data", None)
    return escape((repo.description if repo else "") or (pypi.summary if pypi else ""))


class LatestPackagesFeed(Feed[Package, None]):
    title = "packagegrid: latest packages"
    description = "Django packages most recently added to packagegrid."
    url_name = "feed-packages-rss"

    def link(self) -> str:
        return _absolute(f"{reverse('packages')}?sort=newest")

    def feed_url(self) -> str:
        return _absolute(reverse(self.url_name))

    def items(self) -> list[Package]:
        return _newest_packages(Package.objects.listed())

    def item_title(self, item: Package) -> str:
        return item.title

    def item_description(self, item: Package) -> str:
        return _description(item)

    def item_link(self, item: Package) -> str:
        return _absolute(item.get_absolute_url())

    def item_pubdate(self, item: Package) -> datetime:
        return item.created

    def item_updateddate(self, item: Package) -> datetime:
        return item.modified

    def item_author_name(self, item: Package) -> str | None:
        return item.created_by.get_username() if item.created_by else None

    def item_categories(self, item: Package) -> list[str]:
        return [item.category.title]


def _newest_packages(packages: QuerySet[Package]) -> list[Package]:
    """The FEED_SIZE newest of `packages`, with what a package item shows (one query)."""
    return list(
        packages.select_related("category", "repo_data", "pypi_data", "created_by")
        .only(
            "title",
            "slug",
            "created",
            "modified",
            "category__title",
            "repo_data__description",
            "pypi_data__summary",
            "created_by__username",
        )
        .order_by("-created", "-id")[:FEED_SIZE]
    )


class LatestPackagesAtomFeed(LatestPackagesFeed):
    feed_type = Atom1Feed
    subtitle = LatestPackagesFeed.description
    url_name = "feed-packages-atom"


class LatestReleasesFeed(Feed[Release, None]):
    title = "packagegrid: latest releases"
    description = "The newest releases on PyPI of the packages listed on packagegrid."
    url_name = "feed-releases-rss"

    def link(self) -> str:
        return _absolute(reverse("home"))

    def feed_url(self) -> str:
        return _absolute(reverse(self.url_name))

    def items(self) -> list[Release]:
        return list(
            Release.objects.filter(
                listed_packages_q("package__"), uploaded_at__isnull=False, yanked=False
            )
            .select_related("package")
            .only("version", "uploaded_at", "package__title", "package__slug")
            .order_by("-uploaded_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: Release) -> str:
        return f"{item.package.title} {item.version}"

    def item_description(self, item: Release) -> str:
        return escape(f"{item.package.title} {item.version} was released on PyPI.")

    def item_link(self, item: Release) -> str:
        return _absolute(item.package.get_absolute_url())

    def item_guid(self, item: Release) -> str:
        # Every release of a package links to the same page; the version tells them apart.
        return _absolute(f"{item.package.get_absolute_url()}#release-{quote(item.version)}")

    def item_guid_is_permalink(self, item: Release) -> bool:
        return False

    def item_pubdate(self, item: Release) -> datetime | None:
        return item.uploaded_at


class LatestReleasesAtomFeed(LatestReleasesFeed):
    feed_type = Atom1Feed
    subtitle = LatestReleasesFeed.description
    url_name = "feed-releases-atom"


class PackageReleasesFeed(Feed[Release, Package]):
    """The newest releases of one package, yanked ones marked as such."""

    url_name = "feed-package-releases-rss"

    def get_object(self, request: HttpRequest, slug: str) -> Package:
        package = Package.objects.filter(slug=slug).only("title", "slug").first()
        if package is None:
            raise Http404("No such package.")
        return package

    def title(self, obj: Package) -> str:
        return f"packagegrid: releases of {obj.title}"

    def description(self, obj: Package) -> str:
        # Readers render a feed's description as HTML: the title must arrive as text.
        return escape(f"The newest releases of {obj.title} on PyPI.")

    def link(self, obj: Package) -> str:
        return _absolute(obj.get_absolute_url())

    def feed_url(self, obj: Package) -> str:
        return _absolute(reverse(self.url_name, kwargs={"slug": obj.slug}))

    def items(self, obj: Package) -> list[Release]:
        releases = list(
            Release.objects.filter(package=obj, uploaded_at__isnull=False)
            .only("version", "uploaded_at", "yanked", "package_id")
            .order_by("-uploaded_at", "-id")[:FEED_SIZE]
        )
        for release in releases:
            release.package = obj  # item links need it; no query per release
        return releases

    def item_title(self, item: Release) -> str:
        yanked = " (yanked)" if item.yanked else ""
        return f"{item.package.title} {item.version}{yanked}"

    item_description = LatestReleasesFeed.item_description
    item_link = LatestReleasesFeed.item_link
    item_guid = LatestReleasesFeed.item_guid
    item_guid_is_permalink = LatestReleasesFeed.item_guid_is_permalink
    item_pubdate = LatestReleasesFeed.item_pubdate


class PackageReleasesAtomFeed(PackageReleasesFeed):
    feed_type = Atom1Feed
    url_name = "feed-package-releases-atom"

    def subtitle(self, obj: Package) -> str:
        return self.description(obj)


class GridPackagesFeed(Feed[GridPackage, Grid]):
    """The packages most recently added to one grid."""

    url_name = "feed-grid-rss"

    def get_object(self, request: HttpRequest, slug: str) -> Grid:
        grid = Grid.objects.filter(slug=slug).only("title", "slug").first()
        if grid is None:
            raise Http404("No such grid.")
        return grid

    def title(self, obj: Grid) -> str:
        return f"packagegrid: packages in {obj.title}"

    def description(self, obj: Grid) -> str:
        # Readers render a feed's description as HTML: the title must arrive as text.
        return escape(f"Packages most recently added to the grid {obj.title}.")

    def link(self, obj: Grid) -> str:
        return _absolute(obj.get_absolute_url())

    def feed_url(self, obj: Grid) -> str:
        return _absolute(reverse(self.url_name, kwargs={"slug": obj.slug}))

    def items(self, obj: Grid) -> list[GridPackage]:
        return list(
            GridPackage.objects.filter(grid=obj)
            .select_related("package", "package__repo_data", "package__pypi_data")
            .only(
                "created",
                "package__title",
                "package__slug",
                "package__repo_data__description",
                "package__pypi_data__summary",
            )
            .order_by("-created", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: GridPackage) -> str:
        return item.package.title

    def item_description(self, item: GridPackage) -> str:
        return _description(item.package)

    def item_link(self, item: GridPackage) -> str:
        return _absolute(item.package.get_absolute_url())

    def item_guid(self, item: GridPackage) -> str:
        # A package can leave a grid and come back: the link's id keeps each addition apart.
        return _absolute(f"{item.package.get_absolute_url()}#grid-package-{item.pk}")

    def item_guid_is_permalink(self, item: GridPackage) -> bool:
        return False

    def item_pubdate(self, item: GridPackage) -> datetime:
        return item.created


class GridPackagesAtomFeed(GridPackagesFeed):
    feed_type = Atom1Feed
    url_name = "feed-grid-atom"

    def subtitle(self, obj: Grid) -> str:
        return self.description(obj)


class CategoryPackagesFeed(Feed[Package, Category]):
    """The packages most recently added to one category."""

    url_name = "feed-category-rss"

    def get_object(self, request: HttpRequest, slug: str) -> Category:
        category = Category.objects.filter(slug=slug).only("title", "title_plural", "slug").first()
        if category is None:
            raise Http404("No such category.")
        return category

    def title(self, obj: Category) -> str:
        return f"packagegrid: latest {obj.title_plural or obj.title}"

    def description(self, obj: Category) -> str:
        # Readers render a feed's description as HTML: the title must arrive as text.
        return escape(f"Packages most recently added to the category {obj.title}.")

    def link(self, obj: Category) -> str:
        return _absolute(obj.get_absolute_url())

    def feed_url(self, obj: Category) -> str:
        return _absolute(reverse(self.url_name, kwargs={"slug": obj.slug}))

    def items(self, obj: Category) -> list[Package]:
        return _newest_packages(Package.objects.listed().filter(category=obj))

    item_title = LatestPackagesFeed.item_title
    item_description = LatestPackagesFeed.item_description
    item_link = LatestPackagesFeed.item_link
    item_pubdate = LatestPackagesFeed.item_pubdate
    item_updateddate = LatestPackagesFeed.item_updateddate
    item_author_name = LatestPackagesFeed.item_author_name
    item_categories = LatestPackagesFeed.item_categories


class CategoryPackagesAtomFeed(CategoryPackagesFeed):
    feed_type = Atom1Feed
    url_name = "feed-category-atom"

    def subtitle(self, obj: Category) -> str:
        return self.description(obj)


@dataclass(frozen=True)
class SearchFeedQuery:
    """A search as its results page's address gives it: the words and the facets."""

    query: str
    filters: SearchFilters

    def params(self) -> str:
        return urlencode({"q": self.query, **self.filters.active()})


class SearchFeed(Feed[SearchHit, SearchFeedQuery]):
    """The first page of a search's results (`?q=` and the results page's facets), best
    first: a package or grid new to the results appears as a new item. 400 without
    words."""

    url_name = "feed-search-rss"

    def get_object(self, request: HttpRequest) -> SearchFeedQuery:
        def param(name: str) -> str:
            return request.GET.get(name, "")[:MAX_PARAM_CHARS].strip()

        query = param("q")
        if not query:
            raise BadRequest("Give the search's words: /search/feed/?q=<words>.")
        filters = SearchFilters(**{key: param(key) for key in FACET_KEYS})
        return SearchFeedQuery(query=query, filters=filters)

    def title(self, obj: SearchFeedQuery) -> str:
        return f"packagegrid: search for {obj.query}"

    def description(self, obj: SearchFeedQuery) -> str:
        return escape(f"Packages and grids matching {obj.query}, best first.")

    def link(self, obj: SearchFeedQuery) -> str:
        return _absolute(f"{reverse('search')}?{obj.params()}")

    def feed_url(self, obj: SearchFeedQuery) -> str:
        return _absolute(f"{reverse(self.url_name)}?{obj.params()}")

    def items(self, obj: SearchFeedQuery) -> list[SearchHit]:
        return search_page(query=obj.query, filters=obj.filters, per_page=FEED_SIZE).hits

    def item_title(self, item: SearchHit) -> str:
        return item.item.title

    def item_description(self, item: SearchHit) -> str:
        return escape(item.item.description)

    def item_link(self, item: SearchHit) -> str:
        return _absolute(item.item.absolute_url)

    def item_pubdate(self, item: SearchHit) -> datetime:
        return item.item.created

    def item_updateddate(self, item: SearchHit) -> datetime:
        return item.item.modified

    def item_categories(self, item: SearchHit) -> list[str]:
        return [item.item.category] if item.item.category else []


class SearchAtomFeed(SearchFeed):
    feed_type = Atom1Feed
    url_name = "feed-search-atom"

    def subtitle(self, obj: SearchFeedQuery) -> str:
        return self.description(obj)


class LifecycleChangesFeed(Feed[LifecycleChange, None]):
    """Packages whose lifecycle changed (active, stable, stale, abandoned, ...), newest
    first, with the reason for the new state."""

    title = "packagegrid: lifecycle changes"
    description = "Django packages whose lifecycle changed, e.g. from active to stale, and why."
    url_name = "feed-lifecycle-rss"

    def link(self) -> str:
        return _absolute(reverse("about-health"))

    def feed_url(self) -> str:
        return _absolute(reverse(self.url_name))

    def items(self) -> list[LifecycleChange]:
        return list(
            LifecycleChange.objects.filter(listed_packages_q("package__"))
            .select_related("package")
            .only(
                "previous",
                "lifecycle",
                "reason",
                "changed_at",
                "package__title",
                "package__slug",
            )
            .order_by("-changed_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: LifecycleChange) -> str:
        return f"{item.package.title}: {item.previous} \u2192 {item.lifecycle}"

    def item_description(self, item: LifecycleChange) -> str:
        return escape(
            f"{item.package.title} is now {item.get_lifecycle_display().lower()} "
            f"(was {item.get_previous_display().lower()}). {item.reason}"
        )

    def item_link(self, item: LifecycleChange) -> str:
        return _absolute(reverse("package-rules", kwargs={"slug": item.package.slug}))

    def item_guid(self, item: LifecycleChange) -> str:
        return _absolute(f"{item.package.get_absolute_url()}#lifecycle-change-{item.pk}")

    def item_guid_is_permalink(self, item: LifecycleChange) -> bool:
        return False

    def item_pubdate(self, item: LifecycleChange) -> datetime:
        return item.changed_at


class LifecycleChangesAtomFeed(LifecycleChangesFeed):
    feed_type = Atom1Feed
    subtitle = LifecycleChangesFeed.description
    url_name = "feed-lifecycle-atom"
