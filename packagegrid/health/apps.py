"""App configuration for `packagegrid.health`: PyPI facts, compatibility, readiness."""

from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "packagegrid.health"
    verbose_name = "Health facts"
