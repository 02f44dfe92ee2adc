"""Reads of catalog data, shaped for the pages and APIs that use them."""

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import slugify

from packagegrid.catalog.models import (
    Category,
    EditRecord,
    Favorite,
    Package,
    PackageQuerySet,
    Release,
    Usage,
)
from packagegrid.grids.models import GridPackage
from packagegrid.lib.repo_urls import RepoRef, repo_key


def history_for(instance: models.Model) -> models.QuerySet[EditRecord]:
    """Edits of one object, newest first, with their authors."""
    return EditRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk
    ).select_related("user")


def people_count_subquery(model: type[Usage] | type[Favorite]) -> Coalesce:
    """How many people use (`Usage`) or favor (`Favorite`) the outer package, as an
    annotation (0 when nobody)."""
    counts = (
        model._default_manager.filter(package=OuterRef("pk"))
        .order_by()
        .values("package")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def usage_count_subquery() -> Coalesce:
    """How many people use the outer package, as an annotation (0 when nobody)."""
    return people_count_subquery(Usage)


def last_release_subquery() -> Subquery:
    """Upload time of the outer package's newest non-yanked release (None when unknown)."""
    newest = (
        Release.objects.filter(package=OuterRef("pk"), yanked=False)
        .order_by()
        .values("package")
        .annotate(at=Max("uploaded_at"))
        .values("at")
    )
    return Subquery(newest)


def package_list_for_api() -> PackageQuerySet:
    """Packages newest id first, with fetched data and grid ids: three queries a page.

    A package's grids come in the order it joined them, as upstream lists them.
    """
    grid_links = GridPackage.objects.only("grid_id", "package_id").order_by("id")
    return (
        Package.objects.with_fetched_data()
        .prefetch_related(Prefetch("grid_packages", queryset=grid_links))
        .order_by("-id")
    )


# A PyPI project name (PEP 508): letters and digits, with `.`, `_`, `-` inside.
_PYPI_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
SLUG_MAX_LENGTH = 100


@dataclass(frozen=True, slots=True)
class PackageGuess:
    """What the add form pre-fills for a repository; `existing` when it is already listed."""

    repo_url: str  # normalised
    title: str
    slug: str  # free at the time of the guess; "" when the name has no letters or digits
    pypi_name: str  # "" when the repository name cannot be a PyPI name
    existing: Package | None


def package_for_repo(*, repo: RepoRef, exclude_id: int | None = None) -> Package | None:
    """The package listing repository `repo`, or None (one query).

    Packages are matched on their stored `repo_key`, so a record holding
    `http://www.github.com/Owner/Repo.git/` matches `https://github.com/owner/repo`.
    `exclude_id` leaves one package out (the one being edited).
    """
    candidates = Package.objects.filter(repo_key=repo_key(repo)).only(
        "id", "title", "slug", "repo_url"
    )
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    return candidates.first()


def package_ids_for_repo(*, repo: RepoRef) -> list[int]:
    """Ids of the packages listing repository `repo` (one query; at most one id, since
    the key is unique, but callers need not rely on it)."""
    return list(Package.objects.filter(repo_key=repo_key(repo)).values_list("pk", flat=True))


def package_slug_suggestion(*, name: str) -> str:
    """A slug made from `name` that no package uses yet, compared case-insensitively
    ("django-axes", else "django-axes-2", "django-axes-3"...). One query; "" when `name`
    has no letters or digits to make one from.
    """
    # Dots separate words in repository names (`django.contrib.x`); slugify would drop them.
    base = slugify(name.replace(".", "-"))[: SLUG_MAX_LENGTH - 4]
    if not base:
        return ""
    taken = {
        slug.lower()
        for slug in Package.objects.filter(slug__istartswith=base).values_list("slug", flat=True)
    }
    suggestion, n = base, 1
    while suggestion in taken:
        n += 1
        suggestion = f"{base}-{n}"
    return suggestion


def package_add_guess(*, repo: RepoRef) -> PackageGuess:
    """The add form's guesses for `repo`: title and PyPI name from the repository name and
    a free slug (one or two queries). When a package already lists `repo` it is returned
    as `existing` and nothing else is guessed.
    """
    existing = package_for_repo(repo=repo)
    if existing is not None:
        return PackageGuess(repo_url=repo.url, title="", slug="", pypi_name="", existing=existing)
    return PackageGuess(
        repo_url=repo.url,
        title=repo.name[:100],
        slug=package_slug_suggestion(name=repo.name),
        pypi_name=repo.name if _PYPI_NAME.match(repo.name) else "",
        existing=None,
    )


# The fields of a package a person edits, labelled, in the order the history lists them.
PACKAGE_FIELD_LABELS = {
    "title": "Title",
    "slug": "Slug",
    "category": "Category",
    "repo_url": "Repository URL",
    "pypi_url": "PyPI URL",
    "documentation_url": "Documentation URL",
    "replaced_by": "Replaced by",
    "finished": "Finished",
}
PACKAGE_HISTORY_PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    label: str
    before: str  # as shown: a category or package by its title; "" when empty
    after: str


@dataclass(frozen=True, slots=True)
class PackageHistoryEntry:
    record: EditRecord  # with `user` joined
    changes: list[FieldChange]
    can_revert: bool  # an update (creations and reverts are not undone)


@dataclass(frozen=True, slots=True)
class PackageHistory:
    entries: list[PackageHistoryEntry]
    page: Page[EditRecord]


def package_history(
    *, package: Package, page_number: str, per_page: int = PACKAGE_HISTORY_PER_PAGE
) -> PackageHistory:
    """One page of `package`'s edits, newest first, each change before → after in words.

    At most four queries whatever the number of edits: the count, the records with their
    authors, then the titles of the categories and packages the page mentions.
    `page_number` is read as Paginator.get_page does.
    """
    page = Paginator(history_for(package), per_page).get_page(page_number)
    records: list[EditRecord] = list(page.object_list)
    category_ids: set[int] = set()
    package_ids: set[int] = set()
    for record in records:
        for name, values in _pairs(record):
            ids = {"category": category_ids, "replaced_by": package_ids}.get(name)
            if ids is not None:
                ids.update(v for v in values if isinstance(v, int))
    titles: dict[str, dict[int, str]] = {
        "category": dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "title"))
        if category_ids
        else {},
        "replaced_by": dict(Package.objects.filter(pk__in=package_ids).values_list("pk", "title"))
        if package_ids
        else {},
    }
    order = list(PACKAGE_FIELD_LABELS)
    entries = []
    for record in records:
        pairs = sorted(_pairs(record), key=lambda p: (p[0] not in order, _index(order, p[0]), p[0]))
        changes = [
            FieldChange(
                field=name,
                label=PACKAGE_FIELD_LABELS.get(name, name),
                before=_shown(titles.get(name), before),
                after=_shown(titles.get(name), after),
            )
            for name, (before, after) in pairs
        ]
        entries.append(
            PackageHistoryEntry(
                record=record,
                changes=changes,
                can_revert=record.action == EditRecord.Action.UPDATE,
            )
        )
    return PackageHistory(entries=entries, page=page)


def _pairs(record: EditRecord) -> list[tuple[str, tuple[Any, Any]]]:
    """The record's `{"field": [before, after]}` changes; malformed entries are skipped."""
    changes = record.changes if isinstance(record.changes, dict) else {}
    return [
        (str(name), (values[0], values[1]))
        for name, values in changes.items()
        if isinstance(values, list) and len(values) == 2
    ]


def _index(order: list[str], name: str) -> int:
    return order.index(name) if name in order else 0


def _shown(titles: dict[int, str] | None, value: Any) -> str:
    if value is None:
        return ""
    if titles is not None and isinstance(value, int):
        return titles.get(value, f"#{value} (deleted)")
    return str(value)


# Longest text filter we pass to the database; longer input is cut, never an error.
MAX_FILTER_LENGTH = 200
