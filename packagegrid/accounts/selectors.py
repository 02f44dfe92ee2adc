"""Reads of profiles: the profile page, and the packages a GitHub account contributes to."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import connection
from django.db.models import Case, Count, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, StrIndex

from packagegrid.accounts.models import Profile
from packagegrid.catalog.models import Package
from packagegrid.catalog.selectors import usage_count_subquery
from packagegrid.grids.models import Grid
from packagegrid.lib.links import Link, is_web_url

# Each list on a profile page shows at most this many packages.
PROFILE_LIST_SIZE = 100


@dataclass(frozen=True, slots=True)
class PackageShelf:
    packages: Sequence[Package]  # annotated with `usage`; category and fetched data joined
    truncated: bool  # more than PROFILE_LIST_SIZE exist


@dataclass(frozen=True, slots=True)
class GridShelf:
    grids: Sequence[Grid]  # annotated with `package_count`
    truncated: bool  # more than PROFILE_LIST_SIZE exist


@dataclass(frozen=True, slots=True)
class ProfilePage:
    person: User
    profile: Profile  # unsaved (all defaults) for people who never had one
    name: str  # the GitHub account, else the username
    links: list[Link]  # the person's code-host pages, web addresses only
    is_owner: bool
    contributed: PackageShelf | None  # None without a GitHub account
    used: PackageShelf
    favorites: PackageShelf | None  # None unless shared or seen by the owner
    added: PackageShelf  # packages the person added to the directory
    grids: GridShelf  # grids the person made


def packages_with_participant(*, login: str) -> QuerySet[Package]:
    """Packages whose repository lists `login` among its participants (exact match).

    One condition in the WHERE clause, so callers keep a constant number of queries:
    PostgreSQL asks `participants @> '["login"]'` (jsonb containment, which a GIN index
    can serve); SQLite has no JSON containment, so it looks for the JSON-encoded string
    `"login"` in the stored text with instr(), which is case-sensitive like the jsonb
    test (LIKE would not be). A quoted login only occurs as a whole list element.
    """
    if connection.vendor == "postgresql":
        return Package.objects.filter(repo_data__participants__contains=[login])
    needle = json.dumps(login)  # the exact form JSONField stored (ensure_ascii, quotes)
    return Package.objects.alias(
        participants_at=StrIndex(
            Cast("repo_data__participants", TextField()), Value(needle, TextField())
        )
    ).filter(participants_at__gt=0)


def _shelf(packages: QuerySet[Package]) -> PackageShelf:
    rows = list(
        packages.select_related("category", "repo_data", "pypi_data", "health")
        .defer(
            "repo_data__participants",
            "pypi_data__classifiers",
            "pypi_data__project_urls",
            "health__axes",
            "health__factors",
            "health__lifecycle_reason",
        )
        .annotate(usage=usage_count_subquery())
        .order_by("title", "id")[: PROFILE_LIST_SIZE + 1]
    )
    return PackageShelf(packages=rows[:PROFILE_LIST_SIZE], truncated=len(rows) > PROFILE_LIST_SIZE)


def profile_person(*, account: str) -> User:
    """The active person whose profile `/profiles/<account>/` shows, with `profile` joined.

    `account` is a GitHub account (as djangopackages.org and API v3 link profiles), else
    a username. When several profiles name the same GitHub account (imported data) the
    oldest wins, as in API v3. Raises User.DoesNotExist. One query.
    """
    person = (
        User.objects.filter(
            Q(profile__github_account=account) | Q(username=account), is_active=True
        )
        .select_related("profile")
        .annotate(by_github=Case(When(profile__github_account=account, then=Value(0)), default=1))
        .order_by("by_github", "profile__id", "pk")
        .first()
    )
    if person is None:
        raise User.DoesNotExist(f"No profile {account!r}.")
    return person


def profile_of(*, user: User) -> Profile:
    """`user`'s profile, or an unsaved one with the defaults when there is none yet."""
    try:
        return Profile.objects.get(user=user)
    except Profile.DoesNotExist:
        return Profile(user=user)


def profile_page(*, account: str, viewer: AbstractBaseUser | AnonymousUser) -> ProfilePage:
    """Everything a profile page shows, in at most six queries whatever the number of
    packages: the person, then packages contributed to (only with a GitHub account), used,
    favorited (only when shared or seen by the owner) and added, and the grids they made.
    Raises the user model's User.DoesNotExist for an unknown account."""
    person = profile_person(account=account)
    profile = getattr(person, "profile", None) or Profile(user=person)
    is_owner = viewer.is_authenticated and viewer.pk == person.pk
    contributed = (
        _shelf(packages_with_participant(login=profile.github_account))
        if profile.github_account
        else None
    )
    used = _shelf(Package.objects.filter(usages__user=person))
    favorites = (
        _shelf(Package.objects.filter(favorites__user=person))
        if profile.share_favorites or is_owner
        else None
    )
    return ProfilePage(
        person=person,
        profile=profile,
        name=profile.github_account or person.get_username(),
        links=_profile_links(profile),
        is_owner=is_owner,
        contributed=contributed,
        used=used,
        favorites=favorites,
        added=_shelf(Package.objects.filter(created_by=person)),
        grids=_grid_shelf(person),
    )


def _grid_shelf(person: User) -> GridShelf:
    rows = list(
        Grid.objects.filter(created_by=person)
        .annotate(package_count=Count("grid_packages"))
        .order_by("title", "id")[: PROFILE_LIST_SIZE + 1]
    )
    return GridShelf(grids=rows[:PROFILE_LIST_SIZE], truncated=len(rows) > PROFILE_LIST_SIZE)


def _profile_links(profile: Profile) -> list[Link]:
    links = []
    if profile.github_account:
        url = f"https://github.com/{quote(profile.github_account)}"
        links.append(Link("GitHub", url, is_web=True))
    # Imported profiles hold anything; only http(s) addresses become links.
    for label, url in [("GitLab", profile.gitlab_url), ("Bitbucket", profile.bitbucket_url)]:
        if is_web_url(url):
            links.append(Link(label, url, is_web=True))
    return links
