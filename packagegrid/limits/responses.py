"""The answer to a request over a rate limit: 429, with a message for the page and htmx."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

TOO_MANY = "Too many requests in a short time; please wait a while and try again."


def too_many_requests(request: HttpRequest, period: int) -> HttpResponse:
    """Return a 429 saying to wait, with `Retry-After` at most `period` seconds."""
    if hasattr(request, "_messages"):
        messages.warning(request, TOO_MANY)
    response = HttpResponse(TOO_MANY, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(period)
    return response
