"""API v3 (legacy) representations, as djangopackages.org's old tastypie API served them.

Every object's keys are in alphabetical order, as tastypie emitted them; the dict literals
below are written in that order, and the tests check it. URLs are relative paths, and
timestamps are UTC with milliseconds and `Z` (`2026-11-29T01:38:10.878Z`, and
`2026-11-29T01:38:10Z` for a time without microseconds).

Like the v4 serializers these are read-only `BaseSerializer`s that build each dict
directly, because a list page may hold 1,000 packages. They expect the querysets of
`packagegrid.api.legacy` (which join or annotate everything read here) and a
`LegacyPaths` in the serializer context under "paths".
"""

from typing import Any, Literal
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from rest_framework import serializers

from packagegrid.accounts.models import Profile
from packagegrid.api.serializers import pypi_data_of, repo_data_of
from packagegrid.catalog.models import Category, Package
from packagegrid.grids.models import Grid
from packagegrid.lib.timestamps import iso_utc_millis
from packagegrid.lib.urls import route_around

LEGACY_ROOT = "v3:api-root"

PageKind = Literal["package", "grid", "category", "profile"]


class LegacyPaths:
    """The relative URLs of one response, with every route reversed once.

    `reverse()` costs about 20 µs, which adds up over a 1,000-item page, so each route is
    reversed once here and every object's URL is string concatenation. Slugs and accounts
    are percent-quoted (a no-op for real ones, which are letters, digits, `-` and `_`).
    """

    def __init__(self) -> None:
        self.api_root = reverse(LEGACY_ROOT)
        self._pages: dict[PageKind, tuple[str, str]] = {
            "package": route_around("package"),
            "grid": route_around("grid"),
            "category": route_around("category"),
            # djangopackages.org's profile pages live at /profiles/<github_account>/; there
            # is no such route here yet, so the path is written as upstream served it.
            "profile": (f"{get_script_prefix()}profiles/", "/"),
        }

    def resource(self, collection: str, key: str) -> str:
        """`/api/v3/<collection>/<key>/`, e.g. resource("packages", "django-foo")."""
        return f"{self.api_root}{collection}/{quote(key, safe='')}/"

    def user(self, github_account: str | None) -> str | None:
        """A user's resource URI, or None when there is no GitHub account to name them by."""
        return self.resource("users", github_account) if github_account else None

    def page(self, kind: PageKind, key: str) -> str:
        """The web page of a package, grid, category or profile, e.g. "/grids/g/orms/"."""
        head, tail = self._pages[kind]
        return f"{head}{quote(key, safe='')}{tail}"


def _paths(serializer: serializers.BaseSerializer[Any]) -> LegacyPaths:
    paths: LegacyPaths = serializer.context["paths"]
    return paths


class LegacyCategorySerializer(serializers.BaseSerializer[Category]):
    def to_representation(self, instance: Category) -> dict[str, Any]:
        paths = _paths(self)
        return {
            "absolute_url": paths.page("category", instance.slug),
            "created": iso_utc_millis(instance.created),
            "description": instance.description,
            "modified": iso_utc_millis(instance.modified),
            "resource_uri": paths.resource("categories", instance.slug),
            "show_pypi": instance.show_pypi,
            "slug": instance.slug,
            "title": instance.title,
            "title_plural": instance.title_plural,
        }


class LegacyGridSerializer(serializers.BaseSerializer[Grid]):
    """Expects grids from `legacy_grid_list()` (package slugs prefetched and annotated)."""

    def to_representation(self, instance: Grid) -> dict[str, Any]:
        paths = _paths(self)
        return {
            "absolute_url": paths.page("grid", instance.slug),
            "created": iso_utc_millis(instance.created),
            "description": instance.description,
            "header": instance.header,
            "is_locked": instance.is_locked,
            "modified": iso_utc_millis(instance.modified),
            "packages": [
                paths.resource("packages", link.package_slug)  # type: ignore[attr-defined]  # queryset annotation
                for link in instance.grid_packages.all()
            ],
            "resource_uri": paths.resource("grids", instance.slug),
            "slug": instance.slug,
            "title": instance.title,
        }


class LegacyPackageSerializer(serializers.BaseSerializer[Package]):
    """Expects packages from `legacy_package_list()`.

    That queryset joins the category and fetched data, annotates `usage_count`,
    `created_by_account` and `last_modified_by_account` (GitHub accounts, None when the
    person has no profile or no account) and prefetches grid slugs.

    `commit_list` and `commits_over_52` are both the 52 weekly counts as one
    comma-separated string ("" when the host could not be read); upstream kept the first as
    a stored string and computed the second, and clients read either.
    """

    def to_representation(self, instance: Package) -> dict[str, Any]:
        paths = _paths(self)
        repo = repo_data_of(instance)
        commits = ",".join(str(count) for count in repo.commits_over_52)
        return {
            "absolute_url": paths.page("package", instance.slug),
            "category": paths.resource("categories", instance.category.slug),
            "commit_list": commits,
            "commits_over_52": commits,
            "created": iso_utc_millis(instance.created),
            "created_by": paths.user(instance.created_by_account),  # type: ignore[attr-defined]  # queryset annotation
            "documentation_url": instance.documentation_url,
            "grids": [
                paths.resource("grids", link.grid_slug)  # type: ignore[attr-defined]  # queryset annotation
                for link in instance.grid_packages.all()
            ],
            "last_fetched": iso_utc_millis(instance.last_fetched),
            # The bare account name, not a link (unlike `created_by`), as upstream serves it.
            "last_modified_by": instance.last_modified_by_account or None,  # type: ignore[attr-defined]  # queryset annotation
            "modified": iso_utc_millis(instance.modified),
            "participants": ",".join(repo.participants),
            "pypi_url": instance.pypi_url,
            "pypi_version": pypi_data_of(instance).latest_version,
            "repo_description": repo.description,
            "repo_forks": repo.forks,
            "repo_url": instance.repo_url,
            "repo_watchers": repo.stars,
            "resource_uri": paths.resource("packages", instance.slug),
            "slug": instance.slug,
            "title": instance.title,
            "usage_count": instance.usage_count,  # type: ignore[attr-defined]  # queryset annotation
        }


class LegacyUserSerializer(serializers.BaseSerializer[Profile]):
    """A person, from their profile (expects `legacy_user_list()`, user joined).

    `created`/`modified` are the profile's; `date_joined`/`last_login` the account's.
    With `package_slugs_by_contributor()`'s mapping in the context under "packages"
    (asked for with `?list_packages=1`), the user also has `packages`: the resource URIs
    of their packages.
    """

    def to_representation(self, instance: Profile) -> dict[str, Any]:
        paths = _paths(self)
        user = instance.user
        data: dict[str, Any] = {
            "absolute_url": paths.page("profile", instance.github_account),
            "bitbucket_url": instance.bitbucket_url,
            "created": iso_utc_millis(instance.created),
            "date_joined": iso_utc_millis(user.date_joined),
            "github_account": instance.github_account,
            "gitlab_url": instance.gitlab_url,
            "last_login": iso_utc_millis(user.last_login),
            "modified": iso_utc_millis(instance.modified),
            "resource_uri": paths.resource("users", instance.github_account),
            "username": user.username,
        }
        by_account: dict[str, list[str]] | None = self.context.get("packages")
        if by_account is not None:
            slugs = by_account.get(instance.github_account.lower(), [])
            data["packages"] = [paths.resource("packages", slug) for slug in slugs]
            data = dict(sorted(data.items()))
        return data
