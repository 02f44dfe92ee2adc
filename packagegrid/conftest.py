"""Test set-up shared by every app: no network, the one set of builders for test data, and
the people who act in the tests.

Builders create rows with explicit, fixed timestamps so that golden files stay stable.
Actors: `alice` and `bob` are people with an e-mail address and the password `PASSWORD`,
`staff` is a staff member; `alice_client` is a test client logged in as alice. Build
others with `make_user`, and log a client in with `log_in` or `csrf_client`.
"""

from __future__ import annotations

import itertools
import os
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from importlib import import_module
from typing import TYPE_CHECKING, Any

import psycopg
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.test import Client
from django.utils import timezone

from packagegrid.catalog.dependency_services import package_apply_dependencies
from packagegrid.catalog.models import (
    Category,
    Package,
    PyPIData,
    Readme,
    Release,
    RepoData,
    Usage,
)
from packagegrid.catalog.readme_services import package_apply_readme
from packagegrid.downloads.models import PackageDownloads, WeeklyDownloads
from packagegrid.grids.models import Element, Feature, Grid, GridPackage
from packagegrid.health.models import PackageHealth
from packagegrid.search.selectors import (
    SYNONYMS_CACHE_KEY,
    SYNONYMS_CACHE_SECONDS,
    VOCABULARY_CACHE_KEY,
)
from packagegrid.search.text import synonym_map

if TYPE_CHECKING:
    # What the test client returns: a response with `content`, `json()`, `context` and
    # `url` (django-stubs names this type privately).
    from django.test.client import _MonkeyPatchedWSGIResponse

    type TestResponse = _MonkeyPatchedWSGIResponse

# The query that reads the content versions of an API answer, for its ETag and
# Last-Modified (packagegrid.caching.middleware): one per GET, whatever the rows.
VERSIONS_QUERY = 1
FIXED_TIME = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
# The password of the actors (alice, bob, staff).
PASSWORD = "a-long-Unusual-passphrase"

_numbers = itertools.count(1)

_real_connect = socket.socket.connect


