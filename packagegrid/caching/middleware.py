"""Serve repeated anonymous GETs from the cache, keyed by the versions of what they show.

A response is cached only when it cannot depend on who asked: a GET with no session or
messages cookie, answered 200 without setting a cookie, without using the CSRF token and
without `Cache-Control: private/no-store`. Its key holds the versions of the content the
page shows (`packagegrid.caching.pages`), read in one query: a change to one package makes
unreachable only the responses that show it. The same versions give the response's
`ETag` and `Last-Modified`, so a conditional GET is answered 304 before any rendering.
`RESPONSE_CACHE_SECONDS` bounds how long an entry lives; 0 turns all of this off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from packagegrid.caching.pages import page_version_keys
from packagegrid.caching.services import Version, versions_of

_NEVER = ("/admin/", "/accounts/", "/health/", "/healthz", "/static/")
_VARY_HEADERS = ("HTTP_ACCEPT", "HTTP_HX_REQUEST", "HTTP_HX_TARGET", "HTTP_ACCEPT_ENCODING")


class ResponseCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self._eligible(request):
            return self.get_response(request)
        versions = versions_of(page_version_keys(request.path_info))
        # For fragments cached by version ({% versioned_cache %}): no second query.
        request.content_versions = versions  # type: ignore[attr-defined]
        digest = self._digest(request, versions)
        etag = f'W/"{digest[:32]}"'
        last_modified = max(
            (v.changed_at for v in versions.values() if v.changed_at is not None), default=None
        )
        if self._not_modified(request, etag, last_modified):
            not_modified = HttpResponseNotModified()
            self._validators(not_modified, etag, last_modified)
            not_modified["X-Cache"] = "not-modified"
            return not_modified
        key = f"response:{digest}"
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
            self._validators(response, etag, last_modified)
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
    def _digest(request: HttpRequest, versions: dict[str, Version]) -> str:
        varies = "\n".join(request.META.get(name, "") for name in _VARY_HEADERS)
        tokens = ",".join(f"{key}={version.token}" for key, version in versions.items())
        return hashlib.sha256(
            f"{request.get_host()}\n{request.get_full_path()}\n{varies}\n{tokens}".encode()
        ).hexdigest()

    @staticmethod
    def _not_modified(request: HttpRequest, etag: str, last_modified: datetime | None) -> bool:
        """Whether the client's copy is current: If-None-Match when sent, else
        If-Modified-Since (RFC 9110 §13.2.2)."""
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            # Weak comparison: a copy that a proxy compressed is still the same page.
            ours = etag.removeprefix("W/")
            return any(
                tag == "*" or tag.removeprefix("W/") == ours for tag in parse_etags(if_none_match)
            )
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        return (
            since is not None
            and last_modified is not None
            and int(last_modified.timestamp()) <= since
        )

    @staticmethod
    def _validators(response: HttpResponseBase, etag: str, last_modified: datetime | None) -> None:
        """ETag and Last-Modified from the versions; browsers revalidate each time (a
        304 costs one query), and a logged-in visitor's copy is kept apart."""
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        patch_cache_control(response, max_age=0, must_revalidate=True)
        patch_vary_headers(response, ["Cookie"])

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
