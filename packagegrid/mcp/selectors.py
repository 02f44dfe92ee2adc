"""The reads behind the MCP tools: the site's own selectors and API v5's package
representation, shaped for a language model. No fact is computed here.

Every function runs a constant number of queries, whatever the number of packages, and
raises ToolInputError, with a message saying what to do, for input that names nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from packagegrid.api.links import LinkBuilder
from packagegrid.api.serializers import PackageV5Serializer
from packagegrid.api.views import V4_ROOT
from packagegrid.grids.models import Grid
from packagegrid.grids.selectors import (
    COMPARE_MAX_PACKAGES,
    DEFAULT_GRID_COMPARISON_SORT,
    grid_comparison,
    package_comparison,
)
from packagegrid.health.releases import feature_release, known_release, known_releases
from packagegrid.health.selectors import (
    NOT_DECLARED,
    READY,
    UNKNOWN,
    package_list_for_api_v5,
    readiness_packages,
)
from packagegrid.search.selectors import SearchFilters, search_page

SEARCH_LIMIT = 10
SEARCH_MAX_LIMIT = 20

# What a readiness status means, as the readiness pages explain it.
STATUS_EXPLANATIONS = {
    READY: "Some source (trove classifiers, requires_python, requires_dist or the CI "
    "test matrix) names this release.",
    NOT_DECLARED: "The package declares other releases of this product but not this one.",
    UNKNOWN: "The package declares no release of this product: nothing says whether it works.",
}
HEALTH_NOTE = (
    "score is 0-100, the sum of the axes; each factor gives its points and an explanation. "
    "lifecycle is one of active, stable, stale, abandoned, archived, deprecated, yanked, "
    "with lifecycle_reason saying why. compatibility maps product -> feature release -> "
    "the sources that name it."
)


class ToolInputError(Exception):
    """Input that names nothing: an unknown slug or release, no words, too many slugs.
    The message says what was wrong and what to do."""


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _package_data(slugs: list[str]) -> dict[str, dict[str, Any]]:
    """API v5's representation of the packages with these slugs, by slug (five
    queries whatever their number)."""
    if not slugs:
        return {}
    serializer = PackageV5Serializer(context={"links": LinkBuilder.for_site(V4_ROOT)})
    return {
        package.slug: serializer.to_representation(package)
        for package in package_list_for_api_v5().filter(slug__in=slugs)
    }


def _one_package(slug: str) -> dict[str, Any]:
    data = _package_data([slug]).get(slug)
    if data is None:
        raise ToolInputError(
            f"No package has the slug {slug!r}. Use search_packages to find a package's slug."
        )
    return data


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    """The short form of a package: who it is, its health and what it supports."""
    health = data["health"]
    return {
        "slug": data["slug"],
        "title": data["title"],
        "url": _site(reverse("package", kwargs={"slug": data["slug"]})),
        "api_url": _site(reverse("v5:package-detail", args=[data["slug"]])),
        "description": data["repo_description"],
        "repo_url": data["repo_url"],
        "pypi_version": data["pypi_version"],
        "stars": data["repo_watchers"],
        "last_updated": data["last_updated"],
        "license": data["license"],
        # False for a package found on PyPI that no person has reviewed yet.
        "reviewed": data["reviewed"],
        "health": (
            {
                "score": health["score"],
                "lifecycle": health["lifecycle"],
                "lifecycle_reason": health["lifecycle_reason"],
                "axes": health["axes"],
            }
            if health is not None
            else None
        ),
        "supports": {
            product: list(versions) for product, versions in data["compatibility"].items()
        },
        "advisories": len(data["advisories"]),
    }


def _release_version(product: str, version: str) -> str:
    """`version` as a known feature release of `product` ("5.2.3" -> "5.2")."""
    feature = feature_release(version.strip())
    if feature is None or known_release(product, feature) is None:
        known = ", ".join(release.version for release in known_releases(product))
        label = {"django": "Django", "python": "Python"}.get(product, product)
        raise ToolInputError(f"{label} {version!r} is not a known feature release. Known: {known}.")
    return feature


def mcp_search_packages(
    *,
    query: str,
    django_version: str | None = None,
    python_version: str | None = None,
    limit: int = SEARCH_LIMIT,
) -> dict[str, Any]:
    """The best packages for `query`, as the search page ranks them, filtered by the
    search page's Django and Python facets (what the classifiers name), each with its
    health and the releases it supports. Seven queries."""
    if not query.strip():
        raise ToolInputError("Give some words to search for, e.g. 'rest api' or 'two factor'.")
    if not 1 <= limit <= SEARCH_MAX_LIMIT:
        raise ToolInputError(f"limit must be between 1 and {SEARCH_MAX_LIMIT}.")
    django = _release_version("django", django_version) if django_version else ""
    python = _release_version("python", python_version) if python_version else ""
    filters = SearchFilters(type="package", django=django, python=python)
    page = search_page(query=query, filters=filters, per_page=limit)
    data = _package_data([hit.item.slug for hit in page.hits])
    params = {"q": query, **filters.active()}
    return {
        "query": query,
        "filters": {"django": django or None, "python": python or None},
        "total": page.total,
        "search_url": _site(f"{reverse('search')}?{urlencode(params)}"),
        "results": [
            {**_summary(data[hit.item.slug]), "relevance": hit.item.weight}
            for hit in page.hits
            if hit.item.slug in data
        ],
    }


def mcp_package_health(*, slug: str) -> dict[str, Any]:
    """The package as API v5 serves it (health with every factor explained,
    compatibility with its sources, advisories, latest release, licence), with the
    pages that explain it. Five queries."""
    data = _one_package(slug)
    return {
        "package": data,
        "url": _site(reverse("package", kwargs={"slug": slug})),
        "health_breakdown_url": _site(reverse("package-rules", kwargs={"slug": slug})),
        "health_formula_url": _site(reverse("about-health")),
        "how_to_read": HEALTH_NOTE,
        "scored": data["health"] is not None,
    }


def mcp_compatibility(*, slug: str, django_version: str) -> dict[str, Any]:
    """Whether the package supports a Django feature release: the readiness page's
    status for it, the sources that say so, and the release's support dates. Six
    queries."""
    version = _release_version("django", django_version)
    release = known_release("django", version)
    assert release is not None  # _release_version checked it
    data = _one_package(slug)
    status = (
        readiness_packages(product="django", version=version)
        .filter(slug=slug)
        .values_list("status", flat=True)  # type: ignore[misc]  # an annotation
        .first()
    )
    return {
        "package": slug,
        "title": data["title"],
        "django_version": version,
        "status": status,
        "explanation": STATUS_EXPLANATIONS.get(status or "", ""),
        "sources": data["compatibility"].get("django", {}).get(version, []),
        "release": {
            "released": release.released.isoformat(),
            "end_of_support": release.end_of_support.isoformat(),
            "lts": release.lts,
        },
        "compatibility": data["compatibility"],
        "health": _summary(data)["health"],
        "readiness_url": _site(
            reverse("readiness-release", kwargs={"product": "django", "version": version})
        ),
    }


def mcp_compare_packages(*, slugs: list[str]) -> dict[str, Any]:
    """The packages side by side as the compare page shows them (in the order given),
    with the feature rows of the grids they share. At most nine queries."""
    wanted = list(dict.fromkeys(slug.strip() for slug in slugs if slug.strip()))
    if not wanted:
        raise ToolInputError("Name the packages to compare by slug, e.g. ['django-allauth'].")
    if len(wanted) > COMPARE_MAX_PACKAGES:
        raise ToolInputError(
            f"A comparison shows at most {COMPARE_MAX_PACKAGES} packages; {len(wanted)} were given."
        )
    comparison = package_comparison(slugs=wanted)
    if not comparison.columns:
        raise ToolInputError(
            f"No package has any of the slugs {', '.join(wanted)}. "
            "Use search_packages to find packages' slugs."
        )
    found = [column.package.slug for column in comparison.columns]
    data = _package_data(found)
    return {
        "packages": [
            {**_summary(data[column.package.slug]), "usage": column.package.usage}  # type: ignore[attr-defined]  # annotated by comparison_packages
            for column in comparison.columns
        ],
        "not_found": comparison.not_found,
        "shared_grids": [
            {
                "grid": shared.grid.slug,
                "title": shared.grid.title,
                "url": _site(shared.grid.get_absolute_url()),
                "features": [
                    {
                        "feature": row.feature.title,
                        "values": dict(zip(found, row.cells, strict=True)),
                    }
                    for row in shared.rows
                ],
            }
            for shared in comparison.shared_grids
        ],
        "compare_url": _site(reverse("compare", args=[",".join(found)])),
    }


def mcp_grid(*, slug: str) -> dict[str, Any]:
    """A grid as its page shows it: its features and its packages by stars, each with
    its cells (Markdown text) and its health. Nine queries."""
    grid = Grid.objects.filter(slug=slug).first()
    if grid is None:
        raise ToolInputError(
            f"No grid has the slug {slug!r}. Grids are listed at {_site(reverse('grids'))}."
        )
    comparison = grid_comparison(grid=grid, sort=DEFAULT_GRID_COMPARISON_SORT)
    data = _package_data([column.package.slug for column in comparison.columns])
    return {
        "grid": {
            "slug": grid.slug,
            "title": grid.title,
            "description": grid.description,
            "url": _site(grid.get_absolute_url()),
            "api_url": _site(reverse("v4:grid-detail", args=[grid.pk])),
        },
        "sorted_by": comparison.sort,
        "features": [
            {"title": row.feature.title, "description": row.feature.description}
            for row in comparison.rows
        ],
        "packages": [
            {
                **_summary(data[column.package.slug]),
                "usage": column.package.usage,  # type: ignore[attr-defined]  # annotated by comparison_packages
                "features": [
                    {"feature": row.feature.title, "value": row.cells[index]}
                    for row in comparison.rows
                ],
            }
            for index, column in enumerate(comparison.columns)
        ],
    }
