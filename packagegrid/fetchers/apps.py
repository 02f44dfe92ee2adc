"""App configuration for `packagegrid.fetchers`."""

from django.apps import AppConfig


class FetchersConfig(AppConfig):
    name = "packagegrid.fetchers"
    verbose_name = "Fetchers"
