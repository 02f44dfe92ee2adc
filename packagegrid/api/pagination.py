"""Paging parameters of the APIs: never a 400, whatever a client sends.

API v4 pages exactly as DRF's `LimitOffsetPagination` does on djangopackages.org; API v3
reads `limit`/`offset` as djangopackages.org's v3 views did (`lenient_int`).
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from rest_framework import exceptions, pagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from packagegrid.api.schema import cursor_envelope_schema, page_envelope_schema
from packagegrid.lib.ids import MAX_ID

MAX_LIMIT = 1000


def lenient_int(request: Request, name: str, *, default: int) -> int:
    """The query parameter `name` read with Python's `int()`, or `default`.

    `default` replaces a missing value, anything `int()` refuses ("abc", "1.5", "") and
    a negative number, so that a page is always served. Leading and trailing spaces are
    accepted, as `int()` accepts them.
    """
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        return default
    return default if value < 0 else value


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """DRF's limit/offset paging unchanged: default 20, a larger `limit` cut to 1000.

    As in DRF, a non-numeric, zero or negative `limit` gives the default page and a
    non-numeric or negative `offset` starts at 0; an `offset` past the end is an empty
    page (and never reaches the database).
    """

    default_limit = 20
    max_limit = MAX_LIMIT

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        """DRF's paging, with one query less for a list that fits on its first page.

        The first page (no offset) is read before the count: when it holds fewer items
        than the limit it is the whole list, and its length is the count. A longer list
        is counted as DRF counts it, and every other page is DRF's (an offset past the
        end still never reads a page).
        """
        limit = self.get_limit(request)
        if limit is None or self.get_offset(request) != 0:
            return super().paginate_queryset(queryset, request, view)
        self.request, self.limit, self.offset = request, limit, 0
        page = list(queryset[:limit])
        self.count = len(page) if len(page) < limit else self.get_count(queryset)
        if self.count > limit and self.template is not None:
            self.display_page_controls = True
        return page

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return page_envelope_schema(schema)


class V5PageNumberPagination(pagination.PageNumberPagination):
    """API v5's pages: `?page=` (from 1), 20 items, `?page_size=` up to 100.

    A `page` that is not a page number or is past the end answers 404 (DRF's "Invalid
    page."); a `page_size` that is not a positive number gives the default size.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return page_envelope_schema(schema)


# --- API v5: cursor pages ---------------------------------------------------------------


@dataclass(frozen=True)
class SortKey:
    """One way a v5 list can be ordered: `expression` (an annotation named `name`, never
    null: nulls are coalesced to a value below every real one), then the id, both in the
    same direction. `kind` says how the cursor writes the value."""

    name: str
    expression: Any
    kind: str  # "int", "str" or "datetime"


class CursorError(exceptions.ValidationError):
    """A `cursor` this API did not write (or wrote for another ordering): a 400."""

    def __init__(self) -> None:
        super().__init__({"cursor": ["Invalid cursor: use the next or previous link as given."]})


class KeysetCursorPagination(pagination.BasePagination):
    """API v5's pages: `?cursor=` from the `next` and `previous` links, `page_size` items
    (default 20, at most 100).

    Each page is found by its position in the ordering, (sort value, id), not by an
    offset: a package added or removed while a client walks the pages neither repeats
    nor skips another. The id breaks every tie, so the order is total. The view sets
    `sort_key` and `descending` on the request (`request.v5_order`) before paging.
    """

    page_size = 20
    max_page_size = 100
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def paginate_queryset(  # type: ignore[override]  # pages querysets only
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        key, descending = getattr(request, "v5_order", (ID_SORT, True))
        self.request, self.key, self.descending = request, key, descending
        size = min(
            lenient_int(request, self.page_size_query_param, default=self.page_size)
            or self.page_size,
            self.max_page_size,
        )
        position, backwards = self._decode(request.query_params.get(self.cursor_query_param))
        queryset = queryset.annotate(**{key.name: key.expression}) if key.name != "id" else queryset
        forward = descending != backwards  # True: the page runs in descending order
        value_field = key.name
        if position is not None:
            value, pk = position
            if key.name == "id":
                condition = Q(id__lt=pk) if forward else Q(id__gt=pk)
            elif forward:
                condition = Q(**{f"{value_field}__lt": value}) | Q(
                    **{value_field: value, "id__lt": pk}
                )
            else:
                condition = Q(**{f"{value_field}__gt": value}) | Q(
                    **{value_field: value, "id__gt": pk}
                )
            queryset = queryset.filter(condition)
        if forward:
            ordering = [F(value_field).desc(), F("id").desc()]
        else:
            ordering = [F(value_field).asc(), F("id").asc()]
        rows = list(queryset.order_by(*ordering)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        # next: there is a row after this page; previous: there is one before it.
        self.has_next = more if not backwards else position is not None
        self.has_previous = (position is not None) if not backwards else more
        self.rows = rows
        return rows

    def _encode(self, row: Any, backwards: bool) -> str:
        value = getattr(row, self.key.name)
        if isinstance(value, datetime):
            value = value.isoformat()
        payload = {"k": self.key.name, "d": int(self.descending), "v": value, "i": row.id}
        if backwards:
            payload["b"] = 1
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode(self, cursor: str | None) -> tuple[tuple[Any, int] | None, bool]:
        if cursor is None:
            return None, False
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            payload = json.loads(raw)
            pk = payload["i"]
            value = payload["v"]
            valid = (
                isinstance(payload, dict)
                and payload.get("k") == self.key.name
                and payload.get("d") == int(self.descending)
                and type(pk) is int
                and 0 < pk <= MAX_ID
            )
            if valid and self.key.kind == "int":
                valid = type(value) is int and abs(value) <= MAX_ID
            elif valid and self.key.kind == "str":
                valid = isinstance(value, str) and "\x00" not in value
            elif valid and self.key.kind == "datetime":
                value = datetime.fromisoformat(value)
                valid = value.tzinfo is not None
        except (ValueError, TypeError, KeyError, AttributeError, binascii.Error):
            raise CursorError from None
        if not valid:
            raise CursorError
        return (value, pk), bool(payload.get("b"))

    def _link(self, cursor: str) -> str:
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data: Any) -> Response:
        next_link = previous_link = None
        if self.rows and self.has_next:
            next_link = self._link(self._encode(self.rows[-1], backwards=False))
        if self.rows and self.has_previous:
            previous_link = self._link(self._encode(self.rows[0], backwards=True))
        return Response({"next": next_link, "previous": previous_link, "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return cursor_envelope_schema(schema)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: the value from a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Items per page (default {self.page_size}, at most "
                f"{self.max_page_size}).",
                "schema": {"type": "integer"},
            },
        ]


ID_SORT = SortKey("id", F("id"), "int")
