"""`packagegrid schedule_refresh`: keep stale packages refreshed by the workers."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from packagegrid.fetchers.tasks import refresh_stale_packages
from packagegrid.lib.daily import task_waiting


class Command(BaseCommand):
    help = (
        "Enqueue a refresh of stale packages that re-enqueues itself every --every seconds. "
        "Does nothing when one is already waiting. (With cron instead, run "
        "`packagegrid fetch --all --stale-hours 24` on a schedule.)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=3600, help="seconds between runs")
        parser.add_argument("--stale-hours", type=float, default=24)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["every"] < 60:
            raise CommandError("--every must be at least 60 seconds.")
        if task_waiting(refresh_stale_packages):
            self.stdout.write("A scheduled refresh is already waiting; nothing to do.")
            return
        result = refresh_stale_packages.enqueue(
            stale_hours=options["stale_hours"], every_seconds=options["every"]
        )
        self.stdout.write(f"Scheduled refresh {result.id}, every {options['every']} s.")
