"""Moderation's reads: the queue of open flags staff work through."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from packagegrid.catalog.models import Flag

OPEN_FLAGS_PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class FlagQueue:
    flags: list[Flag]  # open flags, oldest first, with package and reporter joined
    page: Page[Flag]


def flag_list_open(*, page_number: str) -> FlagQueue:
    """One page of open flags, oldest first (two queries: count and rows)."""
    queryset = (
        Flag.objects.filter(status=Flag.Status.OPEN)
        .select_related("package", "user")
        .order_by("created", "id")
    )
    page = Paginator(queryset, OPEN_FLAGS_PER_PAGE).get_page(page_number)
    return FlagQueue(flags=list(page.object_list), page=page)
