"""App configuration for `packagegrid.api`."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "packagegrid.api"
    verbose_name = "Api"
