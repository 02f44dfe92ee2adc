"""Moderation's reads: the queues of open flags and of changes pending review."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from packagegrid.catalog.models import Flag, Package, PendingChange

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


PENDING_CHANGES_PER_PAGE = 50
_CHANGE_LABELS = {"repo_url": "Repository URL", "replaced_by": "Replaced by"}


@dataclass(frozen=True, slots=True)
class ProposedValue:
    label: str  # "Repository URL"
    before: str  # as shown: a URL, a package title, or "" for none
    after: str


@dataclass(frozen=True, slots=True)
class PendingChangeRow:
    change: PendingChange  # with package and author joined
    values: list[ProposedValue]


@dataclass(frozen=True, slots=True)
class PendingChangeQueue:
    rows: list[PendingChangeRow]
    page: Page[PendingChange]


def pending_change_list_open(*, page_number: str) -> PendingChangeQueue:
    """One page of changes waiting for review, oldest first: three queries (count, rows,
    and the titles of the packages named as replacements, when any is)."""
    queryset = (
        PendingChange.objects.filter(status=PendingChange.Status.OPEN)
        .select_related("package", "user")
        .order_by("created", "id")
    )
    page = Paginator(queryset, PENDING_CHANGES_PER_PAGE).get_page(page_number)
    changes = list(page.object_list)
    ids = {
        value
        for change in changes
        for value in change.changes.get("replaced_by", [])
        if isinstance(value, int)
    }
    titles = dict(Package.objects.filter(pk__in=ids).values_list("pk", "title")) if ids else {}

    def shown(name: str, value: object) -> str:
        if value is None:
            return ""
        if name == "replaced_by":
            return titles.get(value, "a deleted package") if isinstance(value, int) else ""
        return str(value)

    rows = [
        PendingChangeRow(
            change=change,
            values=[
                ProposedValue(
                    label=_CHANGE_LABELS.get(name, name),
                    before=shown(name, before),
                    after=shown(name, after),
                )
                for name, (before, after) in sorted(change.changes.items())
            ],
        )
        for change in changes
    ]
    return PendingChangeQueue(rows=rows, page=page)
