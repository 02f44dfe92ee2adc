"""Building search documents from packages and grids (no writes here).

A package's document carries its names (weight A), title words (B), description, PyPI
summary and PyPI keywords (C), and its category, grid titles and first participants
(D), and apart from those the start of its README (a record found only through its
README ranks below every other match); a grid's carries its names, title words and
description. Each also carries the facet values and figures the results show, and the
stored part of the quality signal.

A package's quality signal is its health score (`packagegrid.health`), and its lifecycle
state is a facet; both are copied from the stored `PackageHealth`, so the document is
rewritten whenever a recompute changes them (`packagegrid.search.receivers`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from packagegrid.catalog.models import Package, PyPIData, RepoData
from packagegrid.grids.models import Grid
from packagegrid.health.models import Lifecycle, PackageHealth
from packagegrid.lib.licenses import package_license
from packagegrid.search.models import SearchDocument
from packagegrid.search.text import compact, index_text, name_keys

# Participants beyond the first few are mostly drive-by contributors: indexing them would
# make common words match through user names.
INDEXED_PARTICIPANTS = 10
MAX_BODY_CHARS = 4000
# How much of the README is indexed (`Readme.text` is stored cut to about this already).
MAX_README_CHARS = 4000

# Stored quality, below 100 so that it only orders results of equal relevance: a
# package's health score (0-100, shown as is but stored as at most MAX_QUALITY; 0 until
# scored), a grid's size on a log scale (up to 45).
MAX_QUALITY = 99
GRID_POINTS, GRID_SCALE = 45, 2.0

FACET_KEYS = (
    "type",
    "listing",
    "category",
    "grid",
    "license",
    "django",
    "python",
    "lifecycle",
    "pypi",
)
# A document's `facets` text: one facet_line() per line.
FACET_SEPARATOR = "\n"
# The "listing" facet: reviewed (people added or reviewed it; every grid) or discovered
# (found on PyPI by discovery, not reviewed yet). Choosing "reviewed" is how a search
# leaves auto-discovered packages out; by default it finds them, marked.
LISTING_REVIEWED, LISTING_DISCOVERED = "reviewed", "discovered"

_DJANGO_CLASSIFIER = re.compile(r"^Framework :: Django :: (\d+\.\d+)$")
_PYTHON_CLASSIFIER = re.compile(r"^Programming Language :: Python :: (\d+\.\d+)$")


@dataclass(frozen=True, slots=True)
class PackageFacts:
    """What a package document is made of, read in bulk by the indexing service."""

    package: Package
    repo: RepoData | None
    pypi: PyPIData | None
    usage: int
    last_release_at: datetime | None
    health: PackageHealth | None  # None until the package is scored
    grids: Sequence[tuple[str, str]]  # (slug, title) of each grid holding the package
    downloads: int = 0  # last month's downloads, 0 when unknown
    readme: str = ""  # the words of its README (`Readme.text`), "" when none


def _one_line(text: str) -> str:
    return " ".join(text.replace("=", " ").split())


def facet_line(key: str, value: str, label: str = "") -> str:
    """One facet entry as stored: "key=value", or "key=value<TAB>label"."""
    value, label = _one_line(value), _one_line(label)
    return f"{key}={value}\t{label}" if label and label != value else f"{key}={value}"


def license_label(*, pypi: PyPIData | None, repo: RepoData | None) -> str:
    """The package's licence as its page shows it (`package_license`)."""
    return package_license(
        pypi_license=pypi.license if pypi else "", repo_license=repo.license if repo else ""
    )


def _versions(classifiers: Iterable[object], pattern: re.Pattern[str]) -> list[str]:
    found = {m.group(1) for c in classifiers if (m := pattern.match(str(c)))}
    return sorted(found, key=lambda v: tuple(int(part) for part in v.split(".")))


def package_lifecycle(package: Package, repo: RepoData | None, health: PackageHealth | None) -> str:
    """The package's lifecycle state (`Lifecycle`), "" when it was never scored.

    The stored health's state, except that a curated replacement ("deprecated") or an
    archived repository ("archived") shows at once: the health model ranks both above
    every other state, so the next recompute stores the same, and an edit is not left
    showing "active" until then.
    """
    if package.replaced_by_id is not None:
        return Lifecycle.DEPRECATED
    if repo is not None and repo.archived and (health is None or health.lifecycle != "deprecated"):
        return Lifecycle.ARCHIVED
    return health.lifecycle if health is not None else ""


