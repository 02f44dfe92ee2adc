"""Error answers of the APIs.

v4 uses DRF's shape: `{"detail": ...}` or `{"field": [messages]}`. v3 uses the shape of
djangopackages.org's `json_view`, `{"error": <status>, "message": "..."}`, and sends
anonymous visitors of login-only endpoints to the login page.
"""

import json
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponseBase
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class LoginRequired(Exception):
    """Raised by a v3 permission for an anonymous visitor: answered with a login redirect."""


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django's ValidationError mapped to a 400 of the same shape."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    return drf_exception_handler(exc, context)


def legacy_error_body(status: int, message: str) -> dict[str, Any]:
    """`{"error": status, "message": message}`, the v3 error body."""
    return {"error": status, "message": message}


def legacy_exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponseBase | None:
    """The v3 handler: a login redirect for LoginRequired, else DRF's answer re-shaped.

    The status and headers (`Allow` on a 405) are DRF's; the body becomes the v3 error
    body, its message DRF's `detail` (or the JSON of the field errors, should any occur).
    """
    if isinstance(exc, LoginRequired):
        return redirect_to_login(context["request"].get_full_path())
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        message = str(data["detail"])
    else:
        message = json.dumps(data, ensure_ascii=False)
    response.data = legacy_error_body(response.status_code, message)
    return response
