"""API v4 representations, key for key as djangopackages.org serves them, and API v5's
package (v4's keys plus the health facts).

These are read-only `BaseSerializer`s that build each dict directly: the v4 shapes are
frozen by the wire format, and building them by hand is several times faster than
field-by-field serialisation for list pages of up to 1,000 items.
"""

from datetime import tzinfo
from functools import cached_property
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from packagegrid.accounts.models import Profile
from packagegrid.api.links import LinkBuilder
from packagegrid.catalog.models import Category, Package, PyPIData, Release, RepoData
from packagegrid.fetchers.models import FetchState
from packagegrid.grids.models import Element, Grid
from packagegrid.health.selectors import compatibility_mapping, package_health_of
from packagegrid.lib.licenses import package_license
from packagegrid.lib.timestamps import iso_local
from packagegrid.search.selectors import SearchItem

V5_ROOT = "v5:api-root"
_NO_REPO_DATA = RepoData()
_NO_PYPI_DATA = PyPIData()


def repo_data_of(package: Package) -> RepoData:
    """The package's fetched repository data, or empty defaults if it was never fetched."""
    try:
        return package.repo_data
    except RepoData.DoesNotExist:
        return _NO_REPO_DATA


def pypi_data_of(package: Package) -> PyPIData:
    """The package's fetched PyPI data, or empty defaults if it was never fetched."""
    try:
        return package.pypi_data
    except PyPIData.DoesNotExist:
        return _NO_PYPI_DATA


class LocalTimes:
    """For a serializer that writes timestamps: the current time zone, read once per
    serializer (the items of a list share one), not once per timestamp (`iso_local`)."""

    @cached_property
    def zone(self) -> tzinfo:
        return timezone.get_current_timezone()


class PackageSerializer(LocalTimes, serializers.BaseSerializer[Package]):
    """Expects packages from `package_list_for_api()` (fetched data and grid ids joined)."""

    def to_representation(self, instance: Package) -> dict[str, Any]:
        links: LinkBuilder = self.context["links"]
        repo = repo_data_of(instance)
        return {
            "category": links("categories", instance.category_id),
            "grids": [links("grids", gp.grid_id) for gp in instance.grid_packages.all()],
            "id": instance.id,
            "title": instance.title,
            "slug": instance.slug,
            "last_updated": iso_local(repo.last_commit_at, self.zone),
            "last_fetched": iso_local(instance.last_fetched, self.zone),
            "repo_url": instance.repo_url,
            "pypi_version": pypi_data_of(instance).latest_version,
            "created": iso_local(instance.created, self.zone),
            "modified": iso_local(instance.modified, self.zone),
            "repo_forks": repo.forks,
            "repo_description": repo.description,
            "pypi_url": instance.pypi_url,
            "documentation_url": instance.documentation_url,
            "repo_watchers": repo.stars,
            "commits_over_52": repo.commits_over_52,
            "participants": repo.participants,
        }


def package_row_v4(
    row: dict[str, Any], grid_ids: list[int], links: LinkBuilder, zone: tzinfo
) -> dict[str, Any]:
    """`PackageSerializer`'s representation, key for key, from a row of
    `package_rows_for_api_v4()` and the package's grid ids, timestamps in `zone` (the
    current time zone). A package never fetched has the defaults of an empty RepoData,
    as the serializer gives it."""
    fetched = row["repo_data__package_id"] is not None
    return {
        "category": links("categories", row["category_id"]),
        "grids": [links("grids", grid_id) for grid_id in grid_ids],
        "id": row["id"],
        "title": row["title"],
        "slug": row["slug"],
        "last_updated": iso_local(row["repo_data__last_commit_at"], zone),
        "last_fetched": iso_local(row["last_fetched"], zone),
        "repo_url": row["repo_url"],
        "pypi_version": row["pypi_data__latest_version"],
        "created": iso_local(row["created"], zone),
        "modified": iso_local(row["modified"], zone),
        "repo_forks": row["repo_data__forks"] if fetched else _NO_REPO_DATA.forks,
        "repo_description": (
            row["repo_data__description"] if fetched else _NO_REPO_DATA.description
        ),
        "pypi_url": row["pypi_url"],
        "documentation_url": row["documentation_url"],
        "repo_watchers": row["repo_data__stars"] if fetched else _NO_REPO_DATA.stars,
        "commits_over_52": row["repo_data__commits_over_52"] if fetched else [],
        "participants": row["repo_data__participants"] if fetched else [],
    }


class GridSerializer(LocalTimes, serializers.BaseSerializer[Grid]):
    """Expects grids from `grid_list_for_api()` (package ids prefetched)."""

    def to_representation(self, instance: Grid) -> dict[str, Any]:
        links: LinkBuilder = self.context["links"]
        return {
            "id": instance.id,
            "title": instance.title,
            "slug": instance.slug,
            "description": instance.description,
            "is_locked": instance.is_locked,
            "packages": [links("packages", gp.package_id) for gp in instance.grid_packages.all()],
            "header": instance.header,
            "created": iso_local(instance.created, self.zone),
            "modified": iso_local(instance.modified, self.zone),
        }


