"""Signal receivers: any save or delete of the content changes the content version.

Besides these, only the change feed (packagegrid.changes) listens to signals. Writes that bypass
signals (bulk_create, QuerySet.update) call `content_changed()` themselves.
"""

from typing import Any

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from packagegrid.caching.services import content_changed

# Apps whose rows any page or API response shows.
CONTENT_APPS = ("catalog", "grids", "accounts", "fetchers", "auth")


def _changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loaddata: fixtures are loaded before anything is cached
        return
    content_changed()


def connect() -> None:
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            uid = f"packagegrid.caching:{model._meta.label}"
            post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete")
    m2m_changed.connect(_changed, dispatch_uid="packagegrid.caching:m2m")
