"""A local stand-in for GitHub's REST API, PyPI's JSON API and pypistats.org, over real HTTP.

Used by the end-to-end fetch tests and by `make bench-fetch`. Every repository
`owner/name` and every PyPI project exists, with numbers derived from its name, so that a
test can compute what the API must then serve. Responses carry stable ETags and answer
304 to a matching `If-None-Match`; `latency` adds a delay per request, `failure_rate`
makes that share of requests fail (500, malformed JSON or a 404 on the repository).
`overrides` replaces fields of one answer, by path: `{"/pypi/x/json": {"info": {...}}}`
merges into PyPI's `info` of project x, `{"/repos/o/n": {...}}` into the repository.

For discovery, `simple_projects` names `pypi-project-0` ... on the Simple API's JSON
project list (PEP 691, `/simple/`); each of those says whether it is a Django package
through its seed (`discovery_kind`). Every JSON document carries a `last_serial`; raising
`generation` changes the serial (and so the document) of one project in twenty.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

EPOCH = datetime(2026, 11, 1, tzinfo=UTC)


def _seed(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.lower().encode()).digest()[:4], "big")


def repo_numbers(owner: str, name: str) -> dict[str, Any]:
    """What the fake GitHub says about a repository (the expected values in tests)."""
    seed = _seed(f"{owner}/{name}")
    rng = random.Random(seed)
    weeks = [rng.randint(0, 9) for _ in range(52)]
    return {
        "stars": seed % 5000,
        "forks": seed % 300,
        "description": f"The {name} package",
        "commits_over_52": weeks,
        "participants": [f"{name}-dev{i}" for i in range(1 + seed % 5)],
        "last_commit_at": EPOCH - timedelta(hours=seed % 500),
        "total_commits": 100 + seed % 900,
    }


def pypi_numbers(name: str) -> dict[str, Any]:
    """What the fake PyPI says about a project."""
    seed = _seed(name)
    count = 1 + seed % 4
    return {
        "versions": [f"1.{i}.0" for i in range(count)],
        "latest_version": f"1.{count - 1}.0",
        "uploaded": [EPOCH - timedelta(days=30 * (count - i)) for i in range(count)],
    }


DISCOVERY_PREFIX = "pypi-project-"


def discovery_kind(name: str) -> str:
    """What a discovery project is: "classifier" (Framework :: Django), "requirement"
    (requires Django), "extra" (Django only in an extra) or "other"; one in twenty of each
    of the first three."""
    if not name.startswith(DISCOVERY_PREFIX):
        return "classifier"
    return {0: "classifier", 1: "requirement", 2: "extra"}.get(_seed(name) % 20, "other")


def project_serial(name: str, generation: int = 0) -> int:
    """The project's `last_serial`: one project in twenty changes with `generation`."""
    seed = _seed(name)
    return 1000 + seed % 1_000_000 + (generation if seed % 23 == 0 else 0)


def simple_index(count: int, generation: int = 0) -> dict[str, Any]:
    names = [f"{DISCOVERY_PREFIX}{i}" for i in range(count)]
    return {
        "meta": {"api-version": "1.1", "_last-serial": 10_000_000 + generation},
        "projects": [{"name": n, "_last-serial": project_serial(n, generation)} for n in names],
    }


# pypistats serves about 180 days of daily downloads, up to the day before the last update.
PYPISTATS_DAYS = 180


