"""The nightly dump: a task run by the workers that enqueues the next night's run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from packagegrid.conftest import make_package
from packagegrid.dumps.selectors import dump_manifest
from packagegrid.dumps.tasks import write_data_dumps
from packagegrid.lib.daily import next_run_at


def _utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "at", "expected"),
    [
        (_utc(2026, 3, 1, 2, 59), "03:00", _utc(2026, 3, 1, 3, 0)),
        (_utc(2026, 3, 1, 3, 0), "03:00", _utc(2026, 3, 2, 3, 0)),
        (_utc(2026, 12, 31, 23, 0), "00:30", _utc(2027, 1, 1, 0, 30)),
    ],
)
def test_it_picks_the_next_such_time_of_day(now: datetime, at: str, expected: datetime) -> None:
    assert next_run_at(at, now=now) == expected


@pytest.mark.parametrize("at", ["3", "25:00", "03:60", "3:5", "noon", ""])
def test_scheduling_refuses_a_time_that_is_not_one(at: str) -> None:
    with pytest.raises(CommandError):
        call_command("schedule_dump", at=at)


@pytest.mark.django_db
def test_scheduling_enqueues_one_dump_for_the_next_night() -> None:
    out = StringIO()
    call_command("schedule_dump", at="03:00", stdout=out)
    call_command("schedule_dump", at="03:00", stdout=out)
    assert "Scheduled dump" in out.getvalue()
    assert "already scheduled" in out.getvalue()
    waiting = DBTaskResult.objects.get(task_path=write_data_dumps.module_path)
    assert waiting.status == TaskResultStatus.READY
    assert waiting.run_after == next_run_at("03:00", now=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_the_worker_writes_the_dumps_and_enqueues_the_next_night(
    tmp_path: Path, settings: Any
) -> None:
    settings.DUMP_DIR = tmp_path
    make_package(slug="nightly")
    result = write_data_dumps.enqueue(at="03:00")
    call_command("worker", batch=True, stdout=StringIO(), stderr=StringIO())
    manifest = dump_manifest(directory=tmp_path)
    assert manifest is not None
    assert manifest.counts["package"] == 1
    done = DBTaskResult.objects.get(id=result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value is not None
    assert any("packagegrid.jsonl.gz" in line for line in done.return_value)
    waiting = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert waiting.task_path == write_data_dumps.module_path
    assert waiting.run_after is not None
    assert done.finished_at is not None
    assert waiting.run_after - done.finished_at <= timedelta(days=1)
    assert (waiting.run_after.hour, waiting.run_after.minute) == (3, 0)
