"""Import from djangopackages.org: API v4 records, from a JSON-lines file or a live API.

A record is validated (`V4Package`: every string bounded by its column and free of NUL
bytes, slugs in Django's slug alphabet, URLs well formed), then applied
(`package_import_record`) in its own transaction; a bad record is reported and skipped,
the others import. Ids, timestamps, `null` versus `""`, `[]` versus 52 zeros and
participant order are kept exactly, so that an imported record reads back identically
from our API v4. Categories and grids named only by links are created with placeholder
titles when missing; `--api` imports them with their real titles first.

A package added on this site (`Package.imported` false) is never overwritten by a record
with its id unless `force` is given; a forced overwrite is recorded in its history.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import DatabaseError, models, transaction
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from packagegrid.caching.bulk import after_bulk_write
from packagegrid.catalog.history_services import edit_record, field_values
from packagegrid.catalog.models import Category, EditRecord, Package, PyPIData, RepoData
from packagegrid.changes.models import Action, Kind
from packagegrid.changes.services import ChangeInfo, changes_record
from packagegrid.fetchers.http import HttpClient, HttpError
from packagegrid.grids.models import Grid, GridPackage
from packagegrid.lib.repo_urls import InvalidRepoURL, parse_repo_url, repo_key_for_url
from packagegrid.search.services import search_index_deferred

# ASCII digits only: `\d` also matches other scripts' digits, which `int()` accepts.
_ID_IN_LINK = {
    kind: re.compile(rf"/{kind}/(?P<id>[0-9]{{1,18}})/?(?:\?.*)?$")
    for kind in ("categories", "grids")
}
# Ids are primary keys of bigint columns.
MAX_ID = 2**63 - 1
# Counters are stored in PositiveIntegerField columns.
MAX_COUNT = 2**31 - 1
# The curated fields a forced import may overwrite, as the history records them.
_CURATED_FIELDS = ["title", "slug", "category", "repo_url", "pypi_url", "documentation_url"]
_web_url = URLValidator(schemes=["http", "https"])


class ImportError_(Exception):
    """A record that cannot be imported; the message says why."""


def _max(model: type[models.Model], name: str) -> int:
    """The column length of `model.name`, so that the limits follow the schema."""
    column = model._meta.get_field(name)
    assert isinstance(column, models.Field) and column.max_length is not None, name
    return column.max_length


def _slug(value: str) -> str:
    try:
        validate_slug(value)
    except DjangoValidationError:
        raise ValueError("not a slug (letters, digits, hyphens and underscores only)") from None
    return value


def _web_url_or_empty(value: str | None) -> str | None:
    if value:
        try:
            _web_url(value)
        except DjangoValidationError:
            raise ValueError("not an http or https URL") from None
    return value


def _repo_url_or_empty(value: str) -> str:
    """An http(s) URL; on a known code host it must also name a valid repository (the
    fetcher pastes its segments into API paths)."""
    _web_url_or_empty(value)
    if value:
        try:
            parse_repo_url(value)
        except InvalidRepoURL:
            raise ValueError("not a valid repository URL") from None
    return value


def _no_nul(value: Any) -> Any:
    """Refuse NUL bytes anywhere in a record (PostgreSQL stores none, in text or JSON)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("contains a NUL byte")
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _no_nul(item)
    elif isinstance(value, list):
        for item in value:
            _no_nul(item)
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]


CategorySlug = Annotated[
    str, Field(min_length=1, max_length=_max(Category, "slug")), AfterValidator(_slug)
]
GridSlug = Annotated[str, Field(min_length=1, max_length=_max(Grid, "slug")), AfterValidator(_slug)]
PackageSlug = Annotated[
    str, Field(min_length=1, max_length=_max(Package, "slug")), AfterValidator(_slug)
]


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul_bytes(cls, value: Any) -> Any:
        return _no_nul(value)


