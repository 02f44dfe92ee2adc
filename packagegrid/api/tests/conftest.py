"""Fixtures for the API tests (the shared builders are in packagegrid/conftest.py)."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User

from packagegrid.accounts.models import Profile
from packagegrid.conftest import FIXED_TIME, make_user

JOINED = datetime(2025, 6, 7, 8, 9, 10, 111213, tzinfo=UTC)


@pytest.fixture
def make_person(db: None) -> Callable[..., User]:
    """A builder of users with fixed timestamps, each with a profile unless profile=False.

    `make_person("alice")` is user "alice" with GitHub account "alice"; other keyword
    arguments are profile fields (`github_account=""`, `gitlab_url=...`).
    """

    def build(username: str, *, profile: bool = True, **fields: Any) -> User:
        user = make_user(username, date_joined=JOINED, last_login=JOINED)
        if profile:
            fields.setdefault("github_account", username)
            Profile.objects.create(user=user, created=FIXED_TIME, modified=FIXED_TIME, **fields)
        return user

    return build


def assert_keys_sorted(data: Any) -> None:
    """Every object in `data`, however nested, has its keys in alphabetical order (as
    tastypie emitted them); the golden comparison alone cannot see key order."""
    if isinstance(data, dict):
        assert list(data) == sorted(data), f"keys not sorted: {list(data)}"
        for value in data.values():
            assert_keys_sorted(value)
    elif isinstance(data, list):
        for value in data:
            assert_keys_sorted(value)
