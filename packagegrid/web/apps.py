"""App configuration for `packagegrid.web`."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "packagegrid.web"
    verbose_name = "Web"
