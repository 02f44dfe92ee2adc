"""App configuration for `packagegrid.caching`: connects the invalidation receivers."""

from django.apps import AppConfig


class CachingConfig(AppConfig):
    name = "packagegrid.caching"
    verbose_name = "Caching"

    def ready(self) -> None:
        from packagegrid.caching import receivers

        receivers.connect()
