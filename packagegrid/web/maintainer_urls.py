"""URLs of verified maintainers and of the staff queue of delisting requests."""

from django.urls import path

from packagegrid.lib import ids  # noqa: F401  # registers the `<id:...>` converter
from packagegrid.web import maintainer_views as views

urlpatterns = [
    path("packages/<str:slug>/maintainers/", views.package_maintainers, name="package-maintainers"),
    path("packages/<str:slug>/maintainers/claim/", views.package_claim, name="package-claim"),
    path(
        "packages/<str:slug>/maintainers/<id:claim_id>/revoke/",
        views.package_claim_revoke,
        name="package-claim-revoke",
    ),
    path(
        "packages/<str:slug>/maintainers/finished/",
        views.package_finished,
        name="package-finished",
    ),
    path(
        "packages/<str:slug>/maintainers/deprecate/",
        views.package_deprecate_view,
        name="package-deprecate",
    ),
    path(
        "packages/<str:slug>/maintainers/flags/<id:flag_id>/",
        views.package_flag_answer,
        name="package-flag-answer",
    ),
    path(
        "packages/<str:slug>/maintainers/delisting/",
        views.package_delisting,
        name="package-delisting",
    ),
    path(
        "packages/<str:slug>/maintainers/refresh/",
        views.package_maintainer_refresh,
        name="package-maintainer-refresh",
    ),
    path("moderation/delistings/", views.moderation_delistings, name="moderation-delistings"),
    path(
        "moderation/delistings/<id:request_id>/",
        views.moderation_delisting_resolve,
        name="moderation-delisting-resolve",
    ),
]