def grid_row_v4(
    row: dict[str, Any], package_ids: list[int], links: LinkBuilder, zone: tzinfo
) -> dict[str, Any]:
    """`GridSerializer`'s representation, key for key, from a row of
    `grid_rows_for_api_v4()` and the grid's package ids, timestamps in `zone` (the
    current time zone)."""
    return {
        "id": row["id"],
        "title": row["title"],
        "slug": row["slug"],
        "description": row["description"],
        "is_locked": row["is_locked"],
        "packages": [links("packages", package_id) for package_id in package_ids],
        "header": row["header"],
        "created": iso_local(row["created"], zone),
        "modified": iso_local(row["modified"], zone),
    }


class CategorySerializer(LocalTimes, serializers.BaseSerializer[Category]):
    def to_representation(self, instance: Category) -> dict[str, Any]:
        return {
            "id": instance.id,
            "title": instance.title,
            "slug": instance.slug,
            "description": instance.description,
            "title_plural": instance.title_plural,
            "show_pypi": instance.show_pypi,
            "created": iso_local(instance.created, self.zone),
            "modified": iso_local(instance.modified, self.zone),
        }


class SearchItemSerializer(serializers.BaseSerializer[SearchItem]):
    def to_representation(self, instance: SearchItem) -> dict[str, Any]:
        return {
            "description": instance.description,
            "title": instance.title,
            # title_no_prefix, slug_no_prefix and clean_title repeat title and slug: old
            # clients still read them.
            "title_no_prefix": instance.title,
            "slug_no_prefix": instance.slug,
            "clean_title": instance.title,
            "absolute_url": instance.absolute_url,
            "created": iso_local(instance.created),
            "modified": iso_local(instance.modified),
            "weight": instance.weight,
            "item_type": instance.item_type,
            "slug": instance.slug,
            "category": instance.category,
            "repo_watchers": instance.repo_watchers,
            "repo_forks": instance.repo_forks,
            "pypi_downloads": instance.pypi_downloads,
            "score": instance.score,
            "usage": instance.usage,
            "participants": ",".join(instance.participants),
            "last_committed": iso_local(instance.last_committed),
            "last_released": iso_local(instance.last_released),
        }


class PackageV5Serializer(PackageSerializer):
    """API v5's package: every v4 key as v4 has it (its `category` and `grids` links
    point at v4, which serves those resources), then `health` (None when never
    scored), `compatibility` (always with "django" and "python", then "wagtail" when a
    source names a Wagtail release), `advisories`, `latest_release`, `license` (None
    when none), the v5 extras (`v5_package_extras`), then `dependencies` (the latest
    release's requirements, each with the slug of the listed package it names or None)
    and `dependents_count`, and `reviewed` (False for a package discovery listed that no
    person has reviewed yet). Expects packages from `package_list_for_api_v5()`."""

    def to_representation(self, instance: Package) -> dict[str, Any]:
        data = super().to_representation(instance)
        health = package_health_of(instance)
        releases: list[Release] = getattr(instance, "latest_releases", [])
        release = releases[0] if releases else None
        repo, pypi = repo_data_of(instance), pypi_data_of(instance)
        data.update(
            health=health.as_dict() if health is not None else None,
            # "django" and "python" are always there, {} when no source names a version.
            compatibility={
                "django": {},
                "python": {},
                **compatibility_mapping(list(instance.compatibility.all())),
            },
            advisories=[
                {
                    "id": advisory.advisory_id,
                    "aliases": advisory.aliases,
                    "summary": advisory.summary,
                    "fixed_in": advisory.fixed_in,
                    "link": advisory.link,
                }
                for advisory in instance.advisories.all()
            ],
            latest_release=(
                {
                    "version": release.version,
                    "uploaded": iso_local(release.uploaded_at),
                    "yanked": release.yanked,
                }
                if release is not None
                else None
            ),
            license=package_license(pypi_license=pypi.license, repo_license=repo.license) or None,
            reviewed=instance.reviewed,
        )
        v5: LinkBuilder | None = self.context.get("v5_links")
        data.update(v5_package_extras(instance, v5 or LinkBuilder.for_site(V5_ROOT)))
        data.update(
            dependencies=[
                {
                    "name": dependency.name,
                    "specifier": dependency.specifier,
                    "markers": dependency.markers or None,
                    "package": dependency.target.slug if dependency.target else None,
                }
                for dependency in instance.dependencies.all()
            ],
            dependents_count=getattr(instance, "dependents_count", 0),
        )
        return data


# --- API v5's other resources ------------------------------------------------------------


def _fetch_states(instance: Package) -> dict[str, Any]:
    """Per source ("github", "pypi", ...): when it last answered, when it was last asked,
    and its last error (None when the last attempt succeeded)."""
    states: list[FetchState] = list(instance.fetch_states.all())
    return {
        state.source: {
            "last_success": iso_local(state.last_success_at),
            "checked": iso_local(state.checked_at),
            "last_error": state.last_error or None if state.error_count else None,
            "last_error_at": iso_local(state.last_error_at),
            "error_count": state.error_count,
        }
        for state in states
    }


