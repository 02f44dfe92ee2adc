"""App configuration for `packagegrid.search`."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "packagegrid.search"
    verbose_name = "Search"
