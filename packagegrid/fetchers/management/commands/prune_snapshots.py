"""`packagegrid prune_snapshots`: thin out old snapshots by the retention policy."""

from typing import Any

from django.core.management.base import BaseCommand

from packagegrid.fetchers.services import snapshots_prune


class Command(BaseCommand):
    help = (
        "Keep one snapshot per package a day for 90 days, then one a week for two years, "
        "then one a month (the latest of each), and delete the rest. Safe to run any time; "
        "the scheduled refresh runs it after each refresh."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Deleted {snapshots_prune()} snapshot(s).")
