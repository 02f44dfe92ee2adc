"""Counters are shared by separate OS processes, as gunicorn's workers are.

Each store gets a database of its own, migrated by `packagegrid migrate` (which creates
the cache table), then several processes count the same subject at the same moment.
Every count from 1 to the total must be handed out exactly once: no two processes saw the
same value (no lost update) and no process counted alone (a shared store).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
import redis

from packagegrid.limits.tests.conftest import REDIS_URL, redis_available

PROCESSES = 4
HITS = 50

COUNTER = """
import json, sys, time, django
django.setup()
from packagegrid.limits.services import limit_hit
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.005)
print(json.dumps([limit_hit(scope=sys.argv[1], subject="x", period=600) for _ in range({hits})]))
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="packagegrid.settings", DEBUG="1", **extra)
    return env


def _migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "packagegrid", "migrate", "--noinput", "-v0"],
        env=env,
        check=True,
        timeout=300,
    )


def _count_in_processes(env: dict[str, str]) -> list[int]:
    import time

    scope = f"xproc-{uuid.uuid4().hex}"
    start = str(time.time() + 3)  # every process is set up before the first one counts
    code = COUNTER.format(hits=HITS)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, scope, start],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    counts: list[int] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        counts += json.loads(out)
    return counts


def test_processes_share_one_counter_in_the_sqlite_database(tmp_path: Path) -> None:
    env = _env(DATABASE_URL=f"sqlite:///{tmp_path / 'limits.sqlite3'}")
    _migrate(env)
    counts = _count_in_processes(env)
    assert sorted(counts) == list(range(1, PROCESSES * HITS + 1))


def test_processes_share_one_counter_in_postgresql() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...)")
    base, _, name = url.rpartition("/")
    name = f"{name.split('?')[0]}_limits_processes"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = _env(DATABASE_URL=f"{base}/{name}")
        _migrate(env)
        counts = _count_in_processes(env)
        assert sorted(counts) == list(range(1, PROCESSES * HITS + 1))
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_processes_share_one_counter_in_redis(tmp_path: Path) -> None:
    if not redis_available():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    env = _env(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}", REDIS_URL=REDIS_URL)
    counts = _count_in_processes(env)
    assert sorted(counts) == list(range(1, PROCESSES * HITS + 1))
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter("packagegrid-limits:*:limit:xproc-*"):
        client.delete(key)