class V4Category(_Record):
    id: Id
    title: Annotated[str, Field(max_length=_max(Category, "title"))]
    slug: CategorySlug
    description: str = ""
    title_plural: Annotated[str, Field(max_length=_max(Category, "title_plural"))] = ""
    show_pypi: bool = True
    created: datetime
    modified: datetime


class V4Grid(_Record):
    id: Id
    title: Annotated[str, Field(max_length=_max(Grid, "title"))]
    slug: GridSlug
    description: str = ""
    is_locked: bool = False
    header: bool = False
    created: datetime
    modified: datetime


class V4Package(_Record):
    category: Annotated[str, Field(max_length=500)]
    grids: list[Annotated[str, Field(max_length=500)]]
    id: Id
    title: Annotated[str, Field(max_length=_max(Package, "title"))]
    slug: PackageSlug
    last_updated: datetime | None
    last_fetched: datetime | None
    repo_url: Annotated[
        str, Field(max_length=_max(Package, "repo_url")), AfterValidator(_repo_url_or_empty)
    ]
    pypi_version: Annotated[str, Field(max_length=_max(PyPIData, "latest_version"))] | None
    created: datetime
    modified: datetime
    repo_forks: Count
    repo_description: str
    pypi_url: Annotated[str, Field(max_length=_max(Package, "pypi_url"))]
    documentation_url: Annotated[
        str | None,
        Field(max_length=_max(Package, "documentation_url")),
        AfterValidator(_web_url_or_empty),
    ]
    repo_watchers: Count
    commits_over_52: list[Count]
    participants: list[Annotated[str, Field(max_length=200)]]


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
    # Imported, with a remark (a repository listed by another package).
    warnings: list[str] = field(default_factory=list)

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
        _check_slug_free(Category, category_id, f"category-{category_id}")
        Category.objects.create(
            pk=category_id,
            title=f"Category {category_id}",
            slug=f"category-{category_id}",
            title_plural=f"Category {category_id}",
        )


