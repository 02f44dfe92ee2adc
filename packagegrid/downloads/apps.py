"""App configuration for `packagegrid.downloads`."""

from django.apps import AppConfig


class DownloadsConfig(AppConfig):
    name = "packagegrid.downloads"
    verbose_name = "Downloads"
