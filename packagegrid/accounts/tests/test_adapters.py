"""Every sign-up gets a profile; GitHub sign-ups get their GitHub account filled in."""

from unittest import mock

import pytest
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from packagegrid.accounts.adapters import SocialAccountAdapter
from packagegrid.accounts.models import Profile

pytestmark = pytest.mark.django_db


def test_it_creates_a_profile_on_local_sign_up(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": "alice@example.com",
            "username": "alice",
            "password1": "a-long-Unusual-passphrase",
            "password2": "a-long-Unusual-passphrase",
        },
    )
    assert response.status_code == 302
    alice = User.objects.get(username="alice")
    assert Profile.objects.get(user=alice).github_account == ""


def test_it_fills_the_github_account_on_github_sign_up() -> None:
    user = User(username="octocat", email="octo@example.com")
    account = SocialAccount(provider="github", uid="583231", extra_data={"login": "octocat"})
    sociallogin = SocialLogin(user=user, account=account)
    request = RequestFactory().get("/")
    # SocialLogin.save also stores the token and e-mail addresses: not what is tested here.
    with mock.patch.object(SocialLogin, "save", lambda self, request, **kw: self.user.save()):
        SocialAccountAdapter().save_user(request, sociallogin)
    assert Profile.objects.get(user__username="octocat").github_account == "octocat"


def test_it_leaves_the_github_account_empty_for_other_providers() -> None:
    user = User(username="someone", email="someone@example.com")
    account = SocialAccount(provider="gitlab", uid="1", extra_data={"login": "someone"})
    sociallogin = SocialLogin(user=user, account=account)
    request = RequestFactory().get("/")
    with mock.patch.object(SocialLogin, "save", lambda self, request, **kw: self.user.save()):
        SocialAccountAdapter().save_user(request, sociallogin)
    assert Profile.objects.get(user__username="someone").github_account == ""
