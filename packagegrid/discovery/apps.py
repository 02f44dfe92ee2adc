"""App configuration for `packagegrid.discovery`."""

from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "packagegrid.discovery"
    verbose_name = "Discovery"