def downloads_numbers(name: str) -> dict[str, Any]:
    """What the fake pypistats says about a project (PEP 503-normalised `name`)."""
    seed = _seed(name)
    rng = random.Random(seed)
    base = 10 + seed % 2000
    last = EPOCH.date() - timedelta(days=1)
    daily = [
        (last - timedelta(days=PYPISTATS_DAYS - 1 - i), base + rng.randint(0, base))
        for i in range(PYPISTATS_DAYS)
    ]
    counts = [downloads for _, downloads in daily]
    return {
        "daily": daily,
        "last_day": counts[-1],
        "last_week": sum(counts[-7:]),
        "last_month": sum(counts[-30:]),
    }


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeProviders:
    """Serves the fake APIs on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, *, latency: float = 0.0, failure_rate: float = 0.0, seed: int = 1) -> None:
        self.latency = latency
        self.failure_rate = failure_rate
        self.random = random.Random(seed)
        self.requests = 0
        self.not_modified = 0
        self.overrides: dict[str, dict[str, Any]] = {}
        self.simple_projects = 0
        self.generation = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeProviders:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _fails(self) -> str:
        with self._lock:
            self.requests += 1
            if self.failure_rate and self.random.random() < self.failure_rate:
                return self.random.choice(["500", "malformed", "404"])
        return ""

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        providers = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if providers.latency:
                    time.sleep(providers.latency)
                fault = providers._fails()
                parts = urlsplit(self.path)
                if fault == "500":
                    return self._send(500, b'{"message": "Server Error"}')
                body = _override(
                    simple_index(providers.simple_projects, providers.generation)
                    if parts.path == "/simple/"
                    else _route(parts.path, parse_qs(parts.query), providers.generation),
                    providers.overrides.get(parts.path),
                )
                if body is None or (fault == "404" and "/repos/" in parts.path):
                    return self._send(404, b'{"message": "Not Found"}')
                data = json.dumps(body).encode()
                if fault == "malformed":
                    return self._send(200, data[: len(data) // 2])
                etag = '"' + hashlib.md5(data).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    with providers._lock:
                        providers.not_modified += 1
                    return self._send(304, b"", etag)
                return self._send(200, data, etag)

            def _send(self, status: int, data: bytes, etag: str = "") -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-RateLimit-Limit", "5000")
                self.send_header("X-RateLimit-Remaining", "4999")
                self.send_header("X-RateLimit-Reset", str(int(time.time()) + 3600))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _route(path: str, query: dict[str, list[str]], generation: int = 0) -> Any:
    """The JSON body for a path, or None for 404."""
    segments = [s for s in path.split("/") if s]
    if segments[:2] == ["api", "packages"] and len(segments) == 4:
        return _pypistats_body(segments[2], segments[3])
    if segments[:1] == ["pypi"] and len(segments) == 3 and segments[2] == "json":
        return _pypi_body(segments[1], generation)
    if segments[:1] != ["repos"] or len(segments) < 3:
        return None
    owner, name, rest = segments[1], segments[2], segments[3:]
    numbers = repo_numbers(owner, name)
    if not rest:
        return {
            "id": _seed(f"{owner}/{name}"),
            "full_name": f"{owner}/{name}",
            "html_url": f"https://github.com/{owner}/{name}",
            "description": numbers["description"],
            "stargazers_count": numbers["stars"],
            "forks_count": numbers["forks"],
            "open_issues_count": 3,
            "archived": False,
            "default_branch": "main",
            "homepage": None,
            "license": {"key": "mit", "name": "MIT License", "spdx_id": "MIT"},
            "pushed_at": _iso(numbers["last_commit_at"]),
        }
    if rest == ["stats", "commit_activity"]:
        start = EPOCH - timedelta(weeks=52)
        return [
            {"total": total, "week": int((start + timedelta(weeks=i)).timestamp()), "days": [0] * 7}
            for i, total in enumerate(numbers["commits_over_52"])
        ]
    if rest == ["contributors"]:
        return [
            {"login": login, "id": i, "type": "User", "contributions": 100 - i}
            for i, login in enumerate(numbers["participants"])
        ]
    if rest == ["commits"]:
        date = _iso(numbers["last_commit_at"])
        person = {"name": "Dev", "email": "dev@example.com", "date": date}
        return [{"sha": "0" * 40, "commit": {"author": person, "committer": person}}]
    return None


def _override(body: Any, changes: dict[str, Any] | None) -> Any:
    """`body` with `changes` merged in (one level deep for nested objects)."""
    if not changes or not isinstance(body, dict):
        return body
    merged = dict(body)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _pypistats_body(name: str, endpoint: str) -> dict[str, Any] | None:
    numbers = downloads_numbers(name)
    if endpoint == "recent":
        data: Any = {k: numbers[k] for k in ("last_day", "last_month", "last_week")}
        return {"data": data, "package": name, "type": "recent_downloads"}
    if endpoint == "overall":
        data = [
            {"category": "without_mirrors", "date": day.isoformat(), "downloads": downloads}
            for day, downloads in numbers["daily"]
        ]
        return {"data": data, "package": name, "type": "overall_downloads"}
    return None


def _pypi_body(name: str, generation: int = 0) -> dict[str, Any]:
    numbers = pypi_numbers(name)
    kind = discovery_kind(name)
    releases = {
        version: [
            {
                "filename": f"{name}-{version}.tar.gz",
                "upload_time_iso_8601": uploaded.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "yanked": False,
            }
        ]
        for version, uploaded in zip(numbers["versions"], numbers["uploaded"], strict=True)
    }
    return {
        "info": {
            "name": name,
            "version": numbers["latest_version"],
            "summary": f"The {name} package",
            "classifiers": [
                "Development Status :: 5 - Production/Stable",
                *(["Framework :: Django :: 5.2"] if kind == "classifier" else []),
                "Programming Language :: Python :: 3.12",
            ],
            "requires_dist": {
                "requirement": ["Django>=4.2"],
                "extra": ['Django>=4.2; extra == "django"'],
            }.get(kind),
            "description": f"# {name}\n\nA package.\n",
            "requires_python": ">=3.10",
            "license": "MIT",
            "license_expression": None,
            "project_urls": {"Documentation": f"https://{name}.readthedocs.io/"},
            "docs_url": None,
            "yanked": False,
        },
        "releases": releases,
        "urls": [],
        "last_serial": project_serial(name, generation),
    }


def main() -> None:
    """Serve the fake APIs until killed: `python -m packagegrid.benchmarks.fake_providers`.

    Prints the base URL on the first line of standard output, so that a benchmark can run
    the server in its own process and measure only its own CPU time.
    """
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--failure-rate", type=float, default=0.0)
    parser.add_argument("--simple-projects", type=int, default=0)
    parser.add_argument("--generation", type=int, default=0)
    args = parser.parse_args()
    with FakeProviders(latency=args.latency, failure_rate=args.failure_rate) as fake:
        fake.simple_projects, fake.generation = args.simple_projects, args.generation
        print(fake.url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            sys.exit(0)


if __name__ == "__main__":
    main()
