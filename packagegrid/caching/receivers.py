"""Signal receivers: a save or delete bumps the versions of what shows the row, and only
when a shown value can have changed.

Besides these, only the change feed (packagegrid.changes) listens to signals. Writes that bypass
signals (bulk_create, QuerySet.update) call the services of `packagegrid.caching.services`
themselves. Rows that no page shows bump nothing: a login (`User.last_login`), fetch
bookkeeping (a FetchState's check time and ETags), sessions, counters, task rows.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from packagegrid.caching import services
from packagegrid.catalog.models import Category, EditRecord, Package
from packagegrid.fetchers.models import FetchState
from packagegrid.grids.models import Grid, GridPackage

# Apps whose rows pages and API responses show. A model of these apps that is not named
# below bumps its package when it has one, else its grid, else the whole site: a new
# model is never left out of invalidation by mistake.
CONTENT_APPS = ("catalog", "grids", "health", "fetchers", "accounts", "downloads")
# Rows no page shows.
IGNORED = frozenset({"fetchers.WebhookDelivery", "accounts.ApiKey"})
# What a page shows of a FetchState: its failures (the package page's notices).
FETCH_STATE_SHOWN = frozenset(
    {"error_count", "last_error", "last_error_at", "needs_review", "last_success_at"}
)
# What no page shows of a person: their last login.
USER_UNSHOWN = frozenset({"last_login"})
# Package fields whose change must also reach the packages shown beside it (similar
# packages on the package pages of its grids).
PACKAGE_NAMING = frozenset({"title", "slug"})


def _skip(kwargs: dict[str, Any]) -> bool:
    return bool(kwargs.get("raw"))  # loaddata: fixtures are loaded before anything is cached


def _only(update_fields: Any, unshown: frozenset[str]) -> bool:
    return update_fields is not None and set(update_fields) <= unshown


def _package_before_save(sender: Any, instance: Package, **kwargs: Any) -> None:
    """Remember the stored slug: the page at the old slug must go too."""
    update_fields = kwargs.get("update_fields")
    if _skip(kwargs) or instance.pk is None:
        return
    if update_fields is None or "slug" in update_fields:
        old = Package.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        instance._caching_old_slug = old  # type: ignore[attr-defined]  # read after save


def _package_saved(sender: Any, instance: Package, **kwargs: Any) -> None:
    if _skip(kwargs):
        return
    services.packages_changed([instance.pk])
    old_slug = instance.__dict__.pop("_caching_old_slug", None)
    if old_slug and old_slug != instance.slug:
        services.versions_bump([services.package_key(old_slug)])
    update_fields = kwargs.get("update_fields")
    if not kwargs.get("created") and (update_fields is None or PACKAGE_NAMING & set(update_fields)):
        # Its grid-mates' pages list it among similar packages, by title and slug.
        services.packages_changed(
            GridPackage.objects.filter(
                grid__in=GridPackage.objects.filter(package=instance).values("grid_id")
            ).values_list("package_id", flat=True)
        )


def _package_deleted(sender: Any, instance: Package, **kwargs: Any) -> None:
    services.versions_bump(
        [
            services.PACKAGES,
            services.package_key(instance.pk),
            services.package_key(instance.slug),
        ]
    )
    services.categories_changed([instance.category_id])


def _grid_saved(sender: Any, instance: Grid, **kwargs: Any) -> None:
    if _skip(kwargs):
        return
    services.grids_changed([instance.pk])
    update_fields = kwargs.get("update_fields")
    if not kwargs.get("created") and (update_fields is None or PACKAGE_NAMING & set(update_fields)):
        # Package pages name their grids.
        services.packages_changed(
            GridPackage.objects.filter(grid=instance).values_list("package_id", flat=True)
        )


def _grid_deleted(sender: Any, instance: Grid, **kwargs: Any) -> None:
    services.versions_bump(
        [services.GRIDS, services.grid_key(instance.pk), services.grid_key(instance.slug)]
    )


def _grid_link_changed(sender: Any, instance: GridPackage, **kwargs: Any) -> None:
    if _skip(kwargs):
        return
    services.grids_changed([instance.grid_id])
    services.packages_changed([instance.package_id])


def _grid_part_changed(sender: Any, instance: Model, **kwargs: Any) -> None:
    """A feature or a cell: its grid's page."""
    if _skip(kwargs):
        return
    grid_id = getattr(instance, "grid_id", None)
    if grid_id is None:  # an Element: through its row
        grid_package_id = instance.grid_package_id  # type: ignore[attr-defined]
        grid_id = (
            GridPackage.objects.filter(pk=grid_package_id).values_list("grid_id", flat=True).first()
        )
    if grid_id is not None:
        services.grids_changed([grid_id])


