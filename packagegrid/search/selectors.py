"""Search over packages and grids, one ranked list of both."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

from packagegrid.catalog.models import Package
from packagegrid.catalog.selectors import last_release_subquery, usage_count_subquery
from packagegrid.grids.models import Grid

MAX_QUERY_LENGTH = 200


@dataclass(frozen=True, slots=True)
class SearchItem:
    """One search result, a package or a grid, with what the v4 search API shows."""

    item_type: str  # "package" or "grid"
    title: str
    slug: str
    description: str
    absolute_url: str
    created: datetime
    modified: datetime
    weight: int
    category: str = ""
    repo_watchers: int = 0
    repo_forks: int = 0
    score: int = 0
    usage: int = 0
    participants: list[str] = field(default_factory=list)
    last_committed: datetime | None = None
    last_released: datetime | None = None


def _relevance(query: str, *, description_field: str) -> Case:
    """Match strength: exact slug/title > prefix > title contains > description contains."""
    return Case(
        When(Q(slug__iexact=query) | Q(title__iexact=query), then=Value(100)),
        When(Q(slug__istartswith=query) | Q(title__istartswith=query), then=Value(60)),
        When(Q(slug__icontains=query) | Q(title__icontains=query), then=Value(40)),
        When(**{f"{description_field}__icontains": query}, then=Value(10)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _matches(query: str, *, description_field: str) -> Q:
    return (
        Q(slug__icontains=query)
        | Q(title__icontains=query)
        | Q(**{f"{description_field}__icontains": query})
    )


def search_items(*, query: str, limit: int = 20) -> list[SearchItem]:
    """The `limit` best packages and grids for `query`, best first (two queries).

    Returns [] for an empty or blank query. Over-long queries are cut to
    MAX_QUERY_LENGTH characters. Ties in match strength go to the most-starred package.
    """
    query = query.strip()[:MAX_QUERY_LENGTH]
    if not query:
        return []
    packages = (
        Package.objects.filter(_matches(query, description_field="repo_data__description"))
        .select_related("category", "repo_data")
        .annotate(
            weight=_relevance(query, description_field="repo_data__description"),
            stars=Coalesce(F("repo_data__stars"), 0),
            usage=usage_count_subquery(),
            last_released=last_release_subquery(),
        )
        .order_by("-weight", "-stars", "title")[:limit]
    )
    grids = (
        Grid.objects.filter(_matches(query, description_field="description"))
        .annotate(weight=_relevance(query, description_field="description"))
        .order_by("-weight", "title")[:limit]
    )
    items = [_package_item(p) for p in packages] + [_grid_item(g) for g in grids]
    items.sort(key=lambda item: (-item.weight, -item.repo_watchers, item.title.lower()))
    return items[:limit]


def _package_item(package: Package) -> SearchItem:
    repo = getattr(package, "repo_data", None)
    return SearchItem(
        item_type="package",
        title=package.title,
        slug=package.slug,
        description=repo.description if repo else "",
        absolute_url=package.get_absolute_url(),
        created=package.created,
        modified=package.modified,
        weight=package.weight,  # type: ignore[attr-defined]
        category=package.category.title,
        repo_watchers=package.stars,  # type: ignore[attr-defined]
        repo_forks=repo.forks if repo else 0,
        # Until the health model lands, the score is the star count, as upstream's was.
        score=package.stars,  # type: ignore[attr-defined]
        usage=package.usage,  # type: ignore[attr-defined]
        participants=list(repo.participants) if repo else [],
        last_committed=repo.last_commit_at if repo else None,
        last_released=package.last_released,  # type: ignore[attr-defined]
    )


def _grid_item(grid: Grid) -> SearchItem:
    return SearchItem(
        item_type="grid",
        title=grid.title,
        slug=grid.slug,
        description=grid.description,
        absolute_url=grid.get_absolute_url(),
        created=grid.created,
        modified=grid.modified,
        weight=grid.weight,  # type: ignore[attr-defined]
    )
