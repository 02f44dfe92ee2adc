"""App configuration for `packagegrid.search`: connects the indexing receivers."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "packagegrid.search"
    verbose_name = "Search"

    def ready(self) -> None:
        from packagegrid.search import receivers

        receivers.connect()
