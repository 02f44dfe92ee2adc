"""The change feed under concurrent writers: a polling reader sees every committed change
exactly once and never a rolled-back one.

On PostgreSQL the writers are threads of this process with their own connections. On
SQLite the test database lives in memory, where threads do not share it as the site's
file does, so the drill runs in a `packagegrid changes_drill` process on a temporary
SQLite file with the site's settings (WAL, IMMEDIATE transactions).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, transaction

from packagegrid.changes.drill import FeedReader, feed_drill, run_in_thread
from packagegrid.changes.models import Change
from packagegrid.changes.services import change_record


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
@pytest.mark.cluster_alone
def test_a_change_committed_late_with_a_lower_id_is_not_missed() -> None:
    if not _on_postgresql():
        pytest.skip("SQLite serialises writers: a lower id cannot commit later")
    reader = FeedReader()
    first_inserted = threading.Event()
    release_slow = threading.Event()  # set by this test once it has looked

    # The changes are recorded directly: saving categories would also update the one
    # content-version row (packagegrid.caching), whose lock would serialise the two.
    def slow() -> None:
        with transaction.atomic():
            change_record(kind="category", object_id=1, action="create")
            first_inserted.set()
            release_slow.wait(10)

    def fast() -> None:
        first_inserted.wait(10)
        with transaction.atomic():
            change_record(kind="category", object_id=2, action="create")

    slow_thread, fast_thread = run_in_thread(slow), run_in_thread(fast)
    fast_thread.join(10)
    # The fast transaction committed; the slow one, which took the lower id, has not.
    assert list(Change.objects.values_list("object_id", flat=True)) == [2]
    reader.drain()
    assert reader.seen == []  # held back until every older transaction ended
    release_slow.set()
    slow_thread.join(10)
    reader.drain()
    assert reader.seen == [("category", 1, "create"), ("category", 2, "create")]
    change_ids = dict(Change.objects.values_list("object_id", "id"))
    assert change_ids[1] < change_ids[2]  # the ids were taken in that order


@pytest.mark.django_db(transaction=True)
@pytest.mark.cluster_alone
def test_a_polling_reader_sees_every_committed_change_exactly_once_on_postgresql() -> None:
    if not _on_postgresql():
        pytest.skip("the SQLite drill runs in its own process (next test)")
    result = feed_drill(writers=4, transactions=15)
    assert result.errors == []
    assert len(result.committed) == 4 * 12 * 2  # every fifth transaction rolled back
    assert result.polls > 1
    assert result.missed == [] and result.unexpected == []
    assert sorted(result.seen) == sorted(result.committed)


def test_a_polling_reader_sees_every_committed_change_exactly_once_on_sqlite(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'drill.sqlite3'}"}
    run = [sys.executable, "-m", "packagegrid"]
    subprocess.run([*run, "migrate", "-v0"], env=env, check=True, timeout=120)
    done = subprocess.run(
        [*run, "changes_drill", "--writers", "4", "--transactions", "15"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    assert summary["committed"] == summary["seen"] == 4 * 12 * 2
    assert summary["missed"] == summary["unexpected"] == 0