def _category_changed(sender: Any, instance: Category, **kwargs: Any) -> None:
    if _skip(kwargs):
        return
    services.categories_changed([instance.pk])
    services.versions_bump([services.category_key(instance.slug)])
    if not kwargs.get("created"):
        # Its packages show its title (package pages, grid tables' cached fragments).
        services.packages_changed(
            Package.objects.filter(category_id=instance.pk).values_list("pk", flat=True)
        )


def _fetch_state_saved(sender: Any, instance: FetchState, **kwargs: Any) -> None:
    if _skip(kwargs):
        return
    update_fields = kwargs.get("update_fields")
    if kwargs.get("created"):
        if instance.error_count or instance.needs_review:
            services.packages_changed([instance.package_id])
        return
    if update_fields is None or FETCH_STATE_SHOWN & set(update_fields):
        services.packages_changed([instance.package_id])


def _fetch_state_deleted(sender: Any, instance: FetchState, **kwargs: Any) -> None:
    if instance.error_count or instance.needs_review:
        services.packages_changed([instance.package_id])


def _user_changed(sender: Any, instance: Model, **kwargs: Any) -> None:
    if _skip(kwargs) or _only(kwargs.get("update_fields"), USER_UNSHOWN):
        return
    services.versions_bump([services.USERS])


def _edit_recorded(sender: Any, instance: EditRecord, **kwargs: Any) -> None:
    """History pages; the edited row's own save bumps the pages showing it."""
    if not _skip(kwargs):
        services.versions_bump([services.HISTORY])


def _package_part_changed(sender: Any, instance: Model, **kwargs: Any) -> None:
    """Anything else hanging off a package (fetched data, releases, usage, health, …)."""
    if _skip(kwargs):
        return
    package_id = getattr(instance, "package_id", None)
    if package_id is not None:
        services.packages_changed([package_id])
    elif getattr(instance, "grid_id", None) is not None:
        services.grids_changed([instance.grid_id])  # type: ignore[attr-defined]
    else:
        services.content_changed()


def _grid_packages_m2m(sender: Any, instance: Model, **kwargs: Any) -> None:
    """`grid.packages.add(...)` and its kin send m2m_changed, not post_save."""
    action, pk_set = kwargs.get("action", ""), kwargs.get("pk_set") or set()
    if not action.startswith("post_"):
        return
    if isinstance(instance, Grid):
        services.grids_changed([instance.pk])
        services.packages_changed(pk_set)
    else:
        services.packages_changed([instance.pk])
        services.grids_changed(pk_set)


_SPECIAL: dict[type[Model], tuple[Any, Any]] = {
    Package: (_package_saved, _package_deleted),
    Grid: (_grid_saved, _grid_deleted),
    GridPackage: (_grid_link_changed, _grid_link_changed),
    Category: (_category_changed, _category_changed),
    FetchState: (_fetch_state_saved, _fetch_state_deleted),
    EditRecord: (_edit_recorded, _edit_recorded),
}


def _handlers(model: type[Model]) -> tuple[Any, Any]:
    if model in _SPECIAL:
        return _SPECIAL[model]
    names = {f.name for f in model._meta.get_fields()}
    if model._meta.app_label == "grids" and ("grid" in names or "grid_package" in names):
        return _grid_part_changed, _grid_part_changed
    if model._meta.app_label == "accounts":
        return _user_changed, _user_changed
    return _package_part_changed, _package_part_changed


def connect() -> None:
    uid = "packagegrid.caching"
    models: list[type[Model]] = [get_user_model()]
    for label in CONTENT_APPS:
        models += apps.get_app_config(label).get_models()
    for model in models:
        if model._meta.label in IGNORED:
            continue
        saved, deleted = (
            (_user_changed, _user_changed) if model is get_user_model() else _handlers(model)
        )
        name = model._meta.label
        post_save.connect(saved, sender=model, dispatch_uid=f"{uid}:{name}:save")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"{uid}:{name}:delete")
    pre_save.connect(_package_before_save, sender=Package, dispatch_uid=f"{uid}:package:pre")
    m2m_changed.connect(
        _grid_packages_m2m, sender=Grid.packages.through, dispatch_uid=f"{uid}:grid-packages"
    )
