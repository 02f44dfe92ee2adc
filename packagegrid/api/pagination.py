"""Paging parameters of the APIs: never a 400, whatever a client sends.

API v4 pages exactly as DRF's `LimitOffsetPagination` does on djangopackages.org; API v3
reads `limit`/`offset` as djangopackages.org's v3 views did (`lenient_int`).
"""

from typing import Any

from rest_framework import pagination
from rest_framework.request import Request

from packagegrid.api.schema import page_envelope_schema

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
