"""App configuration for `packagegrid.webhooks`: wakes the dispatcher after changes."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "packagegrid.webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from packagegrid.changes.services import changes_committed
        from packagegrid.webhooks.tasks import wake_dispatcher

        changes_committed.connect(wake_dispatcher, dispatch_uid="packagegrid.webhooks:wake")
