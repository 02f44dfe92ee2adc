"""Rate limits on API v3, v4 and v5 and the MCP endpoint, counted in the shared "limits"
store.

Every answer under `/api/v3/`, `/api/v4/` and `/api/v5/` (and `/mcp/`, see
`packagegrid.mcp.server`) carries `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` (seconds until the window ends); past the limit the answer is a 429 with
`Retry-After`. Windows are fixed, `API_RATE_PERIOD` seconds long and aligned on the clock,
so every worker agrees on when one ends. Anonymous requests count per address
(`API_RATE_LIMIT`); requests with an API key (`Authorization: Api-Key <key>` or
`X-API-Key: <key>`) count per key (`API_RATE_LIMIT_KEY`). An unknown or revoked key is a
401, never silently anonymous. The API and `/mcp/` share one count per address or key.

The middleware sits outside the response cache, so cached answers and 304s are counted too.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse

from packagegrid.accounts.api_keys import api_key_id
from packagegrid.limits.addresses import address_key, client_address
from packagegrid.limits.services import limit_hit

SCOPE = "api"
_LIMITED = ("/api/v3/", "/api/v4/", "/api/v5/")
UNKNOWN_KEY = "Unknown or revoked API key."


def api_key_from(*, authorization: str, x_api_key: str) -> str | None:
    """The API key that these two header values send, or None."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "api-key" and value.strip():
        return value.strip()
    return x_api_key.strip() or None


def request_key(request: HttpRequest) -> str | None:
    """The API key the request sends, or None."""
    return api_key_from(
        authorization=request.headers.get("Authorization", ""),
        x_api_key=request.headers.get("X-API-Key", ""),
    )


@dataclass(frozen=True, slots=True)
class RateCount:
    """One request counted: the status to refuse it with (None: let it through), the
    detail of that refusal, and the values of the rate-limit headers."""

    refusal: int | None
    detail: str
    headers: dict[str, str]


def api_rate_count(*, key: str | None, address: str) -> RateCount:
    """Count one request with API key `key` (or none) from `address` against the API
    limit (one query to look a key up, and the counter)."""
    if key is not None:
        key_id = api_key_id(key)
        if key_id is None:
            return RateCount(refusal=401, detail=UNKNOWN_KEY, headers={})
        subject, limit = f"key:{key_id}", settings.API_RATE_LIMIT_KEY
    else:
        subject = f"ip:{address_key(address)}"
        limit = settings.API_RATE_LIMIT
    period: int = settings.API_RATE_PERIOD
    now = time.time()
    window = int(now // period)
    reset = max(1, math.ceil((window + 1) * period - now))
    count = limit_hit(scope=SCOPE, subject=f"{subject}:{window}", period=period)
    headers = {
        "RateLimit-Limit": str(limit),
        "RateLimit-Remaining": str(max(0, limit - count)),
        "RateLimit-Reset": str(reset),
    }
    if count > limit:
        return RateCount(
            refusal=429,
            detail=f"Request was throttled. Expected available in {reset} seconds.",
            headers={**headers, "Retry-After": str(reset)},
        )
    return RateCount(refusal=None, detail="", headers=headers)


class ApiRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path.startswith(_LIMITED) or request.method == "OPTIONS":
            return self.get_response(request)
        counted = api_rate_count(key=request_key(request), address=client_address(request))
        response: HttpResponseBase
        if counted.refusal is not None:
            response = JsonResponse({"detail": counted.detail}, status=counted.refusal)
        else:
            response = self.get_response(request)
        for name, value in counted.headers.items():
            response[name] = value
        return response
