"""Building search documents from packages and grids (no writes here).

A package's document carries its names (weight A), title words (B), description, PyPI
summary and PyPI keywords (C), and its category, grid titles and first participants
(D); a grid's carries its names, title words and description. Each also carries the facet values and
figures the results show, and the stored part of the quality signal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from packagegrid.catalog.models import Package, PyPIData, RepoData
from packagegrid.grids.models import Grid
from packagegrid.lib.licenses import package_license
from packagegrid.search.models import SearchDocument
from packagegrid.search.text import compact, index_text, name_keys

# Participants beyond the first few are mostly drive-by contributors: indexing them would
# make common words match through user names.
INDEXED_PARTICIPANTS = 10
MAX_BODY_CHARS = 4000

# Stored quality, 0-79 in all: stars on a log scale (100,000 stars = 45) and people who use
# the package (1,000 = 25); grids get up to 45 for their size. Recent activity adds up to
# 20 at query time (packagegrid.search.backends), so the whole signal stays below 100.
STARS_POINTS, STARS_SCALE = 45, 5.0
USAGE_POINTS, USAGE_SCALE = 25, 3.0
GRID_POINTS, GRID_SCALE = 45, 2.0

FACET_KEYS = ("type", "category", "grid", "license", "django", "python", "status", "pypi")

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
    grids: Sequence[tuple[str, str]]  # (slug, title) of each grid holding the package


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


def package_status(package: Package, repo: RepoData | None) -> str:
    """ "deprecated" (replaced by another), "archived" (read-only repository) or "active"."""
    if package.replaced_by_id is not None:
        return "deprecated"
    if repo is not None and repo.archived:
        return "archived"
    return "active"


def _log_points(value: int, points: int, scale: float) -> int:
    return round(points * min(1.0, math.log10(1 + max(value, 0)) / scale))


def package_document(facts: PackageFacts) -> SearchDocument:
    """The unsaved search document of one package."""
    package, repo, pypi = facts.package, facts.repo, facts.pypi
    status = package_status(package, repo)
    classifiers = pypi.classifiers if pypi else []
    description = repo.description if repo else ""
    summary = pypi.summary if pypi else ""
    participants = [str(p) for p in (repo.participants if repo else [])]
    has_release = bool(pypi and pypi.latest_version) or facts.last_release_at is not None
    license = license_label(pypi=pypi, repo=repo)
    facets = [
        facet_line("type", "package"),
        facet_line("category", package.category.slug, package.category.title),
        *(facet_line("grid", slug, title) for slug, title in facts.grids),
        *([facet_line("license", license)] if license else []),
        *(facet_line("django", v) for v in _versions(classifiers, _DJANGO_CLASSIFIER)),
        *(facet_line("python", v) for v in _versions(classifiers, _PYTHON_CLASSIFIER)),
        facet_line("status", status),
        facet_line("pypi", "yes" if has_release else "no"),
    ]
    stars = repo.stars if repo else 0
    quality = _log_points(stars, STARS_POINTS, STARS_SCALE) + _log_points(
        facts.usage, USAGE_POINTS, USAGE_SCALE
    )
    if status != "active":
        quality //= 2
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
        stars=stars,
        forks=repo.forks if repo else 0,
        usage=facts.usage,
        participants=",".join(participants),
        last_commit_at=repo.last_commit_at if repo else None,
        last_release_at=facts.last_release_at,
        key=key,
        name_text=index_text(*name_keys(package.slug, package.title)),
        title_text=index_text(package.title, package.slug),
        body_text=index_text(description, summary, pypi.keywords if pypi else "")[:MAX_BODY_CHARS],
        other_text=index_text(
            package.category.title,
            *(title for _, title in facts.grids),
            *participants[:INDEXED_PARTICIPANTS],
        )[:MAX_BODY_CHARS],
        quality=quality,
        active_at=(repo.last_commit_at if repo else None) if status == "active" else None,
        facets="\n".join(facets),
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
        facets=facet_line("type", "grid"),
    )
