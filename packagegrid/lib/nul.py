"""Requests carrying a NUL character are refused with a 400, once, before any view runs.

PostgreSQL rejects NUL (U+0000) in text parameters, so a NUL reaching a query would be a
500. No slug, account, search or form value of the site can contain one, so the request
is refused as a whole: its path, its query string, its form fields (names and values)
and a JSON body. Views, forms and selectors therefore never guard against NUL
themselves. Data fetched from providers or imported from files is a different boundary:
it is cleaned where it is read (catalog.djangopackages, the fetchers' JSON validation).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError

NUL = "\x00"
NUL_REFUSED = "Bad request: the address, query string or form contains a null character (NUL)."
_JSON_TYPES = ("application/json", "application/vnd.api+json")


def _in_query_dict(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


def _in_json(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(NUL in key or _in_json(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_in_json(item) for item in value)
    return False


def _in_strings(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def request_has_nul(request: HttpRequest) -> bool:
    """Whether the path, the query string, the form fields or a JSON body contain a NUL.

    Form bodies are read through `request.POST` (which decodes `%00`); a JSON body is only
    parsed when its raw text holds a NUL escape, so ordinary JSON is not parsed twice.
    A body Django refuses to read (too big, badly encoded) is left for the view to refuse.
    """
    if NUL in request.path or _in_query_dict(request.GET):
        return True
    if request.method not in {"POST", "PUT", "PATCH", "DELETE"}:
        return False
    content_type = request.content_type or ""
    try:
        if content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            return _in_query_dict(request.POST) or _in_strings(
                file.name or "" for _, files in request.FILES.lists() for file in files
            )
        if content_type in _JSON_TYPES or content_type.endswith("+json"):
            body = request.body
            if b"\x00" in body:
                return True
            if b"\\u0000" not in body:
                return False
            return _in_json(json.loads(body))
    except (SuspiciousOperation, MultiPartParserError, ValueError):
        return False
    return False


class NulRequestMiddleware:
    """Answer 400, with a plain message, to any request carrying a NUL (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_has_nul(request):
            return HttpResponse(NUL_REFUSED, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
