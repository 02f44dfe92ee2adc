"""Login throttling, the same for the site's login (allauth) and /admin/login/.

Every password check goes through `django.contrib.auth.authenticate`, which asks the
backends in AUTHENTICATION_BACKENDS in turn; `LoginThrottleBackend` comes first. It counts
the attempt against two limits before any password is checked:

- per account: `ACCOUNT_ATTEMPTS` (5) per `WINDOW` (15 min), from any address, so a slow
  brute force spread over many addresses stops after a handful of guesses;
- per address: `ADDRESS_ATTEMPTS` (20) per `WINDOW`, over all accounts, so one address
  cannot try a few passwords on every account.

Past either limit it refuses the attempt (PermissionDenied: no other backend is asked,
the password is not checked, the form says there were too many attempts). An attempt that
logs in is taken back, so correct logins never use up the allowance.

Keying on the address alone would let one client behind a shared proxy lock everybody
out; keying on the account alone would let one address guess across all accounts. With
both, an attacker's address locks out only itself and the accounts it guessed at.

The lock-out of an account cannot last: the window is fixed (it starts at the first
counted attempt and refused attempts do not extend it), so the owner can log in at the
latest `WINDOW` after the attack stops, and a completed password reset (which proves
access to the account's e-mail) clears the account's count at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest

from packagegrid.limits.addresses import address_key, client_address
from packagegrid.limits.services import limit_clear, limit_hit, limit_uncount

ACCOUNT_ATTEMPTS = 5
ADDRESS_ATTEMPTS = 20
WINDOW = 15 * 60
ACCOUNT_SCOPE = "login-account"
ADDRESS_SCOPE = "login-address"

# Set on the request by LoginThrottleBackend: the counted attempt, or that it was refused.
_ATTEMPT = "packagegrid.login_attempt"
_REFUSED = "packagegrid.login_refused"

REFUSED_MESSAGE = "Too many failed login attempts. Try again later, or reset your password."


def _account_subject(login: str) -> str:
    """The account a login names: its user id when one matches (by username or e-mail,
    ignoring case, so both spellings share one count), else the login text itself."""
    login = login.strip().lower()
    user_model = get_user_model()
    pks = list(
        user_model._default_manager.filter(Q(username__iexact=login) | Q(email__iexact=login))
        .order_by("pk")
        .values_list("pk", flat=True)[:2]
    )
    return f"user:{pks[0]}" if len(pks) == 1 else f"login:{login}"


def login_attempt_allowed(*, request: HttpRequest, login: str) -> bool:
    """Count one login attempt for `login` from the request's address.

    Returns False when the account or the address is past its limit in the window;
    `login_was_refused(request)` then says so too.
    """
    account = _account_subject(login)
    address = address_key(client_address(request))
    over_account = limit_hit(scope=ACCOUNT_SCOPE, subject=account, period=WINDOW)
    over_address = limit_hit(scope=ADDRESS_SCOPE, subject=address, period=WINDOW)
    request.META[_ATTEMPT] = (account, address)
    if over_account > ACCOUNT_ATTEMPTS or over_address > ADDRESS_ATTEMPTS:
        request.META[_REFUSED] = True
        return False
    return True


def login_was_refused(request: HttpRequest | None) -> bool:
    """True when this request's login attempt was refused by the throttle."""
    return request is not None and bool(request.META.get(_REFUSED))


def login_account_clear(*, user: Any) -> None:
    """Forget the failed attempts on `user`'s account (after a password reset)."""
    limit_clear(scope=ACCOUNT_SCOPE, subject=f"user:{user.pk}")


class LoginThrottleBackend(ModelBackend):
    """Django's ModelBackend behind the throttle; first in AUTHENTICATION_BACKENDS.

    Counts the attempt and refuses it past the limits (PermissionDenied stops every
    backend); otherwise checks the username and password as ModelBackend does, and the
    next backends (allauth's, for e-mail logins) run as usual.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **credentials: Any,
    ) -> Any:
        login = username or credentials.get("email") or ""
        if (
            request is not None
            and login
            and password
            and not login_attempt_allowed(request=request, login=str(login))
        ):
            raise PermissionDenied(REFUSED_MESSAGE)
        return super().authenticate(request, username=username, password=password, **credentials)


def _take_back_attempt(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A login that succeeded was no guess: take back the attempt counted for it."""
    attempt = request.META.pop(_ATTEMPT, None) if request is not None else None
    if attempt is None or request is None or login_was_refused(request):
        return
    account, address = attempt
    if account != f"user:{user.pk}":
        return
    limit_uncount(scope=ACCOUNT_SCOPE, subject=account)
    limit_uncount(scope=ADDRESS_SCOPE, subject=address)


def _password_reset(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    login_account_clear(user=user)


def connect() -> None:
    """Connect the receivers: take back successful logins, clear counts on password reset."""
    from allauth.account.signals import password_reset

    user_logged_in.connect(_take_back_attempt, dispatch_uid="limits-login-take-back")
    password_reset.connect(_password_reset, dispatch_uid="limits-password-reset")
