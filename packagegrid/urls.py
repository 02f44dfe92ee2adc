"""URL configuration."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/", include("packagegrid.api.urls")),
    path("", include("packagegrid.fetchers.urls")),
    path("", include("packagegrid.web.urls")),
    path("", include("packagegrid.search.urls")),
    path("", include("packagegrid.accounts.urls")),
    path("", include("packagegrid.web.community_urls")),
    path("", include("packagegrid.web.watch_urls")),
    path("", include("packagegrid.web.maintainer_urls")),
    path("", include("packagegrid.health.urls")),
    path("", include("packagegrid.dumps.urls")),
    path("", include("packagegrid.webhooks.urls")),
]
