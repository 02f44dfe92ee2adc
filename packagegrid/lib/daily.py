"""Jobs the workers keep running on a schedule. A daily job runs at a fixed UTC time: the
task re-enqueues itself for the next day (`enqueue_next`), and one management command per
job starts the chain (`ScheduleDailyCommand`); `task_waiting` keeps every scheduling
command from starting a second chain."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def parse_time_of_day(text: str) -> time:
    """`HH:MM` (24-hour, UTC) as a time; raises ValueError for anything else."""
    hours, sep, minutes = text.partition(":")
    if not sep or not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"{text!r} is not a time of day (HH:MM, e.g. 03:00).")
    return time(int(hours), int(minutes), tzinfo=UTC)


def next_run_at(at: str, *, now: datetime) -> datetime:
    """The first moment after `now` whose UTC time of day is `at` (`HH:MM`)."""
    moment = parse_time_of_day(at)
    today = now.astimezone(UTC).date()
    candidate = datetime.combine(today, moment)
    return candidate if candidate > now else candidate + timedelta(days=1)


def task_waiting(task: Task[..., Any]) -> bool:
    """Whether a run of `task` is already enqueued: how a scheduling command avoids
    starting a second chain."""
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=task.module_path
    ).exists()


def enqueue_next(task: Task[..., Any], *, at: str) -> None:
    """Enqueue `task` (which takes `at`) for the next `at`: how a daily job keeps itself
    going."""
    task.using(run_after=next_run_at(at, now=timezone.now())).enqueue(at=at)


class ScheduleDailyCommand(BaseCommand):
    """`packagegrid schedule_<job> [--at HH:MM]`: enqueue `task` for the next --at time
    (UTC); the task re-enqueues itself for the same time every day. Does nothing when one
    is already waiting."""

    task: Task[..., Any]
    default_at: str
    job: str  # the job, for the output: "dump"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--at", default=self.default_at, help=f"time of day, HH:MM UTC ({self.default_at})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run_after = next_run_at(options["at"], now=timezone.now())
        except ValueError as error:
            raise CommandError(str(error)) from error
        if task_waiting(self.task):
            self.stdout.write(f"A {self.job} run is already scheduled; nothing to do.")
            return
        result = self.task.using(run_after=run_after).enqueue(at=options["at"])
        self.stdout.write(
            f"Scheduled {self.job} {result.id} at {run_after:%Y-%m-%d %H:%M} UTC, daily."
        )
