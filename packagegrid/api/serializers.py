"""API v4 representations, key for key as djangopackages.org serves them, and API v5's
package (v4's keys plus the health facts).

These are read-only `BaseSerializer`s that build each dict directly: the v4 shapes are
frozen by the wire format, and building them by hand is several times faster than
field-by-field serialisation for list pages of up to 1,000 items.
"""

from typing import Any

from rest_framework import serializers

from packagegrid.api.links import LinkBuilder
from packagegrid.catalog.models import Category, Package, PyPIData, Release, RepoData
from packagegrid.grids.models import Grid
from packagegrid.health.selectors import compatibility_mapping, package_health_of
from packagegrid.lib.licenses import package_license
from packagegrid.lib.timestamps import iso_local
from packagegrid.search.selectors import SearchItem

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


class PackageSerializer(serializers.BaseSerializer[Package]):
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
            "last_updated": iso_local(repo.last_commit_at),
            "last_fetched": iso_local(instance.last_fetched),
            "repo_url": instance.repo_url,
            "pypi_version": pypi_data_of(instance).latest_version,
            "created": iso_local(instance.created),
            "modified": iso_local(instance.modified),
            "repo_forks": repo.forks,
            "repo_description": repo.description,
            "pypi_url": instance.pypi_url,
            "documentation_url": instance.documentation_url,
            "repo_watchers": repo.stars,
            "commits_over_52": repo.commits_over_52,
            "participants": repo.participants,
        }


class GridSerializer(serializers.BaseSerializer[Grid]):
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
            "created": iso_local(instance.created),
            "modified": iso_local(instance.modified),
        }


class CategorySerializer(serializers.BaseSerializer[Category]):
    def to_representation(self, instance: Category) -> dict[str, Any]:
        return {
            "id": instance.id,
            "title": instance.title,
            "slug": instance.slug,
            "description": instance.description,
            "title_plural": instance.title_plural,
            "show_pypi": instance.show_pypi,
            "created": iso_local(instance.created),
            "modified": iso_local(instance.modified),
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
    source names a Wagtail release), `advisories`, `latest_release` and `license` (None
    when none). Expects packages from `package_list_for_api_v5()`."""

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
        )
        return data
