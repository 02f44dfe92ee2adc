"""`packagegrid schedule_dump`: have the workers write the data dumps every night."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from packagegrid.dumps.tasks import next_run_at, write_data_dumps


class Command(BaseCommand):
    help = (
        "Enqueue the data dump for the next --at time (UTC), re-enqueuing itself for the "
        "same time every day. Does nothing when one is already waiting. (With cron "
        "instead, run `packagegrid dump` once a day.)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", default="03:00", help="time of day, HH:MM UTC (03:00)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run_after = next_run_at(options["at"], now=timezone.now())
        except ValueError as error:
            raise CommandError(str(error)) from error
        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=write_data_dumps.module_path
        )
        if waiting.exists():
            self.stdout.write("A scheduled dump is already waiting; nothing to do.")
            return
        result = write_data_dumps.using(run_after=run_after).enqueue(at=options["at"])
        self.stdout.write(f"Scheduled dump {result.id} at {run_after:%Y-%m-%d %H:%M} UTC, daily.")
