"""Readiness pages, at djangopackages.org's paths."""

from django.urls import path

from packagegrid.health import views

urlpatterns = [
    path("readiness/", views.readiness_index, name="readiness"),
    path(
        "readiness/<str:product>/<str:version>/",
        views.readiness_release,
        name="readiness-release",
    ),
]
