"""Rate limits on API v3, v4 and v5, counted in the shared "limits" store.

Every answer under `/api/v3/`, `/api/v4/` and `/api/v5/` carries `RateLimit-Limit`,
`RateLimit-Remaining` and `RateLimit-Reset` (seconds until the window ends); past the
limit the answer is a 429 with `Retry-After`. Windows are fixed, `API_RATE_PERIOD`
seconds long and aligned on the clock, so every worker agrees on when one ends. Anonymous
requests count per address (`API_RATE_LIMIT`); requests with an API key
(`Authorization: Api-Key <key>` or `X-API-Key: <key>`) count per key
(`API_RATE_LIMIT_KEY`). An unknown or revoked key is a 401, never silently anonymous.

The middleware sits outside the response cache, so cached answers are counted too.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse

from packagegrid.accounts.api_keys import api_key_id
from packagegrid.limits.addresses import address_key, client_address
from packagegrid.limits.services import limit_hit

SCOPE = "api"
_LIMITED = ("/api/v3/", "/api/v4/", "/api/v5/")


def request_key(request: HttpRequest) -> str | None:
    """The API key the request sends, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "api-key" and value.strip():
        return value.strip()
    key = request.headers.get("X-API-Key", "").strip()
    return key or None


class ApiRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path.startswith(_LIMITED) or request.method == "OPTIONS":
            return self.get_response(request)
        key = request_key(request)
        if key is not None:
            key_id = api_key_id(key)
            if key_id is None:
                return JsonResponse({"detail": "Unknown or revoked API key."}, status=401)
            subject, limit = f"key:{key_id}", settings.API_RATE_LIMIT_KEY
        else:
            subject = f"ip:{address_key(client_address(request))}"
            limit = settings.API_RATE_LIMIT
        period: int = settings.API_RATE_PERIOD
        now = time.time()
        window = int(now // period)
        reset = max(1, math.ceil((window + 1) * period - now))
        count = limit_hit(scope=SCOPE, subject=f"{subject}:{window}", period=period)
        if count > limit:
            response: HttpResponseBase = JsonResponse(
                {"detail": f"Request was throttled. Expected available in {reset} seconds."},
                status=429,
            )
            response["Retry-After"] = str(reset)
        else:
            response = self.get_response(request)
        response["RateLimit-Limit"] = str(limit)
        response["RateLimit-Remaining"] = str(max(0, limit - count))
        response["RateLimit-Reset"] = str(reset)
        return response
