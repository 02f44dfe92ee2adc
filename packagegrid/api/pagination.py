"""Limit/offset pagination that rejects bad parameters instead of guessing."""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

MAX_LIMIT = 1000


def parse_bound(
    request: Request, name: str, *, default: int, minimum: int, maximum: int | None = None
) -> int:
    """The integer query parameter `name`, or `default` when it is absent or empty.

    Raises ValidationError (a 400 naming the parameter) when it is not an integer, is below
    `minimum` or above `maximum`. Shared by every paginated API (v4 and the legacy v3).
    """
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"Must be an integer, got {raw[:50]!r}."]}) from None
    if value < minimum:
        raise ValidationError({name: [f"Must be at least {minimum}."]})
    if maximum is not None and value > maximum:
        raise ValidationError({name: [f"Must be at most {maximum}."]})
    return value


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """DRF's limit/offset paging (default 20, at most 1000).

    DRF silently replaces a non-numeric or negative `limit`/`offset` with the default;
    here they are answered with 400 and a message naming the parameter, so that a client
    bug is visible instead of returning the wrong page.
    """

    default_limit = 20
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int:
        return parse_bound(
            request, "limit", default=self.default_limit, minimum=1, maximum=self.max_limit
        )

    def get_offset(self, request: Request) -> int:
        return parse_bound(request, "offset", default=0, minimum=0)
