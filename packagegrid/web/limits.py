"""Rate limits for writes and refreshes, per person (or address), as a view decorator.

The counting is packagegrid.limits', shared by every worker process.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from packagegrid.limits.addresses import address_key, client_address
from packagegrid.limits.responses import too_many_requests
from packagegrid.limits.services import limit_exceeded


def _who(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{address_key(client_address(request))}"


def rate_limit(
    scope: str, *, limit: int, period: int = 3600
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a POST view: past `limit` calls per person in `period` s, answer 429.

    GET and HEAD are not counted. The 429 carries a message for the page and for htmx.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and limit_exceeded(
                scope=scope, subject=_who(request), limit=limit, period=period
            ):
                return too_many_requests(request, period)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
