"""A local stand-in for GitHub's repository endpoint, and people logged in with GitHub."""

from __future__ import annotations

import json
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.contrib.auth.models import User
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer

from packagegrid.catalog.models import Package
from packagegrid.conftest import make_package


@pytest.fixture
def github(httpserver: HTTPServer, settings: Settings) -> HTTPServer:
    """The fake GitHub API on 127.0.0.1; every claim is checked again at each action."""
    settings.GITHUB_API_URL = httpserver.url_for("").rstrip("/")
    settings.MAINTAINER_RECHECK_SECONDS = 0
    return httpserver


def grant(
    github: HTTPServer,
    *,
    repo: str = "example/django-thing",
    token: str = "gho_alice",
    admin: bool = False,
    maintain: bool = False,
    status: int = 200,
) -> None:
    """Answer `GET /repos/<repo>` with a token's rights (or `status` without a body)."""
    body: dict[str, Any] = {
        "full_name": repo,
        "permissions": {"admin": admin, "maintain": maintain, "push": admin or maintain},
    }
    github.expect_request(
        f"/repos/{repo}", headers={"Authorization": f"Bearer {token}"}
    ).respond_with_data(
        json.dumps(body) if status == 200 else "{}",
        status=status,
        content_type="application/json",
    )


def github_login(user: User, *, login: str = "", token: str = "gho_alice") -> SocialToken:
    """Store what allauth stores after a GitHub login: the account and its token."""
    account = SocialAccount.objects.create(
        user=user,
        provider="github",
        uid=str(user.pk + 1000),
        extra_data={"login": login or user.get_username()},
    )
    return SocialToken.objects.create(account=account, token=token)


def github_package(**fields: Any) -> Package:
    return make_package(repo_url="https://github.com/example/django-thing", **fields)
