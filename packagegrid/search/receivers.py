"""Signal receivers that keep the search index in step with every save and delete.

STYLE rule 17 keeps signals for cache invalidation; the search index is a derived copy
of the records in the same sense, and receivers are the one place that sees every writer
(services, the admin, imports, other apps) without each remembering to call the index.
They run synchronously, so the document is rewritten in the writer's transaction and
rolls back with it. Saves that touch only fields no document reads (fetch timestamps,
ETags, lock flags) skip the work; writes that send no signals (bulk_create, update())
call `search_reindex()` or `search_index_package()` themselves, except the health
scores, written in bulk, whose recompute sends `health_recomputed`.

A change to the synonym table drops its cached copy once the change is committed, and
invalidates cached responses (search results depend on it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete

from packagegrid.caching.services import content_changed
from packagegrid.catalog.models import (
    Category,
    Package,
    PyPIData,
    Readme,
    Release,
    RepoData,
    Usage,
)
from packagegrid.grids.models import Grid, GridPackage
from packagegrid.health.models import PackageHealth
from packagegrid.health.signals import health_recomputed
from packagegrid.search.models import Synonym
from packagegrid.search.selectors import SYNONYMS_CACHE_KEY
from packagegrid.search.services import (
    search_index_grid,
    search_index_package,
    search_index_packages,
    search_recount_categories,
)

# Fields no search document reads: saving only these leaves the index alone.
_UNINDEXED: dict[type[Model], frozenset[str]] = {
    Package: frozenset(
        {"repo_url", "pypi_url", "documentation_url", "created_by", "last_modified_by"}
        | {"last_fetched"}
    ),
    RepoData: frozenset({"fetched_at", "open_issues", "default_branch", "homepage"}),
    PyPIData: frozenset({"fetched_at", "project_urls", "development_status"}),
    Grid: frozenset({"is_locked", "header", "created_by"}),
    PackageHealth: frozenset({"model", "lifecycle_reason", "axes", "factors", "computed_at"}),
    Readme: frozenset({"renderer", "rendered_at"}),
}


def _indexed(sender: type[Model], update_fields: Iterable[str] | None) -> bool:
    if update_fields is None:
        return True
    return not set(update_fields) <= _UNINDEXED.get(sender, frozenset())


def _deleted_with(origin: Any, model: type[Model], pk: int | None) -> bool:
    """Whether a delete cascades from deleting that record itself (its document goes too)."""
    if isinstance(origin, model):
        return bool(origin.pk == pk)
    return isinstance(origin, QuerySet) and origin.model is model


def _package_saved(sender: type[Model], instance: Package, **kwargs: Any) -> None:
    if not kwargs.get("raw") and _indexed(sender, kwargs.get("update_fields")):
        search_index_package(package_id=instance.pk)


def _package_deleting(sender: type[Model], instance: Package, **kwargs: Any) -> None:
    # Packages it replaced lose their "deprecated" status (replaced_by is SET_NULL). Only
    # looked up for a single delete; bulk deletes clear replaced_by first or reindex.
    if isinstance(kwargs.get("origin"), Package):
        instance._search_replaced = list(  # type: ignore[attr-defined]  # carried to post_delete
            Package.objects.filter(replaced_by=instance).values_list("pk", flat=True)
        )


def _package_deleted(sender: type[Model], instance: Package, **kwargs: Any) -> None:
    replaced = getattr(instance, "_search_replaced", None)
    if replaced:
        search_index_packages(package_ids=replaced)
    # Its document went with it (cascade): its category holds one package fewer.
    search_recount_categories(category_ids=[instance.category_id])


type _PackagePart = RepoData | PyPIData | Release | Usage | PackageHealth | Readme


def _package_part_saved(sender: type[Model], instance: _PackagePart, **kwargs: Any) -> None:
    if not kwargs.get("raw") and _indexed(sender, kwargs.get("update_fields")):
        search_index_package(package_id=instance.package_id)


def _package_part_deleted(sender: type[Model], instance: _PackagePart, **kwargs: Any) -> None:
    if not _deleted_with(kwargs.get("origin"), Package, instance.package_id):
        search_index_package(package_id=instance.package_id)


def _grid_link_saved(sender: type[Model], instance: GridPackage, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        search_index_package(package_id=instance.package_id)
        search_index_grid(grid_id=instance.grid_id)


def _grid_link_deleted(sender: type[Model], instance: GridPackage, **kwargs: Any) -> None:
    origin = kwargs.get("origin")
    if not _deleted_with(origin, Package, instance.package_id):
        search_index_package(package_id=instance.package_id)
    if not _deleted_with(origin, Grid, instance.grid_id):
        search_index_grid(grid_id=instance.grid_id)


def _grid_saved(sender: type[Model], instance: Grid, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if kwargs.get("raw") or not _indexed(sender, update_fields):
        return
    search_index_grid(grid_id=instance.pk)
    # Package documents carry their grids' titles (text and facet labels).
    if not kwargs.get("created") and (update_fields is None or {"title", "slug"} & update_fields):
        search_index_packages(
            package_ids=GridPackage.objects.filter(grid=instance).values_list(
                "package_id", flat=True
            )
        )


def _category_saved(sender: type[Model], instance: Category, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if kwargs.get("raw") or kwargs.get("created"):
        return
    if update_fields is None or {"title", "slug"} & update_fields:
        search_index_packages(
            package_ids=Package.objects.filter(category=instance).values_list("pk", flat=True)
        )


def _health_recomputed(sender: type[Model], package_ids: list[int], **kwargs: Any) -> None:
    search_index_packages(package_ids=package_ids)


def _synonyms_changed(sender: type[Model], **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    content_changed()
    transaction.on_commit(lambda: cache.delete(SYNONYMS_CACHE_KEY))


def connect() -> None:
    uid = "packagegrid.search"
    post_save.connect(_package_saved, sender=Package, dispatch_uid=f"{uid}:package:save")
    pre_delete.connect(_package_deleting, sender=Package, dispatch_uid=f"{uid}:package:pre")
    post_delete.connect(_package_deleted, sender=Package, dispatch_uid=f"{uid}:package:delete")
    for model in (RepoData, PyPIData, Release, Usage, PackageHealth, Readme):
        name = model._meta.model_name
        post_save.connect(_package_part_saved, sender=model, dispatch_uid=f"{uid}:{name}:save")
        post_delete.connect(
            _package_part_deleted, sender=model, dispatch_uid=f"{uid}:{name}:delete"
        )
    post_save.connect(_grid_link_saved, sender=GridPackage, dispatch_uid=f"{uid}:link:save")
    post_delete.connect(_grid_link_deleted, sender=GridPackage, dispatch_uid=f"{uid}:link:delete")
    post_save.connect(_grid_saved, sender=Grid, dispatch_uid=f"{uid}:grid:save")
    post_save.connect(_category_saved, sender=Category, dispatch_uid=f"{uid}:category:save")
    health_recomputed.connect(_health_recomputed, dispatch_uid=f"{uid}:health")
    post_save.connect(_synonyms_changed, sender=Synonym, dispatch_uid=f"{uid}:synonym:save")
    post_delete.connect(_synonyms_changed, sender=Synonym, dispatch_uid=f"{uid}:synonym:delete")
