"""Webhook URLs."""

from django.urls import path

from packagegrid.webhooks import views

urlpatterns = [path("webhooks/", views.webhooks, name="webhooks")]
