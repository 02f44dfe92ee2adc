"""The nightly dump, run by `packagegrid worker` (see `packagegrid schedule_dump`)."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from packagegrid.dumps.services import dump_write
from packagegrid.lib.daily import enqueue_next


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
            enqueue_next(write_data_dumps, at=at)
