"""URLs of community actions (usage, favorites, flags) and moderation."""

from django.urls import path

from packagegrid.lib import ids  # noqa: F401  # registers the `<id:...>` converter
from packagegrid.web import community_views as views
from packagegrid.web import discovery_views

urlpatterns = [
    path("packages/<str:slug>/usage/", views.package_usage, name="package-usage"),
    path("packages/<str:slug>/favorite/", views.package_favorite, name="package-favorite"),
    path("packages/<str:slug>/flag/", views.package_flag, name="package-flag"),
    path("packages/<str:slug>/delete/", views.package_delete_confirm, name="package-delete"),
    path("moderation/flags/", views.moderation_flags, name="moderation-flags"),
    path(
        "moderation/flags/<id:flag_id>/",
        views.moderation_flag_resolve,
        name="moderation-flag-resolve",
    ),
    path("moderation/changes/", views.moderation_changes, name="moderation-changes"),
    path(
        "moderation/changes/<id:change_id>/",
        views.moderation_change_resolve,
        name="moderation-change-resolve",
    ),
    path(
        "moderation/discovered/",
        discovery_views.moderation_discovered,
        name="moderation-discovered",
    ),
    path(
        "moderation/discovered/<str:slug>/",
        discovery_views.moderation_discovered_decide,
        name="moderation-discovered-decide",
    ),
]