def _ensure_grids(grid_ids: list[int]) -> None:
    existing = set(Grid.objects.filter(pk__in=grid_ids).values_list("pk", flat=True))
    made = Grid.objects.bulk_create(
        Grid(pk=grid_id, title=f"Grid {grid_id}", slug=f"grid-{grid_id}")
        for grid_id in grid_ids
        if grid_id not in existing
    )
    # A bulk insert sends no signals: the change feed is told here.
    changes_record(
        ChangeInfo(Kind.GRID, grid.pk, Action.CREATE, ["title", "slug"]) for grid in made
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
    added = GridPackage.objects.bulk_create(
        GridPackage(package_id=package_id, grid_id=grid_id)
        for grid_id in grid_ids
        if grid_id not in current
    )
    # A bulk insert sends no signals: the change feed is told of the grids' new package.
    changes_record(
        ChangeInfo(Kind.GRID, link.grid_id, Action.UPDATE, ["packages"]) for link in added
    )
    return True


@dataclass(frozen=True)
class PackageImport:
    """What importing one package record did: created/updated/unchanged, and a remark."""

    outcome: str
    warning: str = ""


def _refuse_site_package(existing: Package, *, force: bool) -> None:
    if not existing.imported and not force:
        raise ImportError_(
            f"id {existing.pk} is package {existing.slug!r}, added on this site: "
            "not overwritten (use --force to overwrite it)"
        )


@transaction.atomic
def package_import_record(
    *, record: V4Package, link_grids: bool = True, force: bool = False
) -> PackageImport:
    """Create or update a package and its fetched data from one API v4 record.

    With `link_grids`, the package's grids become exactly those the record links to
    (missing grids are created with placeholder titles); without it, grids are left alone.
    A package added on this site is overwritten only with `force`, and then the change of
    its curated fields is recorded in its history (by no user). When another package
    already lists the repository, the record is imported without a repository key and
    the returned `warning` says so. Raises ImportError_ when the record cannot be applied
    (bad links, slug taken by another package, a site package without `force`); nothing
    is written then.
    """
    category_id = id_from_link("categories", record.category)
    grid_ids = [id_from_link("grids", link) for link in record.grids]
    _check_slug_free(Package, record.id, record.slug)
    existing = Package.objects.filter(pk=record.id).first()
    if existing is not None:
        _refuse_site_package(existing, force=force)
    _ensure_category(category_id)
    if link_grids:
        _ensure_grids(grid_ids)
    values = {
        "title": record.title,
        "slug": record.slug,
        "category_id": category_id,
        "repo_url": record.repo_url,
        "pypi_url": record.pypi_url,
        "documentation_url": record.documentation_url,
        "created": record.created,
        "modified": record.modified,
        "last_fetched": record.last_fetched,
    }
    warning = ""
    key = repo_key_for_url(record.repo_url)
    holder = Package.objects.filter(repo_key=key).exclude(pk=record.id).first() if key else None
    if holder is not None:
        warning = (
            f"repository {key} is already listed by {holder.slug!r}; "
            "imported without a repository key"
        )
    if existing is None:
        package = Package(pk=record.id, imported=True, **values)
        package.withhold_repo_key = holder is not None
        package.save(force_insert=True)
        outcome = "created"
    else:
        before = field_values(existing, _CURATED_FIELDS)
        changed = _assign(existing, values)
        existing.withhold_repo_key = holder is not None
        outcome = "unchanged"
        if changed:
            existing.save(update_fields=changed)
            outcome = "updated"
        if not existing.imported:
            edit_record(
                user=None,
                instance=existing,
                action=EditRecord.Action.UPDATE,
                before=before,
                after=field_values(existing, _CURATED_FIELDS),
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
    return PackageImport(outcome=outcome, warning=warning)


def _after_import() -> None:
    after_bulk_write(inserted_with_ids=[Category, Grid, Package])


def _apply(report: ImportReport, where: str, apply: Callable[[], str | PackageImport]) -> None:
    """Apply one record and count its outcome; a failure is reported, never raised, so
    that the records after it still import."""
    try:
        result = apply()
    except ImportError_ as exc:
        report.errors.append(f"{where}: {exc}")
        return
    except DatabaseError as exc:  # a constraint the validation cannot see (a race)
        report.errors.append(f"{where}: the database refused it ({type(exc).__name__})")
        return
    if isinstance(result, PackageImport):
        report.count(result.outcome)
        if result.warning:
            report.warnings.append(f"{where}: {result.warning}")
    else:
        report.count(result)


def _validation_message(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'record'}: {err['msg']}" for err in exc.errors()
    )


@search_index_deferred()  # the index is rebuilt once, at the end
def import_lines(
    lines: Iterable[str | bytes], *, link_grids: bool = True, force: bool = False
) -> ImportReport:
    """Import API v4 package bodies, one JSON object a line; blank lines are skipped.

    A line that is not UTF-8 or JSON, a record that fails validation or cannot be
    applied is reported with its line number and the reason, and skipped; the others
    import. `force` lets records overwrite packages added on this site.
    """
    report = ImportReport()
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            report.errors.append(f"line {number}: not UTF-8")
            continue
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
            partial(package_import_record, record=record, link_grids=link_grids, force=force),
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
def import_api(
    base_url: str, *, client: HttpClient | None = None, force: bool = False
) -> ImportReport:
    """Walk a djangopackages-compatible API v4 (categories, grids, then packages).

    `base_url` is the API root, e.g. `https://djangopackages.org/api/v4/`. Invalid
    records are reported and skipped. `force` lets records overwrite packages added on
    this site. Raises HttpError when a page cannot be read; records imported before
    that are kept.
    """
    base_url = base_url.rstrip("/") + "/"
    report = ImportReport()
    steps: list[tuple[str, type[_Record], Callable[..., str | PackageImport]]] = [
        ("categories", V4Category, category_import_record),
        ("grids", V4Grid, grid_import_record),
        ("packages", V4Package, partial(package_import_record, force=force)),
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
