"""Account forms: the profile form (a person's code-host accounts and whether their
favorites are public), and allauth's login form with a label that says what to type."""

from __future__ import annotations

import re
from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.contrib.auth.models import User
from django.core.validators import URLValidator

from packagegrid.accounts.models import Profile

# GitHub's rules for a login: 1-39 letters, digits or single hyphens, not starting or
# ending with a hyphen.
GITHUB_LOGIN = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}")
_web_url = URLValidator(schemes=["http", "https"], message="Enter a web address (http or https).")


class ProfileForm(forms.Form):
    github_account = forms.CharField(
        label="GitHub account",
        required=False,
        max_length=39,
        help_text="Your GitHub login, e.g. octocat. Lists the packages you contribute to.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    bitbucket_url = forms.CharField(
        label="Bitbucket profile",
        required=False,
        max_length=100,
        validators=[_web_url],
        help_text="A web address, e.g. https://bitbucket.org/you/",
        widget=forms.URLInput(attrs={"placeholder": "https://bitbucket.org/you/"}),
    )
    gitlab_url = forms.CharField(
        label="GitLab profile",
        required=False,
        max_length=100,
        validators=[_web_url],
        help_text="A web address, e.g. https://gitlab.com/you",
        widget=forms.URLInput(attrs={"placeholder": "https://gitlab.com/you"}),
    )
    share_favorites = forms.BooleanField(
        label="Show my favorites on my profile",
        required=False,
        help_text="Packages you use are always public; favorites only when this is on.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_github_account(self) -> str:
        account: str = self.cleaned_data["github_account"].strip().removeprefix("@")
        if not account:
            return ""
        if not GITHUB_LOGIN.fullmatch(account):
            raise forms.ValidationError(
                "A GitHub account has up to 39 letters, digits or single hyphens, and "
                "does not start or end with a hyphen."
            )
        # /profiles/<account>/ must lead to one person: not to someone else's profile,
        # nor to someone else's username.
        taken = (
            Profile.objects.filter(github_account__iexact=account).exclude(user=self.user).exists()
            or User.objects.filter(username__iexact=account).exclude(pk=self.user.pk).exists()
        )
        if taken:
            raise forms.ValidationError("Another member already uses this name.")
        return account


class LoginForm(AllauthLoginForm):  # type: ignore[misc]  # allauth is untyped
    """allauth's login form with clearer labels ("Login" says little). The template
    links to the password reset below the form, so the password's help link goes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or e-mail"
        self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = "Remember me"
