"""Import from djangopackages.org: API v4 records, from a JSON-lines file or a live API.

A record is validated (`V4Package`), then applied (`package_import_record`) in its own
transaction. Ids, timestamps, `null` versus `""`, `[]` versus 52 zeros and participant
order are kept exactly, so that an imported record reads back identically from our
API v4. Categories and grids named only by links are created with placeholder titles
when missing; `--api` imports them with their real titles first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.db import transaction
from pydantic import BaseModel, ConfigDict, ValidationError

from packagegrid.caching.bulk import after_bulk_write
from packagegrid.catalog.models import Category, Package, PyPIData, RepoData
from packagegrid.fetchers.http import HttpClient, HttpError
from packagegrid.grids.models import Grid, GridPackage
from packagegrid.search.services import search_index_deferred

_ID_IN_LINK = {
    kind: re.compile(rf"/{kind}/(?P<id>\d+)/?(?:\?.*)?$") for kind in ("categories", "grids")
}


class ImportError_(Exception):
    """A record that cannot be imported; the message says why."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)


class V4Category(_Record):
    id: int
    title: str
    slug: str
    description: str = ""
    title_plural: str = ""
    show_pypi: bool = True
    created: datetime
    modified: datetime


class V4Grid(_Record):
    id: int
    title: str
    slug: str
    description: str = ""
    is_locked: bool = False
    header: bool = False
    created: datetime
    modified: datetime


class V4Package(_Record):
    category: str
    grids: list[str]
    id: int
    title: str
    slug: str
    last_updated: datetime | None
    last_fetched: datetime | None
    repo_url: str
    pypi_version: str | None
    created: datetime
    modified: datetime
    repo_forks: int
    repo_description: str
    pypi_url: str
    documentation_url: str | None
    repo_watchers: int
    commits_over_52: list[int]
    participants: list[str]


def id_from_link(kind: str, link: str) -> int:
    """The id at the end of an API link (`.../grids/243/?format=api` -> 243)."""
    match = _ID_IN_LINK[kind].search(link)
    if match is None:
        raise ImportError_(f"Not a link to {kind}: {link!r}")
    return int(match["id"])


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.errors)} failed"
        )


