"""Readiness pages and package rules pages, at djangopackages.org's paths; the health
formula's page."""

from django.urls import path

from packagegrid.health import views

urlpatterns = [
    path("readiness/", views.readiness_index, name="readiness"),
    path(
        "readiness/<str:product>/<str:version>/",
        views.readiness_release,
        name="readiness-release",
    ),
    path("packages/p/<str:slug>/rules/", views.package_rules, name="package-rules"),
    path("about/health/", views.about_health, name="about-health"),
]
