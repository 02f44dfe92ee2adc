"""Writes of profiles: one for each new person, and edits by its owner."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from packagegrid.accounts.models import Profile

PROFILE_FIELDS = ["github_account", "bitbucket_url", "gitlab_url", "share_favorites"]


def profile_create(*, user: User, github_account: str = "") -> Profile:
    """The profile of a newly signed-up `user`, created if missing (so calling it twice,
    as allauth's local and social sign-up paths may, is harmless).

    `github_account` comes from a verified GitHub login; it fills an empty account and is
    ignored otherwise.
    """
    profile, created = Profile.objects.get_or_create(
        user=user, defaults={"github_account": github_account}
    )
    if not created and github_account and not profile.github_account:
        profile.github_account = github_account
        profile.modified = timezone.now()
        profile.save(update_fields=["github_account", "modified"])
    return profile


@transaction.atomic
def profile_update(
    *,
    user: User,
    github_account: str,
    bitbucket_url: str,
    gitlab_url: str,
    share_favorites: bool,
) -> Profile:
    """Save `user`'s profile fields, creating the profile for people who have none yet
    (accounts made in the admin or with createsuperuser). Values must be validated
    already (see ProfileForm)."""
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    profile.github_account = github_account
    profile.bitbucket_url = bitbucket_url
    profile.gitlab_url = gitlab_url
    profile.share_favorites = share_favorites
    profile.modified = timezone.now()
    profile.save(update_fields=[*PROFILE_FIELDS, "modified"])
    return profile
