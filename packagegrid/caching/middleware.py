"""Serve repeated anonymous GETs from the cache, keyed by the content version.

A response is cached only when it cannot depend on who asked: a GET with no session or
messages cookie, answered 200 without setting a cookie, without using the CSRF token and
without `Cache-Control: private/no-store`. The key holds the content version, so any
change to the data makes every cached response unreachable at once (one query per
request reads the version); `RESPONSE_CACHE_SECONDS` bounds how long an entry lives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from packagegrid.caching.services import content_version

_NEVER = ("/admin/", "/accounts/", "/health/", "/static/")
_VARY_HEADERS = ("HTTP_ACCEPT", "HTTP_HX_REQUEST", "HTTP_HX_TARGET", "HTTP_ACCEPT_ENCODING")


class ResponseCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self._eligible(request):
            return self.get_response(request)
        key = self._key(request)
        cached = cache.get(key)
        if cached is not None:
            status, headers, content = cached
            hit = HttpResponse(content, status=status)
            for name, value in headers:
                hit[name] = value
            hit["X-Cache"] = "hit"
            return hit
        response = self.get_response(request)
        if isinstance(response, HttpResponse) and self._storable(request, response):
            cache.set(
                key,
                (response.status_code, list(response.items()), response.content),
                settings.RESPONSE_CACHE_SECONDS,
            )
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _eligible(request: HttpRequest) -> bool:
        return (
            settings.RESPONSE_CACHE_SECONDS > 0
            and request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
            and not request.path.startswith(_NEVER)
        )

    @staticmethod
    def _key(request: HttpRequest) -> str:
        varies = "\n".join(request.META.get(name, "") for name in _VARY_HEADERS)
        digest = hashlib.sha256(
            f"{request.get_host()}\n{request.get_full_path()}\n{varies}".encode()
        ).hexdigest()
        return f"response:{content_version()}:{digest}"

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "private" not in cache_control
            and "no-store" not in cache_control
        )
