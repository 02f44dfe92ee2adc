"""The nightly dump, run by `packagegrid worker` (see `packagegrid schedule_dump`)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from packagegrid.dumps.services import dump_write


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


@task()
def write_data_dumps(at: str = "") -> list[str]:
    """Write the dumps to DUMP_DIR; returns what was written.

    With `at` (`HH:MM`, UTC), enqueue the next run for the next such time, so that one
    enqueued run keeps the dumps written every night (see `packagegrid schedule_dump`).
    """
    try:
        manifest = dump_write(directory=settings.DUMP_DIR)
        return [
            f"{file.name}: {file.size} bytes, sha256 {file.sha256}" for file in manifest.files
        ] + [f"records: {manifest.total_records}, {manifest.duration_seconds} s"]
    finally:
        if at:
            write_data_dumps.using(run_after=next_run_at(at, now=timezone.now())).enqueue(at=at)
