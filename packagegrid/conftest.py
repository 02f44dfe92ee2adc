"""Test set-up shared by every app: no network, and small builders for test data.

Builders create rows with explicit, fixed timestamps so that golden files stay stable.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from importlib import import_module
from typing import Any

import pytest
from django.core.cache import cache, caches

from packagegrid.catalog.models import Category, Package, PyPIData, RepoData
from packagegrid.grids.models import Element, Feature, Grid, GridPackage
from packagegrid.health.models import PackageHealth
from packagegrid.search.selectors import (
    SYNONYMS_CACHE_KEY,
    SYNONYMS_CACHE_SECONDS,
    VOCABULARY_CACHE_KEY,
)
from packagegrid.search.text import synonym_map

FIXED_TIME = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)

_real_connect = socket.socket.connect


def _loopback_only(sock: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in {"127.0.0.1", "::1", "localhost"} and "/" not in host:
        raise RuntimeError(
            f"Outgoing network requests are not allowed in tests (tried {address!r}); "
            "serve the response from a local test server."
        )
    return _real_connect(sock, address)


@pytest.fixture(autouse=True)
def _no_response_cache(settings: Any) -> None:
    """Query-count and page tests measure rendering; the cache has its own tests."""
    settings.RESPONSE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _search_caches() -> Iterator[None]:
    """Each test starts with the synonym table cached as the migrations seed it (as a
    running site has it after its first search), so query counts are those of the search
    itself, and with no cached vocabulary, so no test corrects words with another's."""
    seed = import_module("packagegrid.search.migrations.0004_seed_synonyms").SEED
    cache.set(SYNONYMS_CACHE_KEY, synonym_map(seed), SYNONYMS_CACHE_SECONDS)
    cache.delete(VOCABULARY_CACHE_KEY)
    yield
    cache.delete_many([SYNONYMS_CACHE_KEY, VOCABULARY_CACHE_KEY])


@pytest.fixture(autouse=True)
def _limits_in_memory(settings: Any) -> None:
    """Rate-limit counters in this process's memory, empty at the start of every test.

    Query-count tests measure the page, not the counters, and no test sees another's
    counts. packagegrid/limits/tests put them back in the shared stores (database, Redis).
    """
    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "limits",
        },
    }
    caches["limits"].clear()


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse connections to anything but this machine (databases and test servers are local)."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    yield


def make_category(**fields: Any) -> Category:
    n = Category.objects.count() + 1
    values: dict[str, Any] = {
        "title": f"Category {n}",
        "slug": f"category-{n}",
        "title_plural": f"Categories {n}",
        "created": FIXED_TIME,
        "modified": FIXED_TIME,
    }
    values.update(fields)
    return Category.objects.create(**values)


def make_package(
    *,
    category: Category | None = None,
    repo: dict[str, Any] | None = None,
    pypi: dict[str, Any] | None = None,
    **fields: Any,
) -> Package:
    """A package with repository and PyPI data (pass repo=/pypi= to override their fields)."""
    n = Package.objects.count() + 1
    values: dict[str, Any] = {
        "title": f"django-thing-{n}",
        "slug": f"django-thing-{n}",
        "category": category or Category.objects.first() or make_category(),
        "repo_url": f"https://github.com/example/django-thing-{n}",
        "pypi_url": f"https://pypi.org/project/django-thing-{n}/",
        "documentation_url": "",
        "created": FIXED_TIME,
        "modified": FIXED_TIME,
        "last_fetched": FIXED_TIME,
    }
    values.update(fields)
    package = Package.objects.create(**values)
    RepoData.objects.create(
        package=package,
        **{
            "stars": 10 * n,
            "forks": n,
            "description": f"Thing number {n}",
            "last_commit_at": FIXED_TIME,
            "commits_over_52": [n % 3] * 52,
            "participants": ["alice", "bob"],
            **(repo or {}),
        },
    )
    PyPIData.objects.create(package=package, **{"latest_version": f"1.{n}", **(pypi or {})})
    return package


def make_grid(*, packages: Sequence[Package] = (), features: int = 0, **fields: Any) -> Grid:
    """A grid holding `packages`, with `features` features and a cell for every pair."""
    n = Grid.objects.count() + 1
    values: dict[str, Any] = {
        "title": f"Grid {n}",
        "slug": f"grid-{n}",
        "description": f"Grid number {n}",
        "created": FIXED_TIME,
        "modified": FIXED_TIME,
    }
    values.update(fields)
    grid = Grid.objects.create(**values)
    links = [
        GridPackage.objects.create(grid=grid, package=p, created=FIXED_TIME, modified=FIXED_TIME)
        for p in packages
    ]
    for i in range(features):
        feature = Feature.objects.create(grid=grid, title=f"Feature {i + 1}")
        Element.objects.bulk_create(
            Element(grid_package=link, feature=feature, text="+") for link in links
        )
    return grid


def make_health(package: Package, score: int, lifecycle: str = "active") -> PackageHealth:
    """A stored health score for `package`, set by hand (the real one comes from
    `package_health_recompute`, whose result depends on the whole directory)."""
    return PackageHealth.objects.create(
        package=package,
        score=score,
        model="1",
        lifecycle=lifecycle,
        lifecycle_reason=f"Set to {lifecycle} by the test.",
        computed_at=FIXED_TIME,
    )
