"""`packagegrid prune_changes`: delete changes older than the feed's retention."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from packagegrid.changes.services import changes_prune


class Command(BaseCommand):
    help = (
        "Delete the change-feed entries older than CHANGES_RETENTION_DAYS (or --days). A "
        "reader whose cursor is older then gets 410 Gone and resyncs from a data dump. The "
        "scheduled refresh runs it after each refresh."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help="keep this many days instead")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Deleted {changes_prune(days=options['days'])} change(s).")
