"""Helpers shared by the API client tests that run against pytest-httpserver."""

import threading
import time

from django.test.utils import CaptureQueriesContext
from pytest_httpserver import HTTPServer

from packagegrid.fetchers.http import HttpClient


def quick_client(sleeps: list[float] | None = None) -> HttpClient:
    return HttpClient(retries=2, backoff=0.01, sleep=(sleeps if sleeps is not None else []).append)


def drain(api: HTTPServer, released: threading.Event, *, requests: int) -> None:
    """Let the one-at-a-time test server answer the abandoned attempts before the next test.

    Otherwise they reach it after this test's handlers are gone and fail the next test.
    """
    released.set()
    deadline = time.monotonic() + 5
    while len(api.log) < requests and time.monotonic() < deadline:
        time.sleep(0.01)


def table_writes(queries: CaptureQueriesContext) -> list[str]:
    """The writes among captured statements, as "VERB table" ("UPDATE fetchers_fetchstate")."""
    writes = []
    for query in queries.captured_queries:
        words = query["sql"].replace('"', "").replace("`", "").split()
        verb = words[0].upper()
        if verb == "UPDATE":
            writes.append(f"UPDATE {words[1]}")
        elif verb in {"INSERT", "DELETE"}:  # INSERT INTO t, DELETE FROM t
            writes.append(f"{verb} {words[2]}")
    return writes


# A valid SPDX expression too long for the licence column: fetching must refuse it for its
# package alone. (An invalid expression is no licence at all, so it would not do.)
TOO_LONG_LICENSE_EXPRESSION = " OR ".join(f"LicenseRef-Custom-{n}" for n in range(30))
