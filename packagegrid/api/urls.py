"""API URLs: `/api/v4/` and `/api/v3/` (djangopackages.org-compatible), `/api/v5/`
(packages with their health); `/api/v1/` is gone."""

from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.schemas.inspectors import DefaultSchema

from packagegrid.api import pages, views
from packagegrid.api.changes import ChangesView
from packagegrid.api.schema import V4RootSerializer, V5RootSerializer


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

    schema = DefaultSchema()  # DRF leaves API roots out of schemas; this one is an endpoint

    @extend_schema(responses=V4RootSerializer)
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


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

    - `packages`: every package with every API v4 key plus `health`, `compatibility`,
      `advisories`, `latest_release`, `license`, `usage_count`, `favorite_count`,
      `releases` and `fetch`; one by id or slug at `packages/<id or slug>/`. Filters:
      `category`, `grid`, `license`, `lifecycle`, `django`, `python`, `has_advisory`,
      `updated_since`; `ordering` by `health`, `stars`, `usage`, `last_release`, `title`
      or `id` (`-` for descending).
    - `releases`: every release, newest upload first; `?package=<id or slug>`.
    - `grids`: grids with packages and features; one grid adds its `cells`.
    - `categories`, `users` (public facts only), `search/?q=` and
      `compare/?packages=a,b,c`.

    Lists are cursor pages: follow `next` and `previous`; `page_size` up to 100. A
    package's `category` and `grids` links point at API v4, as v4 has them.
    """

    schema = DefaultSchema()

    @extend_schema(responses=V5RootSerializer)
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class V5Router(DefaultRouter):
    APIRootView = V5RootView


v5 = V5Router()
v5.register("packages", views.PackageV5ViewSet, basename="package")
v5.register("releases", views.ReleaseV5ViewSet, basename="release")
v5.register("grids", views.GridV5ViewSet, basename="grid")
v5.register("categories", views.CategoryV5ViewSet, basename="category")
v5.register("users", views.PersonV5ViewSet, basename="user")
v5.register("search", views.SearchV5ViewSet, basename="search")
v5.register("compare", views.CompareV5ViewSet, basename="compare")

urlpatterns = [
    path("", pages.api_home, name="api-home"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", pages.swagger_ui, name="api-docs"),
    path("redoc/", pages.redoc, name="api-redoc"),
    path("v5/changes/", ChangesView.as_view(), name="v5-changes"),
    path("v5/", include((v5.urls, "v5"))),
    path("v4/", include((v4.urls, "v4"))),
    re_path(r"^v[45]/[\s\S]*/$", views.not_found),
    path("v3/", include(("packagegrid.api.legacy", "v3"))),
    re_path(r"^v1(?:/|$)", views.api_v1_gone),
]
