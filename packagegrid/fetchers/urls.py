"""URLs that start fetches."""

from django.urls import path

from packagegrid.fetchers import views

urlpatterns = [
    path("packages/github-webhook/", views.github_webhook, name="github-webhook"),
    path("packages/<slug:slug>/refresh/", views.refresh_package, name="package-refresh"),
]