def _assign(instance: Any, values: dict[str, Any]) -> list[str]:
    """Set the values that differ; return the names of the fields that changed."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _upsert(model: Any, pk: int, values: dict[str, Any]) -> str:
    """Create or update one row by primary key; return created/updated/unchanged."""
    instance = model.objects.filter(pk=pk).first()
    if instance is None:
        model.objects.create(pk=pk, **values)
        return "created"
    changed = _assign(instance, values)
    if not changed:
        return "unchanged"
    instance.save(update_fields=changed)
    return "updated"


def _check_slug_free(model: Any, pk: int, slug: str) -> None:
    if model.objects.filter(slug=slug).exclude(pk=pk).exists():
        raise ImportError_(f"slug {slug!r} already belongs to another {model.__name__.lower()}")


def category_import_record(*, record: V4Category) -> str:
    _check_slug_free(Category, record.id, record.slug)
    return _upsert(Category, record.id, record.model_dump(exclude={"id"}))


def grid_import_record(*, record: V4Grid) -> str:
    _check_slug_free(Grid, record.id, record.slug)
    return _upsert(Grid, record.id, record.model_dump(exclude={"id"}))


def _ensure_category(category_id: int) -> None:
    if not Category.objects.filter(pk=category_id).exists():
        Category.objects.create(
            pk=category_id,
            title=f"Category {category_id}",
            slug=f"category-{category_id}",
            title_plural=f"Category {category_id}",
        )


def _ensure_grids(grid_ids: list[int]) -> None:
    existing = set(Grid.objects.filter(pk__in=grid_ids).values_list("pk", flat=True))
    Grid.objects.bulk_create(
        Grid(pk=grid_id, title=f"Grid {grid_id}", slug=f"grid-{grid_id}")
        for grid_id in grid_ids
        if grid_id not in existing
    )


def _sync_grid_links(package_id: int, grid_ids: list[int]) -> bool:
    """Make the package's grids exactly `grid_ids`; return whether anything changed.

    New links are created in the record's order, which is the order API v4 lists them in
    (the order the package joined its grids). Existing links are kept, with their cells.
    """
    current = set(
        GridPackage.objects.filter(package_id=package_id).values_list("grid_id", flat=True)
    )
    wanted = set(grid_ids)
    if current == wanted:
        return False
    GridPackage.objects.filter(package_id=package_id, grid_id__in=current - wanted).delete()
    GridPackage.objects.bulk_create(
        GridPackage(package_id=package_id, grid_id=grid_id)
        for grid_id in grid_ids
        if grid_id not in current
    )
    return True


@transaction.atomic
def package_import_record(*, record: V4Package, link_grids: bool = True) -> str:
    """Create or update a package and its fetched data from one API v4 record.

    With `link_grids`, the package's grids become exactly those the record links to
    (missing grids are created with placeholder titles); without it, grids are left alone.
    Returns "created", "updated" or "unchanged". Raises ImportError_ when the record
    cannot be applied (bad links, slug taken by another package); nothing is written then.
    """
    category_id = id_from_link("categories", record.category)
    grid_ids = [id_from_link("grids", link) for link in record.grids]
    _check_slug_free(Package, record.id, record.slug)
    _ensure_category(category_id)
    if link_grids:
        _ensure_grids(grid_ids)
    outcome = _upsert(
        Package,
        record.id,
        {
            "title": record.title,
            "slug": record.slug,
            "category_id": category_id,
            "repo_url": record.repo_url,
            "pypi_url": record.pypi_url,
            "documentation_url": record.documentation_url,
            "created": record.created,
            "modified": record.modified,
            "last_fetched": record.last_fetched,
        },
    )
    fetched = [
        _upsert(
            RepoData,
            record.id,
            {
                "stars": record.repo_watchers,
                "forks": record.repo_forks,
                "description": record.repo_description,
                "last_commit_at": record.last_updated,
                "commits_over_52": record.commits_over_52,
                "participants": record.participants,
            },
        ),
        _upsert(PyPIData, record.id, {"latest_version": record.pypi_version}),
    ]
    links_changed = link_grids and _sync_grid_links(record.id, grid_ids)
    if outcome == "unchanged" and (links_changed or any(o != "unchanged" for o in fetched)):
        outcome = "updated"
    return outcome


def _after_import() -> None:
    after_bulk_write(inserted_with_ids=[Category, Grid, Package])


def _apply(report: ImportReport, where: str, apply: Callable[[], str]) -> None:
    try:
        report.count(apply())
    except ImportError_ as exc:
        report.errors.append(f"{where}: {exc}")


def _validation_message(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'record'}: {err['msg']}" for err in exc.errors()
    )


@search_index_deferred()  # the index is rebuilt once, at the end
def import_lines(lines: Iterable[str], *, link_grids: bool = True) -> ImportReport:
    """Import API v4 package bodies, one JSON object a line; blank lines are skipped.

    A malformed line is reported with its line number and skipped; the others import.
    """
    report = ImportReport()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = V4Package.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            report.errors.append(f"line {number}: not JSON ({exc.msg})")
            continue
        except ValidationError as exc:
            report.errors.append(f"line {number}: {_validation_message(exc)}")
            continue
        _apply(
            report,
            f"line {number}",
            partial(package_import_record, record=record, link_grids=link_grids),
        )
    _after_import()
    return report


def _pages(client: HttpClient, url: str) -> Iterator[dict[str, Any]]:
    """Every item of a paginated v4 list, following `next` links."""
    next_url: str | None = url
    while next_url:
        page = client.get_json(next_url)
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise HttpError(
                f"{next_url} is not a paginated API v4 list", url=next_url, permanent=True
            )
        yield from page["results"]
        next_url = page.get("next")


@search_index_deferred()  # the index is rebuilt once, at the end
def import_api(base_url: str, *, client: HttpClient | None = None) -> ImportReport:
    """Walk a djangopackages-compatible API v4 (categories, grids, then packages).

    `base_url` is the API root, e.g. `https://djangopackages.org/api/v4/`. Raises
    HttpError when a page cannot be read; records imported before that are kept.
    """
    base_url = base_url.rstrip("/") + "/"
    report = ImportReport()
    steps: list[tuple[str, type[_Record], Callable[..., str]]] = [
        ("categories", V4Category, category_import_record),
        ("grids", V4Grid, grid_import_record),
        ("packages", V4Package, package_import_record),
    ]
    with client or HttpClient() as http:
        for collection, schema, apply in steps:
            for item in _pages(http, f"{base_url}{collection}/?limit=100"):
                where = f"{collection} id {item.get('id', '?') if isinstance(item, dict) else '?'}"
                try:
                    record = schema.model_validate(item)
                except ValidationError as exc:
                    report.errors.append(f"{where}: {_validation_message(exc)}")
                    continue
                _apply(report, where, partial(apply, record=record))
    _after_import()
    return report
