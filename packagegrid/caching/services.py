"""Reading and bumping content versions (see `ContentVersion`).

Writers say what changed (`packages_changed`, `grids_changed`, `categories_changed`,
`versions_bump`); the keys are collected per transaction and written once, after it
commits: a rolled-back write bumps nothing, and a page rendered from the old data can
only be stored under the old tokens (readers see the new tokens after the new data).
Outside a transaction the bump is written at once.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

from packagegrid.caching.models import ContentVersion

# Every page's versions include SITE: bumping it invalidates every cached response at
# once (bulk imports, the search synonyms).
SITE = "site"
# The site-wide lists: every list of packages, of grids, of categories, and what shows
# people (profiles). A change to one package bumps that package, its category, its grids
# and PACKAGES; nothing else.
PACKAGES = "packages"
GRIDS = "grids"
CATEGORIES = "categories"
USERS = "users"
HISTORY = "history"


def package_key(id_or_slug: int | str) -> str:
    return f"package:{id_or_slug}"


def grid_key(id_or_slug: int | str) -> str:
    return f"grid:{id_or_slug}"


def category_key(id_or_slug: int | str) -> str:
    return f"category:{id_or_slug}"


@dataclass(frozen=True, slots=True)
class Version:
    token: int
    changed_at: datetime | None


_UNKNOWN = Version(token=0, changed_at=None)


def versions_of(keys: Iterable[str]) -> dict[str, Version]:
    """The version of each key, in one query; a key never bumped has token 0.

    Every validated request reads them before anything else, so the statement is written
    here rather than built by the ORM: compiling the queryset took more time than the
    query's round trip. `changed_at` goes through the converters the ORM would apply
    (SQLite stores text).
    """
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    quote = connection.ops.quote_name
    table = quote(ContentVersion._meta.db_table)
    columns = ", ".join(quote(name) for name in ("key", "token", "changed_at"))
    placeholders = ", ".join(["%s"] * len(wanted))
    with connection.cursor() as cursor:
        # Only quoted names go into the SQL text; the keys are bound parameters.
        cursor.execute(
            f"SELECT {columns} FROM {table} WHERE {quote('key')} IN ({placeholders})",
            wanted,
        )
        rows = cursor.fetchall()
    expression = models.Expression(output_field=models.DateTimeField())
    converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(
        connection
    )
    found: dict[str, Version] = {}
    for row_key, row_token, row_changed_at in rows:
        for converter in converters:
            row_changed_at = converter(row_changed_at, expression, connection)
        found[row_key] = Version(token=int(row_token), changed_at=row_changed_at)
    return {key: found.get(key, _UNKNOWN) for key in wanted}


@dataclass(slots=True)
class _Pending:
    """The changes of the current transaction and the callback that writes them."""

    keys: set[str] = field(default_factory=set)
    package_ids: set[int] = field(default_factory=set)
    grid_ids: set[int] = field(default_factory=set)
    category_ids: set[int] = field(default_factory=set)
    flush: Callable[[], None] | None = None

    def __bool__(self) -> bool:
        return bool(self.keys or self.package_ids or self.grid_ids or self.category_ids)


_local = threading.local()


def _pending() -> _Pending:
    """The changes of the current transaction, written once when it commits."""
    pending: _Pending | None = getattr(_local, "pending", None)
    if pending is not None and (
        not connection.in_atomic_block
        or any(entry[1] is pending.flush for entry in connection.run_on_commit)
    ):
        return pending
    # None yet, or its flush was dropped with a rolled-back transaction or savepoint
    # (those changes never happened): start anew.
    pending = _local.pending = _Pending()
    if connection.in_atomic_block:
        pending.flush = lambda: _flush(pending)
        transaction.on_commit(pending.flush)
    return pending


def _after_change() -> None:
    if not connection.in_atomic_block:
        _flush(_pending())


def versions_bump(keys: Iterable[str]) -> None:
    """Give `keys` new tokens once the current transaction commits."""
    _pending().keys.update(keys)
    _after_change()


def packages_changed(package_ids: Iterable[int]) -> None:
    """A value shown of these packages changed: bump each package (by id and slug), its
    category, its grids and the package lists."""
    _pending().package_ids.update(package_ids)
    _after_change()


def grids_changed(grid_ids: Iterable[int]) -> None:
    """A value shown of these grids changed: bump each grid (by id and slug) and the grid
    lists."""
    _pending().grid_ids.update(grid_ids)
    _after_change()


def categories_changed(category_ids: Iterable[int]) -> None:
    """A category changed: bump it (by id and slug) and CATEGORIES, which every page that
    names categories shows."""
    _pending().category_ids.update(category_ids)
    _after_change()


def content_changed() -> None:
    """Invalidate every cached response (after bulk imports and other writes whose reach is
    not worth working out)."""
    versions_bump([SITE])


def _flush(pending: _Pending) -> None:
    if getattr(_local, "pending", None) is pending:
        _local.pending = None
    if not pending:
        return
    keys = _resolve(pending)
    if keys:
        _write(keys)


def _resolve(pending: _Pending) -> set[str]:
    """The keys of `pending`: its own, plus those of the packages, grids and categories."""
    # Looked up, not imported: the catalog and grids apps import this module's callers.
    Category = apps.get_model("catalog", "Category")
    Package = apps.get_model("catalog", "Package")
    Grid = apps.get_model("grids", "Grid")
    GridPackage = apps.get_model("grids", "GridPackage")

    keys = set(pending.keys)
    grid_ids = set(pending.grid_ids)
    category_ids = set(pending.category_ids)
    if pending.package_ids:
        keys.add(PACKAGES)
        for package_id, slug, category_id in Package.objects.filter(
            pk__in=pending.package_ids
        ).values_list("pk", "slug", "category_id"):
            keys.update((package_key(package_id), package_key(slug)))
            # A category page lists its packages; a package change is not a change of
            # the category itself (CATEGORIES stays).
            keys.add(category_key(category_id))
        keys.update(package_key(package_id) for package_id in pending.package_ids)
        # A grid's page shows its packages' numbers; the grid lists do not (GRIDS stays).
        grid_ids.update(
            GridPackage.objects.filter(package_id__in=pending.package_ids).values_list(
                "grid_id", flat=True
            )
        )
    if pending.grid_ids:
        keys.add(GRIDS)
    if grid_ids:
        for grid_id, slug in Grid.objects.filter(pk__in=grid_ids).values_list("pk", "slug"):
            keys.update((grid_key(grid_id), grid_key(slug)))
        keys.update(grid_key(grid_id) for grid_id in grid_ids)
    if category_ids:
        keys.add(CATEGORIES)
        keys.update(category_key(category_id) for category_id in category_ids)
    # Category pages are found by slug: name both for every category touched.
    touched = {
        int(key.split(":", 1)[1])
        for key in keys
        if key.startswith("category:") and key.split(":", 1)[1].isdigit()
    }
    if touched:
        keys.update(
            category_key(slug)
            for slug in Category.objects.filter(pk__in=touched).values_list("slug", flat=True)
        )
    return keys


def _write(keys: set[str]) -> None:
    """New random tokens for `keys`, in one statement (sorted, so that two writers lock
    rows in the same order)."""
    now = timezone.now()
    ContentVersion.objects.bulk_create(
        [
            ContentVersion(key=key[:200], token=secrets.randbits(62), changed_at=now)
            for key in sorted(keys)
        ],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["token", "changed_at"],
    )
