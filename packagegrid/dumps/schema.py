"""The dump format: which records are public, their kinds, columns and value encoding.

One table (`KINDS`) drives everything: the JSON Lines writer, the SQLite writer, the
importer and the README's schema. Each kind is one model; its columns are the model's
concrete fields (named by `attname`, so a foreign key is `category_id`) minus the fields
it withholds, each withheld field with the reason. A test fails when a model gains a field
that is neither dumped nor withheld, so a new column can neither leak nor be lost.

Encoding, the same in both files:

| field | JSON | SQLite |
|---|---|---|
| integer, foreign key | number | INTEGER |
| boolean | true/false | INTEGER 0/1 |
| text | string | TEXT |
| date and time | string, UTC, `2026-01-02T03:04:05.678901Z` (always 6 digits) | TEXT, the same |
| date | string, `2026-01-02` | TEXT, the same |
| JSON value | the value, objects with sorted keys | TEXT, the value as compact JSON |

A null stays null in both.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from packagegrid.accounts.models import Profile
from packagegrid.catalog.models import (
    Category,
    Dependency,
    Favorite,
    Package,
    PyPIData,
    Release,
    RepoData,
    Snapshot,
    Usage,
)
from packagegrid.downloads.models import PackageDownloads, WeeklyDownloads
from packagegrid.grids.models import Element, Feature, Grid, GridPackage
from packagegrid.health.models import (
    Advisory,
    CIMatrix,
    Compatibility,
    LifecycleChange,
    PackageHealth,
)

FORMAT = "packagegrid-dump"
FORMAT_VERSION = 1
JSONL_NAME = "packagegrid.jsonl.gz"
SQLITE_NAME = "packagegrid.sqlite3"
LICENSE_NAME = "LICENSE.txt"
MANIFEST_NAME = "manifest.json"
# What /data/ lists and serves, in this order; nothing else in the directory is served.
PUBLISHED_FILES = (JSONL_NAME, SQLITE_NAME, LICENSE_NAME)

LICENSE_ID = "CC0-1.0"
LICENSE_SUMMARY = (
    "Curated data (categories, packages as people describe them, grids, features, cells, "
    "users' public names) and what packagegrid computes from it (health, compatibility) "
    "are dedicated to the public domain under CC0 1.0. Fetched facts are the sources': "
    "credit them when you reuse them."
)
# Kind -> where its facts come from, as the meta record and LICENSE.txt credit them.
ATTRIBUTION = {
    "repo_data": "the code hosts' APIs: GitHub, GitLab, Bitbucket, Codeberg",
    "pypi_data": "the Python Package Index (PyPI) JSON API, pypi.org",
    "release": "the Python Package Index (PyPI) JSON API, pypi.org",
    "dependency": (
        "the Python Package Index (PyPI) JSON API, pypi.org (the latest release's requirements)"
    ),
    "advisory": (
        "PyPI's vulnerability data, from the Python Packaging Advisory Database and the "
        "GitHub Advisory Database (both CC-BY 4.0: keep their attribution)"
    ),
    "ci_matrix": "the packages' own CI files (tox.ini, GitHub Actions, noxfile.py) on GitHub",
    "snapshot": "the code hosts' and PyPI's numbers, as packagegrid recorded them over time",
    "downloads": "pypistats.org (PyPI's download statistics, without mirrors)",
    "weekly_downloads": "pypistats.org (PyPI's download statistics, without mirrors)",
}


def _public_favorites(queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    # A person's favorites are shown only when they share them; the others stay private.
    return queryset.filter(user__profile__share_favorites=True)


@dataclass(frozen=True, slots=True)
class Column:
    """One dumped field: its JSON key and SQLite column (`attname`) and the model field."""

    name: str
    field: models.Field[Any, Any]

    @property
    def sqlite_type(self) -> str:
        return "INTEGER" if _is_integer(self.field) or _is_boolean(self.field) else "TEXT"


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of record: a model, the fields it withholds (with why), and a filter
    that keeps private rows out."""

    name: str
    model: type[models.Model]
    withheld: dict[str, str] = field(default_factory=dict)
    only_public: Callable[[models.QuerySet[Any]], models.QuerySet[Any]] | None = None

    @property
    def columns(self) -> list[Column]:
        return [
            Column(f.attname, f)
            for f in self.model._meta.concrete_fields
            if f.name not in self.withheld
        ]

    @property
    def primary_key(self) -> str:
        return self.model._meta.pk.attname

    def queryset(self) -> models.QuerySet[Any]:
        """Every public row, in primary-key order."""
        rows = self.model._default_manager.all()
        if self.only_public is not None:
            rows = self.only_public(rows)
        return rows.order_by(self.primary_key)


_USER_PRIVATE = "private account data"
# In file order: a record only refers to records of kinds before it (and a package to
# other packages), so a reader can load the file in one pass.
KINDS: tuple[Kind, ...] = (
    Kind(
        "user",
        get_user_model(),
        withheld={
            "password": _USER_PRIVATE,
            "last_login": _USER_PRIVATE,
            "is_superuser": _USER_PRIVATE,
            "first_name": _USER_PRIVATE,
            "last_name": _USER_PRIVATE,
            "email": _USER_PRIVATE,
            "is_staff": _USER_PRIVATE,
            "is_active": _USER_PRIVATE,
            "date_joined": _USER_PRIVATE,
        },
    ),
    Kind("profile", Profile),
    Kind("category", Category),
    Kind("package", Package),
    Kind("repo_data", RepoData),
    Kind("pypi_data", PyPIData),
    Kind("release", Release),
    Kind("dependency", Dependency),
    Kind("compatibility", Compatibility),
    Kind("advisory", Advisory),
    Kind("ci_matrix", CIMatrix),
    Kind("health", PackageHealth),
    Kind("lifecycle_change", LifecycleChange),
    Kind("snapshot", Snapshot),
    Kind("downloads", PackageDownloads),
    Kind("weekly_downloads", WeeklyDownloads),
    Kind("usage", Usage),
    Kind("favorite", Favorite, only_public=_public_favorites),
    Kind("grid", Grid),
    Kind("grid_package", GridPackage),
    Kind("feature", Feature),
    Kind("element", Element),
)
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}
KINDS_BY_MODEL = {kind.model: kind for kind in KINDS}

