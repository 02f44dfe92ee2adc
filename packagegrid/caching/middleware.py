"""Conditional GETs and the response cache, both keyed by the versions of what a page shows.

**Validators.** A response's `ETag` and `Last-Modified` come from the versions of the
content it shows (`packagegrid.caching.pages`), read in one query before any rendering: a
conditional GET whose copy is current is answered 304 without calling the view. They are
given to

- every GET of API v3, v4 and v5 (the change feed aside: its cursor says what is new),
  whether the response cache is on or off. A request with a session cookie gets an ETag
  of its own (the digest includes its session, CSRF and messages cookies) and
  `Cache-Control: private`; an API key changes nothing here (it only raises the limit);
- anonymous GETs of the site's pages while the response cache is on.

**Response cache.** While `RESPONSE_CACHE_SECONDS` > 0, a response that cannot depend on
who asked is stored under the same digest: a GET with no session or messages cookie,
answered 200 without setting a cookie, without using the CSRF token and without
`Cache-Control: private/no-store`. A change to one package makes unreachable only the
responses that show it. `RESPONSE_CACHE_SECONDS` bounds how long an entry lives; 0 turns
the cache and the pages' validators off (the API keeps its validators).
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from packagegrid.caching.pages import page_version_keys
from packagegrid.caching.services import Version, versions_of

_NEVER = ("/admin/", "/accounts/", "/health/", "/healthz", "/static/")
# Always validated, with the response cache on or off.
_API = ("/api/v3/", "/api/v4/", "/api/v5/")
# Read by cursor, and settled by in-flight transactions rather than by content versions.
_NOT_VALIDATED = ("/api/v5/changes/",)
_VARY_HEADERS = ("HTTP_ACCEPT", "HTTP_HX_REQUEST", "HTTP_HX_TARGET")
# What an API answer varies on; a 304 repeats it (RFC 9110 §15.4.5).
_API_VARY = ("Accept", "Accept-Encoding", "Cookie")


class _Audience(enum.Enum):
    SHARED = "shared"  # the same for everyone: cacheable, `Cache-Control` without private
    PRIVATE = "private"  # someone's (a session cookie): validated, never stored


class ResponseCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        audience = self._audience(request)
        if audience is None:
            return self.get_response(request)
        api = request.path.startswith(_API)
        versions = versions_of(page_version_keys(request.path_info))
        # For fragments cached by version ({% versioned_cache %}): no second query.
        request.content_versions = versions  # type: ignore[attr-defined]
        digest = self._digest(request, versions, audience)
        etag = f'W/"{digest[:32]}"'
        last_modified = max(
            (v.changed_at for v in versions.values() if v.changed_at is not None), default=None
        )
        if self._not_modified(request, etag, last_modified):
            not_modified = HttpResponseNotModified()
            self._validators(not_modified, etag, last_modified, audience, api=api)
            not_modified["X-Cache"] = "not-modified"
            return not_modified
        caching = audience is _Audience.SHARED and settings.RESPONSE_CACHE_SECONDS > 0
        key = f"response:{digest}"
        if caching:
            cached = cache.get(key)
            if cached is not None:
                status, headers, content = cached
                hit = HttpResponse(content, status=status)
                for name, value in headers:
                    hit[name] = value
                hit["X-Cache"] = "hit"
                return hit
        response = self.get_response(request)
        if not self._validatable(request, response, audience):
            return response
        self._validators(response, etag, last_modified, audience, api=api)
        if caching and isinstance(response, HttpResponse):
            cache.set(
                key,
                (response.status_code, list(response.items()), response.content),
                settings.RESPONSE_CACHE_SECONDS,
            )
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _audience(request: HttpRequest) -> _Audience | None:
        """Who the response is for, when it is validated at all (None: it is not)."""
        path = request.path
        if request.method != "GET" or path.startswith(_NEVER + _NOT_VALIDATED):
            return None
        personal = settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES
        if path.startswith(_API):
            return _Audience.PRIVATE if personal else _Audience.SHARED
        if personal or settings.RESPONSE_CACHE_SECONDS <= 0:
            return None
        return _Audience.SHARED

    @staticmethod
    def _digest(request: HttpRequest, versions: dict[str, Version], audience: _Audience) -> str:
        varies = "\n".join(request.META.get(name, "") for name in _VARY_HEADERS)
        # Of Accept-Encoding only this matters: whether GZipMiddleware compresses (its test).
        gzip = bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
        tokens = ",".join(f"{key}={version.token}" for key, version in versions.items())
        personal = ""
        if audience is _Audience.PRIVATE:
            # The cookies that make a request someone's: a login or logout changes them.
            names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages")
            personal = "\n".join(request.COOKIES.get(name, "") for name in names)
        return hashlib.sha256(
            f"{request.get_host()}\n{request.get_full_path()}\n{varies}\n{gzip}\n{tokens}\n"
            f"{personal}".encode()
        ).hexdigest()

    @staticmethod
    def _not_modified(request: HttpRequest, etag: str, last_modified: datetime | None) -> bool:
        """Whether the client's copy is current: If-None-Match when sent, else
        If-Modified-Since (RFC 9110 §13.2.2)."""
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            # Weak comparison: a copy that a proxy compressed is still the same page. "*"
            # is never matched: whether the resource exists is known only after the view.
            ours = etag.removeprefix("W/")
            return any(tag.removeprefix("W/") == ours for tag in parse_etags(if_none_match))
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        return (
            since is not None
            and last_modified is not None
            and int(last_modified.timestamp()) <= since
        )

    @staticmethod
    def _validators(
        response: HttpResponseBase,
        etag: str,
        last_modified: datetime | None,
        audience: _Audience,
        *,
        api: bool,
    ) -> None:
        """ETag and Last-Modified from the versions; clients revalidate each time (a 304
        costs one query), and a logged-in visitor's copy is kept apart."""
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        if audience is _Audience.PRIVATE:
            patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
        else:
            patch_cache_control(response, max_age=0, must_revalidate=True)
        patch_vary_headers(response, _API_VARY if api else ["Cookie"])

    @staticmethod
    def _validatable(request: HttpRequest, response: HttpResponseBase, audience: _Audience) -> bool:
        """Whether `response` is one whose repeat the validators vouch for: a 200 that
        is not `no-store`; for everyone, also one that sets no cookie, uses no CSRF token
        and is not private."""
        cache_control = response.get("Cache-Control", "")
        if response.status_code != 200 or "no-store" in cache_control:
            return False
        return audience is _Audience.PRIVATE or (
            not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "private" not in cache_control
        )