def _log_points(value: int, points: int, scale: float) -> int:
    return round(points * min(1.0, math.log10(1 + max(value, 0)) / scale))


def package_document(facts: PackageFacts) -> SearchDocument:
    """The unsaved search document of one package."""
    package, repo, pypi = facts.package, facts.repo, facts.pypi
    health = facts.health
    lifecycle = package_lifecycle(package, repo, health)
    classifiers = pypi.classifiers if pypi else []
    description = repo.description if repo else ""
    summary = pypi.summary if pypi else ""
    participants = [str(p) for p in (repo.participants if repo else [])]
    has_release = bool(pypi and pypi.latest_version) or facts.last_release_at is not None
    license = license_label(pypi=pypi, repo=repo)
    facets = [
        facet_line("type", "package"),
        facet_line("listing", LISTING_REVIEWED if package.reviewed else LISTING_DISCOVERED),
        facet_line("category", package.category.slug, package.category.title),
        *(facet_line("grid", slug, title) for slug, title in facts.grids),
        *([facet_line("license", license)] if license else []),
        *(facet_line("django", v) for v in _versions(classifiers, _DJANGO_CLASSIFIER)),
        *(facet_line("python", v) for v in _versions(classifiers, _PYTHON_CLASSIFIER)),
        *([facet_line("lifecycle", lifecycle)] if lifecycle else []),
        facet_line("pypi", "yes" if has_release else "no"),
    ]
    score = health.score if health is not None else None
    key = compact(package.slug) or compact(package.title)
    return SearchDocument(
        kind=SearchDocument.Kind.PACKAGE,
        package=package,
        slug=package.slug,
        title=package.title,
        description=description,
        category=package.category.title,
        created=package.created,
        modified=package.modified,
        stars=repo.stars if repo else 0,
        forks=repo.forks if repo else 0,
        usage=facts.usage,
        downloads=facts.downloads,
        participants=",".join(participants),
        last_commit_at=repo.last_commit_at if repo else None,
        last_release_at=facts.last_release_at,
        health_score=score,
        lifecycle=lifecycle,
        reviewed=package.reviewed,
        key=key,
        name_text=index_text(*name_keys(package.slug, package.title)),
        title_text=index_text(package.title, package.slug),
        body_text=index_text(description, summary, pypi.keywords if pypi else "")[:MAX_BODY_CHARS],
        other_text=index_text(
            package.category.title,
            *(title for _, title in facts.grids),
            *participants[:INDEXED_PARTICIPANTS],
        )[:MAX_BODY_CHARS],
        readme_text=index_text(facts.readme)[:MAX_README_CHARS],
        quality=min(score or 0, MAX_QUALITY),
        facets=FACET_SEPARATOR.join(facets),
        package_category_id=package.category_id,
        summary=summary,
        archived=bool(repo and repo.archived),
        deprecated=package.replaced_by_id is not None,
        health_lifecycle=health.lifecycle if health is not None else "",
        commits_over_52=list(repo.commits_over_52 or []) if repo else [],
    )


def grid_document(grid: Grid, *, package_count: int) -> SearchDocument:
    """The unsaved search document of one grid."""
    key = compact(grid.slug) or compact(grid.title)
    return SearchDocument(
        kind=SearchDocument.Kind.GRID,
        grid=grid,
        slug=grid.slug,
        title=grid.title,
        description=grid.description,
        created=grid.created,
        modified=grid.modified,
        key=key,
        name_text=index_text(*name_keys(grid.slug, grid.title)),
        title_text=index_text(grid.title, grid.slug),
        body_text=index_text(grid.description)[:MAX_BODY_CHARS],
        other_text="",
        quality=_log_points(package_count, GRID_POINTS, GRID_SCALE),
        facets=FACET_SEPARATOR.join(
            [facet_line("type", "grid"), facet_line("listing", LISTING_REVIEWED)]
        ),
        package_count=package_count,
        is_featured=grid.is_featured,
    )
