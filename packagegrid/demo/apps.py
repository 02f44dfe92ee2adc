"""App configuration for `packagegrid.demo`."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "packagegrid.demo"
    verbose_name = "Demo"
