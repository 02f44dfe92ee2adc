"""allauth adapters: every sign-up, local or through GitHub, gets a profile; the client's
address and login throttling are packagegrid.limits'."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest

from packagegrid.accounts.services import profile_create
from packagegrid.limits.addresses import client_address
from packagegrid.limits.login import login_was_refused


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth is untyped
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit)
        if commit:
            profile_create(user=user)
        return user

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_address(request)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """Say so when the login throttle refused the attempt, rather than "wrong password"."""
        if login_was_refused(request):
            raise self.validation_error("too_many_login_attempts")


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]  # allauth is untyped
    def get_app(self, request: HttpRequest, provider: Any, client_id: Any = None) -> Any:
        """The provider's OAuth app; 404 when none is configured (no GITHUB_CLIENT_ID and
        no app in the admin), where allauth would raise SocialApp.DoesNotExist, a 500 on
        /accounts/github/login/ and its callback."""
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404("Signing in with this provider is not set up on this site.") from None

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> User:
        user: User = super().save_user(request, sociallogin, form)
        login = ""
        if sociallogin.account.provider == "github":
            login = str(sociallogin.account.extra_data.get("login") or "")
        profile_create(user=user, github_account=login[:40])
        return user
