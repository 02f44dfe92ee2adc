"""Profile services."""

from typing import Any

import pytest

from packagegrid.accounts.models import Profile
from packagegrid.accounts.services import profile_create, profile_update
from packagegrid.conftest import make_user

pytestmark = pytest.mark.django_db


def test_it_creates_one_profile_per_person_however_often_it_is_called() -> None:
    alice = make_user("alice")
    first = profile_create(user=alice)
    second = profile_create(user=alice)
    assert first.pk == second.pk
    assert Profile.objects.filter(user=alice).count() == 1
    assert first.github_account == ""


def test_it_fills_an_empty_github_account_from_a_github_login() -> None:
    alice = make_user("alice")
    profile_create(user=alice)
    assert profile_create(user=alice, github_account="alice-gh").github_account == "alice-gh"


def test_it_never_overwrites_a_github_account() -> None:
    alice = make_user("alice")
    profile_create(user=alice, github_account="first")
    assert profile_create(user=alice, github_account="second").github_account == "first"


def test_it_updates_a_profile_and_creates_a_missing_one() -> None:
    alice = make_user("alice")
    fields: dict[str, Any] = {
        "github_account": "alice-gh",
        "bitbucket_url": "https://bitbucket.org/alice/",
        "gitlab_url": "https://gitlab.com/alice",
        "share_favorites": True,
    }
    profile = profile_update(user=alice, **fields)
    profile.refresh_from_db()
    assert {name: getattr(profile, name) for name in fields} == fields
    profile_update(user=alice, **{**fields, "share_favorites": False})
    assert Profile.objects.get(user=alice).share_favorites is False
    assert Profile.objects.count() == 1
