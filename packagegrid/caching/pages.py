"""What each page shows, as content-version keys: the response cache keys on them.

A page is named by its route. Detail routes show one package, grid or category (found by
the id or slug in the URL) and key on it; lists key on the site-wide list they show. A
route not named here keys on every list, so a new page is never served stale.

Rankings that reach across packages (a package page's similar packages, the relative
facts) are not keyed: a change elsewhere reorders them at the next render, at the latest
after `RESPONSE_CACHE_SECONDS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.urls import Resolver404, resolve

from packagegrid.caching.services import (
    CATEGORIES,
    GRIDS,
    HISTORY,
    PACKAGES,
    SITE,
    USERS,
    category_key,
    grid_key,
    package_key,
)

KeysOf = Callable[[Mapping[str, Any]], list[str]]

EVERYTHING = [PACKAGES, GRIDS, CATEGORIES, USERS, HISTORY]


def _one(make: Callable[[str], str], *also: str) -> KeysOf:
    """A detail route: the object named by the URL's (only) argument, plus `also`."""

    def keys(kwargs: Mapping[str, Any]) -> list[str]:
        named = [make(str(value)) for value in kwargs.values()][:1]
        return [*named, *also] if named else list(EVERYTHING)

    return keys


def _lists(*keys: str) -> KeysOf:
    return lambda kwargs: list(keys)


PAGES: dict[str, KeysOf] = {
    # Web pages.
    "home": _lists(PACKAGES, GRIDS, CATEGORIES),
    "packages": _lists(PACKAGES, CATEGORIES),
    "package": _one(package_key, CATEGORIES),
    "package-rules": _one(package_key),
    "package-history": _one(package_key, HISTORY, USERS),
    "category": _one(category_key, CATEGORIES),
    "grids": _lists(GRIDS),
    "grid": _one(grid_key, CATEGORIES),
    "grid-history": _one(grid_key, HISTORY, USERS),
    "feed-package-releases-rss": _one(package_key),
    "feed-package-releases-atom": _one(package_key),
    "feed-grid-rss": _one(grid_key),
    "feed-grid-atom": _one(grid_key),
    "about": _lists(),
    "about-health": _lists(),
    "robots": _lists(),
    "opensearch": _lists(),
    # API v4 and v5 (category and grid links are by id, which never changes).
    "v4:api-root": _lists(),
    "v4:package-list": _lists(PACKAGES),
    "v4:package-detail": _one(package_key),
    "v4:grid-list": _lists(GRIDS),
    "v4:grid-detail": _one(grid_key),
    "v4:category-list": _lists(CATEGORIES),
    "v4:category-detail": _one(category_key),
    "v4:search-list": _lists(PACKAGES, GRIDS, CATEGORIES),
    "v5:api-root": _lists(),
    "v5:package-list": _lists(PACKAGES),
    "v5:package-detail": _one(package_key),
    # API v3 (packages name their category, grids and people by slug and account).
    "v3:api-root": _lists(),
    "v3:package-list": _lists(PACKAGES, CATEGORIES, USERS),
    "v3:package-detail": _one(package_key, CATEGORIES, USERS),
    "v3:grid-list": _lists(GRIDS),
    "v3:grid-detail": _one(grid_key),
    "v3:grid-packages": _one(grid_key, CATEGORIES, USERS),
    "v3:category-list": _lists(CATEGORIES),
    "v3:category-detail": _one(category_key),
}


def page_version_keys(path: str) -> list[str]:
    """The content-version keys of the page at `path`: SITE first, then what it shows."""
    try:
        match = resolve(path)
    except Resolver404:
        return [SITE, *EVERYTHING]
    keys_of = PAGES.get(match.view_name)
    return [SITE, *(keys_of(match.kwargs) if keys_of else EVERYTHING)]
