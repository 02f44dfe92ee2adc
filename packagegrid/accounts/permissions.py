"""Who may change a profile: only its owner, so being logged in is the whole check."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest

from packagegrid.lib.auth import signed_in_user


def get_profile_owner(request: HttpRequest) -> User:
    """The person editing a profile: always their own, so only being logged in counts."""
    return signed_in_user(request)
