"""The daily digest job: a task run by a real worker that enqueues the next day's run."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from packagegrid.lib.daily import next_run_at
from packagegrid.watching.tasks import send_watch_digests
from packagegrid.watching.tests.support import make_events, make_settings


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_digest_once_and_schedules_the_next_day(
    alice: User, bob: User
) -> None:
    make_settings(alice, digest="daily", covered_until=timezone.now() - timedelta(days=1))
    make_events(alice, editor=bob)
    first = send_watch_digests.enqueue(at="07:00")
    again = send_watch_digests.enqueue()  # run twice: nothing is sent twice
    call_command("worker", batch=True, stdout=StringIO(), stderr=StringIO())
    assert len(mail.outbox) == 1
    assert "django-watched 2.0 released" in mail.outbox[0].body
    # Whichever ran first sent it; the other found the period claimed.
    results = sorted(
        DBTaskResult.objects.get(id=task.id).return_value or [] for task in (first, again)
    )
    assert results == [
        ["digests sent: 0, empty: 0, failed: 0"],
        ["digests sent: 1, empty: 0, failed: 0"],
    ]
    waiting = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert waiting.task_path == send_watch_digests.module_path
    assert waiting.run_after is not None
    assert (waiting.run_after.hour, waiting.run_after.minute) == (7, 0)


@pytest.mark.django_db
def test_scheduling_enqueues_one_run() -> None:
    out = StringIO()
    call_command("schedule_digests", at="07:00", stdout=out)
    call_command("schedule_digests", at="07:00", stdout=out)
    assert "Scheduled digests" in out.getvalue()
    assert "already scheduled" in out.getvalue()
    waiting = DBTaskResult.objects.get(task_path=send_watch_digests.module_path)
    assert waiting.run_after == next_run_at("07:00", now=timezone.now())


@pytest.mark.django_db
def test_scheduling_refuses_a_time_that_is_not_one() -> None:
    with pytest.raises(CommandError):
        call_command("schedule_digests", at="25:00")


@pytest.mark.django_db
def test_the_command_sends_due_digests(alice: User, bob: User) -> None:
    make_settings(alice, digest="daily", covered_until=timezone.now() - timedelta(days=1))
    make_events(alice, editor=bob)
    out = StringIO()
    call_command("send_digests", stdout=out)
    call_command("send_digests", stdout=out)
    assert out.getvalue().splitlines() == [
        "Digests sent: 1, empty: 0, failed: 0",
        "Digests sent: 0, empty: 0, failed: 0",
    ]
    assert len(mail.outbox) == 1
