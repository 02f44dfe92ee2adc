"""Rate limits on the account pages (allauth's views), by URL name, counted on POST.

allauth's own rate limiting is switched off (ACCOUNT_RATE_LIMITS = False in settings): it
counts in the default cache, which is per-process memory without Redis. These limits
replace it, counted by packagegrid.limits like every other limit. Failed logins are
throttled separately, per account and per address (packagegrid.limits.login).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

from packagegrid.limits.addresses import address_key, client_address
from packagegrid.limits.responses import too_many_requests
from packagegrid.limits.services import limit_exceeded


@dataclass(frozen=True)
class Rule:
    """At most `limit` POSTs per `period` seconds, per address (or per user, `per_user`)."""

    limit: int
    period: int
    per_user: bool = False


# The limits allauth applied by default, now in the shared store.
ACCOUNT_LIMITS: dict[str, Rule] = {
    "account_signup": Rule(20, 60),
    "account_login": Rule(30, 60),
    "account_reset_password": Rule(20, 60),
    "account_reset_password_from_key": Rule(20, 60),
    "account_email": Rule(10, 60, per_user=True),
    "account_change_password": Rule(5, 60, per_user=True),
    "account_set_password": Rule(5, 60, per_user=True),
    "account_reauthenticate": Rule(10, 60, per_user=True),
}


class AccountLimitsMiddleware:
    """Answers 429 to a POST to an account page past its limit in `ACCOUNT_LIMITS`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method != "POST" or request.resolver_match is None:
            return None
        rule = ACCOUNT_LIMITS.get(request.resolver_match.url_name or "")
        if rule is None:
            return None
        if rule.per_user and request.user.is_authenticated:
            subject = f"user:{request.user.pk}"
        else:
            subject = f"ip:{address_key(client_address(request))}"
        scope = str(request.resolver_match.url_name)
        if limit_exceeded(scope=scope, subject=subject, limit=rule.limit, period=rule.period):
            return too_many_requests(request, rule.period)
        return None
