"""API URLs: `/api/v4/` and `/api/v3/` (djangopackages.org-compatible); `/api/v1/` is gone."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from packagegrid.api import views

v4 = DefaultRouter()
# Registration order is the order the API root lists them in, as upstream does.
v4.register("packages", views.PackageViewSet, basename="package")
v4.register("search", views.SearchViewSet, basename="search")
v4.register("grids", views.GridViewSet, basename="grid")
v4.register("categories", views.CategoryViewSet, basename="category")

urlpatterns = [
    path("v4/", include((v4.urls, "v4"))),
    path("v3/", include(("packagegrid.api.legacy", "v3"))),
    re_path(r"^v1(?:/|$)", views.api_v1_gone),
]
