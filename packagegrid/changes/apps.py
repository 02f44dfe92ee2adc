"""App configuration for `packagegrid.changes`: connects the change-recording receivers."""

from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "packagegrid.changes"
    verbose_name = "Change feed"

    def ready(self) -> None:
        from packagegrid.changes import receivers

        receivers.connect()
