"""App configuration for `packagegrid.grids`."""

from django.apps import AppConfig


class GridsConfig(AppConfig):
    name = "packagegrid.grids"
    verbose_name = "Grids"
