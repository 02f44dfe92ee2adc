"""`/sitemap.xml`: the static pages, every listed package (auto-discovered ones join
once reviewed; until then their pages ask not to be indexed), grid and category.

URLs are absolute on SITE_URL, the site's public address (the one robots.txt names).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from packagegrid.catalog.models import Category, Package
from packagegrid.grids.models import Grid
from packagegrid.health.releases import PRODUCTS, known_releases

if TYPE_CHECKING:  # django.contrib.sites is not installed: its models cannot be imported
    from django.contrib.sites.models import Site
    from django.contrib.sites.requests import RequestSite


class _SiteURLSitemap[T](Sitemap[T]):
    """A sitemap whose URLs start with SITE_URL's scheme and host."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site: Site | RequestSite | None = None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class StaticSitemap(_SiteURLSitemap[str]):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["home", "packages", "grids", "trending", "about"]

    def location(self, item: str) -> str:
        return reverse(item)


class ReadinessSitemap(_SiteURLSitemap[tuple[str, str]]):
    """The readiness index and one page per known release (data shipped with the code)."""

    changefreq = "weekly"

    def items(self) -> list[tuple[str, str]]:
        return [("", "")] + [
            (product, release.version)
            for product in PRODUCTS
            for release in known_releases(product)
        ]

    def location(self, item: tuple[str, str]) -> str:
        if not item[0]:
            return reverse("readiness")
        return reverse("readiness-release", args=item)


class PackageSitemap(_SiteURLSitemap[Package]):
    changefreq = "weekly"

    def items(self) -> QuerySet[Package]:
        return Package.objects.listed().only("slug", "modified", "last_fetched").order_by("id")

    def lastmod(self, item: Package) -> datetime:
        # The page shows fetched numbers too: it changes when they are fetched.
        return max(item.modified, item.last_fetched or item.modified)


class GridSitemap(_SiteURLSitemap[Grid]):
    changefreq = "weekly"

    def items(self) -> QuerySet[Grid]:
        return Grid.objects.only("slug", "modified").order_by("id")

    def lastmod(self, item: Grid) -> datetime:
        return item.modified


class CategorySitemap(_SiteURLSitemap[Category]):
    changefreq = "weekly"

    def items(self) -> QuerySet[Category]:
        return Category.objects.only("slug", "modified").order_by("id")

    def lastmod(self, item: Category) -> datetime:
        return item.modified


SITEMAPS: dict[str, Sitemap[Any]] = {
    "static": StaticSitemap(),
    "readiness": ReadinessSitemap(),
    "packages": PackageSitemap(),
    "grids": GridSitemap(),
    "categories": CategorySitemap(),
}
