"""App configuration for `packagegrid.benchmarks`."""

from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "packagegrid.benchmarks"
    verbose_name = "Benchmarks"
