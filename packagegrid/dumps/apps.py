"""App configuration for `packagegrid.dumps`: data dumps and the /data/ page."""

from django.apps import AppConfig


class DumpsConfig(AppConfig):
    name = "packagegrid.dumps"
    verbose_name = "Data dumps"
