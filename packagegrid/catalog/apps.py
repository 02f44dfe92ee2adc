"""App configuration for `packagegrid.catalog`."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "packagegrid.catalog"
    verbose_name = "Catalog"
