"""App configuration for `packagegrid.maintainers`."""

from django.apps import AppConfig


class MaintainersConfig(AppConfig):
    name = "packagegrid.maintainers"
    verbose_name = "Maintainers"
