"""Rate limits for writes and refreshes, counted in the cache per person (or address)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse


def over_limit(*, scope: str, who: str, limit: int, period: int) -> bool:
    """Count one action by `who` in `scope`; True once more than `limit` in `period` s."""
    key = f"limit:{scope}:{who}"
    cache.add(key, 0, timeout=period)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr: this is the first action again
        cache.set(key, 1, timeout=period)
        return False


def _who(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


def rate_limit(
    scope: str, *, limit: int, period: int = 3600
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a POST view: past `limit` calls per person in `period` s, answer 429.

    GET and HEAD are not counted. The 429 carries a message for the page and for htmx.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and over_limit(
                scope=scope, who=_who(request), limit=limit, period=period
            ):
                text = "Too many changes in a short time; please wait a while and try again."
                messages.warning(request, text)
                return HttpResponse(text, status=429, content_type="text/plain; charset=utf-8")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
