"""Discovery's reads: the directory's PyPI names and the review queue."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Subquery

from packagegrid.catalog.models import Package
from packagegrid.discovery.models import DiscoveryCandidate
from packagegrid.lib.pypi_names import normalize_pypi_name, pypi_name_from_url

REVIEW_QUEUE_PER_PAGE = 50


def directory_pypi_names() -> set[str]:
    """The normalised (PEP 503) PyPI names of every package in the directory, reviewed
    or not (one query)."""
    names = {
        normalize_pypi_name(pypi_name_from_url(url))
        for url in Package.objects.exclude(pypi_url="").values_list("pypi_url", flat=True)
    }
    names.discard("")
    return names


@dataclass(frozen=True, slots=True)
class ReviewQueue:
    packages: list[Package]  # with category, PyPI data and `discovery_reason` joined
    page: Page[Package]


def discovery_review_queue(*, page_number: str) -> ReviewQueue:
    """One page of unreviewed packages, oldest first, each with the signal that listed it
    (`discovery_reason`, "" when none is recorded): two queries, count and rows."""
    reason = DiscoveryCandidate.objects.filter(package=OuterRef("pk")).values("reason")[:1]
    queryset = (
        Package.objects.filter(reviewed=False)
        .select_related("category", "pypi_data")
        .annotate(discovery_reason=Subquery(reason))
        .order_by("created", "id")
    )
    page = Paginator(queryset, REVIEW_QUEUE_PER_PAGE).get_page(page_number)
    return ReviewQueue(packages=list(page.object_list), page=page)
