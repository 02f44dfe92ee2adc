"""`packagegrid schedule_digests`: have the workers send the watchers' digests every day."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from packagegrid.dumps.tasks import next_run_at
from packagegrid.watching.tasks import send_watch_digests


class Command(BaseCommand):
    help = (
        "Enqueue the sending of due e-mail digests for the next --at time (UTC), "
        "re-enqueuing itself for the same time every day. Does nothing when one is already "
        "waiting. (With cron instead, run `packagegrid send_digests` once a day.)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", default="07:00", help="time of day, HH:MM UTC (07:00)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run_after = next_run_at(options["at"], now=timezone.now())
        except ValueError as error:
            raise CommandError(str(error)) from error
        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=send_watch_digests.module_path
        )
        if waiting.exists():
            self.stdout.write("Digests are already scheduled; nothing to do.")
            return
        result = send_watch_digests.using(run_after=run_after).enqueue(at=options["at"])
        self.stdout.write(
            f"Scheduled digests {result.id} at {run_after:%Y-%m-%d %H:%M} UTC, daily."
        )
