"""The request type of views that answer htmx differently.

django-htmx's HtmxMiddleware (in settings.MIDDLEWARE) gives every request `request.htmx`,
true when the `HX-Request: true` header is present: that is the one htmx detection of the
site. Views and helpers that read it annotate their request with `HtmxHttpRequest`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """An HttpRequest that has passed through HtmxMiddleware."""

    htmx: HtmxDetails
