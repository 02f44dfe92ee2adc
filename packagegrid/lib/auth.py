"""Being logged in: the checks every app's views share (web, accounts).

Per-model permissions (who may edit a grid, resolve a flag) live with the pages that
need them (packagegrid.web.permissions); these two only ask who is logged in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django_htmx.http import HttpResponseClientRedirect

from packagegrid.lib.htmx import HtmxHttpRequest
from packagegrid.lib.redirects import safe_next, safe_referer


def login_first(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like `login_required`, also for POST-only endpoints and htmx.

    The person comes back, after logging in, to the page they were on: for a GET the
    requested page; for a POST the form's `next` (or the Referer) when it is on this
    site, never the POST-only URL itself. htmx requests get an `HX-Redirect` so the
    whole page goes to the login form instead of it being swapped into a button.
    """

    @wraps(view)
    def wrapped(request: HtmxHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method in {"GET", "HEAD"}:
            back = request.get_full_path()
        else:
            back = safe_next(request, default=safe_referer(request, default="/"))
        response = redirect_to_login(back)
        if request.htmx:
            return HttpResponseClientRedirect(response["Location"])
        return response

    return wrapped


def signed_in_user(request: HttpRequest) -> User:
    """The logged-in person; PermissionDenied for anyone else."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Log in first.")
    return user
