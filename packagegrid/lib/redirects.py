"""Where to send a person after a POST: a `next` target, only ever on this site."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_target(request: HttpRequest, url: str) -> bool:
    """True for a URL on this site (relative, or absolute with our host and scheme)."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, *, default: str) -> str:
    """The `next` parameter (POST, then GET) when it stays on this site, else `default`.

    Open-redirect attempts (`//evil.example`, `https://evil.example/`, `javascript:`,
    backslash tricks) all fall back to `default`.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_safe_target(request, target) else default


def safe_referer(request: HttpRequest, *, default: str) -> str:
    """The Referer when it is a page of this site, else `default`."""
    referer = request.headers.get("Referer", "")
    return referer if is_safe_target(request, referer) else default
