"""`packagegrid send_digests`: send the watchers' e-mail digests that are due, now."""

from typing import Any

from django.core.management.base import BaseCommand

from packagegrid.watching.services import digests_send


class Command(BaseCommand):
    help = "Send the e-mail digests that are due. Safe to run twice: nothing is sent twice."

    def handle(self, *args: Any, **options: Any) -> None:
        run = digests_send()
        self.stdout.write(f"Digests sent: {run.sent}, empty: {run.empty}, failed: {run.failed}")
