"""App configuration for `packagegrid.watching`: watched packages and grids, digests, feeds."""

from django.apps import AppConfig


class WatchingConfig(AppConfig):
    name = "packagegrid.watching"
    verbose_name = "Watching"
