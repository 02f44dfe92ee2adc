"""Limit/offset pagination that rejects bad parameters instead of guessing."""

from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

MAX_LIMIT = 1000


def _parse_bound(request: Request, name: str, *, default: int, minimum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"Must be an integer, got {raw[:50]!r}."]}) from None
    if value < minimum:
        raise ValidationError({name: [f"Must be at least {minimum}."]})
    if name == "limit" and value > MAX_LIMIT:
        raise ValidationError({name: [f"Must be at most {MAX_LIMIT}."]})
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
        return _parse_bound(request, "limit", default=self.default_limit, minimum=1)

    def get_offset(self, request: Request) -> int:
        return _parse_bound(request, "offset", default=0, minimum=0)

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: object = None  # type: ignore[type-arg]
    ) -> list[object] | None:
        return super().paginate_queryset(queryset, request, view)  # type: ignore[arg-type]