def _loopback_only(sock: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in {"127.0.0.1", "::1", "localhost"} and "/" not in host:
        raise RuntimeError(
            f"Outgoing network requests are not allowed in tests (tried {address!r}); "
            "serve the response from a local test server."
        )
    return _real_connect(sock, address)


# pytest-xdist runs the suite in several processes, each on a test database of its own
# but, on PostgreSQL, in one cluster. The change feed reads only up to the oldest
# transaction still running anywhere in the cluster (packagegrid.changes.selectors), so a
# test of the feed would wait on another process's open test transaction and see nothing.
# Tests marked `cluster_alone` therefore hold a cluster-wide advisory lock exclusively
# while they run, and every other test holds it shared: a feed test starts when the other
# processes' current tests have ended, and they start none until it has.
_CLUSTER_LOCK = 7_411_001
_cluster_lock_connection: psycopg.Connection[Any] | None = None


def _cluster_lock_needed() -> bool:
    database = django_settings.DATABASES["default"]
    return "PYTEST_XDIST_WORKER" in os.environ and database["ENGINE"].endswith("postgresql")


@contextmanager
def _cluster_lock(*, exclusive: bool) -> Iterator[None]:
    global _cluster_lock_connection
    if not _cluster_lock_needed():
        yield
        return
    if _cluster_lock_connection is None:
        # The maintenance database: advisory locks are per database, and every process
        # must take the same one (their test databases differ).
        database = django_settings.DATABASES["default"]
        _cluster_lock_connection = psycopg.connect(
            dbname="postgres",
            host=database["HOST"] or None,
            port=database["PORT"] or None,
            user=database["USER"] or None,
            password=database["PASSWORD"] or None,
            autocommit=True,
        )
    mode = "" if exclusive else "_shared"
    _cluster_lock_connection.execute(f"SELECT pg_advisory_lock{mode}(%s)", [_CLUSTER_LOCK])
    try:
        yield
    finally:
        _cluster_lock_connection.execute(f"SELECT pg_advisory_unlock{mode}(%s)", [_CLUSTER_LOCK])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[Any]:
    """Around a test's set-up, call and tear-down (so around its database transaction)."""
    with _cluster_lock(exclusive=item.get_closest_marker("cluster_alone") is not None):
        return (yield)


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
    # Tests that loop over the API are not throttled; packagegrid/api/tests/test_rate_limits.py
    # sets small limits of its own.
    settings.API_RATE_LIMIT = settings.API_RATE_LIMIT_KEY = 10**6


@pytest.fixture(autouse=True)
def _fast_password_hash(settings: Any) -> None:
    """A fast password hash: the actors have passwords, and hashing them with the
    deployed hasher would cost most of a second per person. No test checks the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    fetched: bool = True,
    **fields: Any,
) -> Package:
    """A package with repository and PyPI data (pass repo=/pypi= to override their fields).

    With fetched=False it is one that no fetch has reached yet: no repository or PyPI data,
    and no `last_fetched`.
    """
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
        "last_fetched": FIXED_TIME if fetched else None,
    }
    values.update(fields)
    package = Package.objects.create(**values)
    if not fetched:
        return package
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


def make_grid(
    *, packages: Sequence[Package] = (), features: int = 0, cell: str = "+", **fields: Any
) -> Grid:
    """A grid holding `packages`, with `features` features and a cell reading `cell` for
    every pair."""
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
            Element(grid_package=link, feature=feature, text=cell) for link in links
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


def make_full_grid(*, packages: int, features: int, **fields: Any) -> Grid:
    """A grid of `packages` packages and `features` features, every cell "yes", and the
    first two packages used by someone."""
    members = [make_package(repo={"stars": i}) for i in range(packages)]
    grid = make_grid(packages=members, features=features, cell="yes", **fields)
    for package in members[:2]:
        make_usage(package)
    return grid


def add_to_grid(grid: Grid, *packages: Package) -> list[GridPackage]:
    """Put `packages` in `grid`, with no cells."""
    return [
        GridPackage.objects.create(grid=grid, package=p, created=FIXED_TIME, modified=FIXED_TIME)
        for p in packages
    ]


def make_feature(grid: Grid, title: str = "", description: str = "") -> Feature:
    return Feature.objects.create(
        grid=grid, title=title or f"Feature {next(_numbers)}", description=description
    )


def set_cell(grid: Grid, package: Package, feature: Feature, text: str) -> Element:
    """The cell of `package` (already in `grid`) for `feature`."""
    grid_package = GridPackage.objects.get(grid=grid, package=package)
    return Element.objects.create(grid_package=grid_package, feature=feature, text=text)


def make_user(
    username: str = "", *, staff: bool = False, password: str | None = None, **fields: Any
) -> User:
    """A person (staff with staff=True); without `password` they have no usable one."""
    return User.objects.create_user(
        username=username or f"user{next(_numbers)}", password=password, is_staff=staff, **fields
    )


def make_usage(package: Package, count: int = 1) -> None:
    """`count` new people who say they use `package`."""
    for _ in range(count):
        Usage.objects.create(package=package, user=make_user())


def make_dependencies(package: Package, *requires_dist: str) -> None:
    """Store `requires_dist` (PEP 508 strings) as `package`'s requirements, as the PyPI
    apply step does (resolved against the packages listed now)."""
    PyPIData.objects.filter(package=package).update(requires_dist=list(requires_dist))
    package_apply_dependencies(package=package, requires_dist=requires_dist)


def make_release(
    package: Package, version: str, *, days_ago: int = 0, yanked: bool = False
) -> Release:
    """A release of `package`, uploaded `days_ago` days before now."""
    return Release.objects.create(
        package=package,
        version=version,
        uploaded_at=timezone.now() - timedelta(days=days_ago),
        yanked=yanked,
    )


def make_downloads(
    package: Package, *, last_week: int = 0, last_month: int = 0, weeks: Sequence[int] = ()
) -> PackageDownloads:
    """pypistats' numbers for `package`: recent totals and `weeks` (oldest first, the last
    one the ISO week of 2 March 2026)."""
    last = date(2026, 3, 2)
    WeeklyDownloads.objects.bulk_create(
        WeeklyDownloads(
            package=package, week=last - timedelta(weeks=len(weeks) - 1 - i), downloads=n
        )
        for i, n in enumerate(weeks)
    )
    return PackageDownloads.objects.create(
        package=package, last_day=last_week // 7, last_week=last_week, last_month=last_month
    )


def make_readme(package: Package, source: str, content_type: str = "text/markdown") -> Readme:
    """The package's README from PyPI, rendered and stored as a PyPI fetch stores it."""
    package_apply_readme(package=package, source=source, content_type=content_type)
    return Readme.objects.get(package=package)


def log_in(client: Client, username: str = "alice", *, staff: bool = False) -> User:
    """A new person, logged in on `client`."""
    user = make_user(username, staff=staff)
    client.force_login(user)
    return user


def csrf_client(username: str = "alice", *, staff: bool = False) -> tuple[Client, User]:
    """A client that enforces CSRF checks, logged in as a new person."""
    client = Client(enforce_csrf_checks=True)
    return client, log_in(client, username, staff=staff)


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice", email="alice@example.com", password=PASSWORD)


@pytest.fixture
def bob(db: None) -> User:
    return make_user("bob", email="bob@example.com", password=PASSWORD)


@pytest.fixture
def staff(db: None) -> User:
    return make_user("staff", email="staff@example.com", password=PASSWORD, staff=True)


@pytest.fixture
def alice_client(client: Client, alice: User) -> Client:
    """The test client, logged in as alice."""
    client.force_login(alice)
    return client