# Models of the site that are left out of the dump entirely, and why (checked by a test,
# with the kinds above, against every model of the project's apps).
LEFT_OUT = {
    "catalog.Flag": "reports to staff, private",
    "catalog.PendingChange": "edits waiting for staff review, private",
    "catalog.EditRecord": "the edit history: who changed what, shown on the site per object",
    "catalog.Readme": "READMEs are their authors' texts under each package's own terms, and"
    " large; a restored site fetches them from PyPI again (ETags are not dumped)",
    "fetchers.FetchState": "fetch bookkeeping (ETags, errors, backoff)",
    "fetchers.WebhookDelivery": "bookkeeping",
    "search.SearchDocument": "derived: rebuilt from the records on import",
    "search.CategoryCounts": "derived: counted again with the search index on import",
    "health.ProductSupport": "derived: rewritten from the compatibility rows on import",
    "search.Synonym": "search configuration, seeded by a migration",
    "caching.ContentVersion": "bookkeeping",
    "watching.Watch": "what a person watches, private",
    "watching.WatchSettings": "digest settings and the private feed's secret",
    "accounts.ApiKey": "a person's API keys, private",
    "changes.Change": "the change feed: its readers start from a dump, then follow the feed",
    "changes.ChangeHorizon": "bookkeeping",
    "maintainers.MaintainerClaim": "claims checked against GitHub, private to claimants and staff",
    "maintainers.MaintainerEvent": "what verified maintainers did, shown on the site per package",
    "maintainers.DelistingRequest": "requests to staff, private",
    "webhooks.Subscription": "subscribers' endpoints and signing secrets, private",
    "webhooks.Delivery": "bookkeeping",
    "webhooks.DispatchPosition": "bookkeeping",
    "discovery.DiscoveryCandidate": "discovery bookkeeping: PyPI projects checked, their serials"
    " and ETags, and who decided on them",
}


_POSITIVE = (
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
)


def _is_integer(f: models.Field[Any, Any]) -> bool:
    return isinstance(f, models.IntegerField | models.ForeignKey)


def _is_boolean(f: models.Field[Any, Any]) -> bool:
    return isinstance(f, models.BooleanField)


def utc_text(value: datetime) -> str:
    """A timestamp as the dump writes it: UTC, always six fraction digits, `Z`.

    >>> utc_text(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    '2026-01-02T03:04:05.000000Z'
    """
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value: Any) -> Any:
    """A JSON value with every object's keys sorted (PostgreSQL's jsonb keeps no key
    order, so sorting makes a dump independent of the database it came from)."""
    if isinstance(value, dict):
        return {key: canonical(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value


def encode(column: Column, value: Any) -> Any:
    """A database value as the JSON Lines file holds it (see the module docstring)."""
    if value is None:
        return None
    if isinstance(column.field, models.DateTimeField):
        return utc_text(value)
    if isinstance(column.field, models.DateField):
        return value.isoformat()
    if isinstance(column.field, models.JSONField):
        return canonical(value)
    return value


def sqlite_value(column: Column, value: Any) -> Any:
    """A JSON Lines value as the SQLite file holds it."""
    if value is None:
        return None
    if isinstance(column.field, models.JSONField):
        return json_text(value)
    if _is_boolean(column.field):
        return int(value)
    return value


def json_text(value: Any) -> str:
    """Compact JSON, UTF-8 kept as is: one line of the dump, or a JSON value in SQLite."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class RecordError(ValueError):
    """A record's value does not fit its column."""


def decode(column: Column, value: Any) -> Any:
    """A JSON Lines value as the model stores it; raises RecordError when it does not fit
    the column (wrong type, null where none is allowed, too long, unreadable time)."""
    f = column.field
    if value is None:
        if not f.null:
            raise RecordError(f"{column.name}: null is not allowed")
        return None
    if isinstance(f, models.JSONField):
        return value
    if _is_boolean(f):
        if not isinstance(value, bool):
            raise RecordError(f"{column.name}: expected true or false")
        return value
    if _is_integer(f):
        if not isinstance(value, int) or isinstance(value, bool):
            raise RecordError(f"{column.name}: expected an integer")
        if value < 0 and isinstance(f, _POSITIVE):
            raise RecordError(f"{column.name}: expected a positive integer")
        return value
    if not isinstance(value, str):
        raise RecordError(f"{column.name}: expected a string")
    if isinstance(f, models.DateTimeField):
        return _parse_utc(column.name, value)
    if isinstance(f, models.DateField):
        return _parse_date(column.name, value)
    if f.max_length is not None and len(value) > f.max_length:
        raise RecordError(f"{column.name}: longer than {f.max_length} characters")
    return value


def _parse_date(name: str, value: str) -> date:
    if len(value) != 10:  # fromisoformat also reads "20260102" and week dates
        raise RecordError(f"{name}: not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{name}: not a date (YYYY-MM-DD)") from None


def _parse_utc(name: str, value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{name}: not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise RecordError(f"{name}: a time needs its offset (UTC: Z)")
    return parsed.astimezone(UTC)