def v5_package_extras(instance: Package, v5: LinkBuilder) -> dict[str, Any]:
    """What API v5 adds to a package after its health facts (expects the annotations and
    prefetches of `package_list_for_api_v5()`)."""
    return {
        "usage_count": getattr(instance, "usage_count", 0),
        "favorite_count": getattr(instance, "favorite_count", 0),
        "releases": f"{v5.prefix}releases/?package={instance.id}",
        "fetch": _fetch_states(instance),
    }


class V5Links:
    """API v5 links for the serializers below, from `context["v5_links"]`."""

    context: dict[str, Any]

    @property
    def v5(self) -> LinkBuilder:
        links: LinkBuilder = self.context["v5_links"]
        return links


class GridV5Serializer(V5Links, serializers.BaseSerializer[Grid]):
    """A grid with its packages and features; `cells` only when `context["cells"]` maps
    the grid's id to its cells (the detail)."""

    def to_representation(self, instance: Grid) -> dict[str, Any]:
        v5 = self.v5
        data: dict[str, Any] = {
            "id": instance.id,
            "slug": instance.slug,
            "title": instance.title,
            "description": instance.description,
            "is_locked": instance.is_locked,
            "is_featured": instance.is_featured,
            "created": iso_local(instance.created),
            "modified": iso_local(instance.modified),
            "packages": [
                {
                    "id": member.package_id,
                    "slug": member.package.slug,
                    "title": member.package.title,
                    "url": v5("packages", member.package_id),
                }
                for member in instance.grid_packages.all()
            ],
            "features": [
                {"id": feature.id, "title": feature.title, "description": feature.description}
                for feature in instance.features.all()
            ],
            "url": v5("grids", instance.id),
        }
        cells: list[Element] | None = self.context.get("cells")
        if cells is not None:
            data["cells"] = [
                {
                    "feature": cell.feature_id,
                    "package": cell.grid_package.package_id,
                    "text": cell.text,
                }
                for cell in cells
            ]
        return data


class CategoryV5Serializer(V5Links, serializers.BaseSerializer[Category]):
    def to_representation(self, instance: Category) -> dict[str, Any]:
        return {
            "id": instance.id,
            "slug": instance.slug,
            "title": instance.title,
            "title_plural": instance.title_plural,
            "description": instance.description,
            "show_pypi": instance.show_pypi,
            "package_count": getattr(instance, "package_count", 0),
            "packages": f"{self.v5.prefix}packages/?category={instance.slug}",
            "created": iso_local(instance.created),
            "modified": iso_local(instance.modified),
            "url": self.v5("categories", instance.id),
        }


class ReleaseV5Serializer(V5Links, serializers.BaseSerializer[Release]):
    def to_representation(self, instance: Release) -> dict[str, Any]:
        return {
            "id": instance.id,
            "package": {
                "id": instance.package.id,
                "slug": instance.package.slug,
                "url": self.v5("packages", instance.package.id),
            },
            "version": instance.version,
            "uploaded": iso_local(instance.uploaded_at),
            "yanked": instance.yanked,
            "yanked_reason": instance.yanked_reason,
            "requires_python": instance.requires_python,
            "is_prerelease": instance.is_prerelease,
            "url": self.v5("releases", instance.id),
        }


class PersonV5Serializer(V5Links, serializers.BaseSerializer[Any]):
    """A person's public facts only: no e-mail address, name, login time or favourites."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        try:
            profile: Profile | None = instance.profile
        except Profile.DoesNotExist:
            profile = None
        v5 = self.v5
        return {
            "id": instance.id,
            "username": instance.username,
            "date_joined": iso_local(instance.date_joined),
            "github_account": profile.github_account if profile else "",
            "gitlab_url": profile.gitlab_url if profile else "",
            "bitbucket_url": profile.bitbucket_url if profile else "",
            "packages_added": [
                {"id": p.id, "slug": p.slug, "url": v5("packages", p.id)}
                for p in instance.created_packages.all()
            ],
            "grids": [
                {"id": g.id, "slug": g.slug, "url": v5("grids", g.id)}
                for g in instance.created_grids.all()
            ],
            "url": v5("users", instance.id),
        }


class SearchItemV5Serializer(V5Links, serializers.BaseSerializer[SearchItem]):
    def to_representation(self, instance: SearchItem) -> dict[str, Any]:
        collection = "packages" if instance.item_type == "package" else "grids"
        return {
            "type": instance.item_type,
            "slug": instance.slug,
            "title": instance.title,
            "description": instance.description,
            "weight": instance.weight,
            "health_score": instance.health_score,
            "lifecycle": instance.lifecycle or None,
            "reviewed": instance.reviewed,
            "url": self.v5(collection, instance.slug),
        }
