"""API URLs: `/api/v4/` and `/api/v3/` (djangopackages.org-compatible), `/api/v5/`
(packages with their health); `/api/v1/` is gone."""

from django.urls import include, path, re_path
from rest_framework.routers import APIRootView, DefaultRouter

from packagegrid.api import views
from packagegrid.api.changes import ChangesView


class V4RootView(APIRootView):
    """packagegrid's REST API v4, read-only and wire-compatible with djangopackages.org's
    API v4: a client written for djangopackages.org works here unchanged.

    - `packages`: every package, newest first; one by id or slug at `packages/<id or slug>/`.
    - `search`: `search/?q=<words>`, the 20 best packages and grids as a plain list.
    - `grids`: comparison grids, newest first; one by id or slug at `grids/<id or slug>/`.
    - `categories`: the package categories; one by id at `categories/<id>/`.

    Lists are paged with `limit` (default 20, at most 1000) and `offset`, and answer
    `count`, `next`, `previous` and `results`. Add `?format=json` for plain JSON.
    """


class V4Router(DefaultRouter):
    APIRootView = V4RootView


v4 = V4Router()
# Registration order is the order the API root lists them in, as upstream does.
v4.register("packages", views.PackageViewSet, basename="package")
v4.register("search", views.SearchViewSet, basename="search")
v4.register("grids", views.GridViewSet, basename="grid")
v4.register("categories", views.CategoryViewSet, basename="category")


class V5RootView(APIRootView):
    """packagegrid's REST API v5, read-only.

    - `packages`: every package, newest first, with every API v4 key plus `health`,
      `compatibility`, `advisories`, `latest_release` and `license`; one by id or slug at
      `packages/<id or slug>/`.

    Lists are paged with `page` (from 1) and `page_size` (default 20, at most 100), and
    answer `count`, `next`, `previous` and `results`. A package's `category` and `grids`
    links point at API v4, which serves those resources.
    """


class V5Router(DefaultRouter):
    APIRootView = V5RootView


v5 = V5Router()
v5.register("packages", views.PackageV5ViewSet, basename="package")

urlpatterns = [
    path("v5/changes/", ChangesView.as_view(), name="v5-changes"),
    path("v5/", include((v5.urls, "v5"))),
    path("v4/", include((v4.urls, "v4"))),
    path("v3/", include(("packagegrid.api.legacy", "v3"))),
    re_path(r"^v1(?:/|$)", views.api_v1_gone),
]
