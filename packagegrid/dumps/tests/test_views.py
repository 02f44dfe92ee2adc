"""/data/: the last dump's files with sizes, date and checksums, and the files served."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.conftest import make_grid, make_package
from packagegrid.dumps.selectors import DumpFile, DumpManifest
from packagegrid.dumps.services import dump_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def dump_dir(tmp_path: Path, settings: Any) -> Path:
    directory = tmp_path / "dumps"
    settings.DUMP_DIR = directory
    return directory


def _dump(directory: Path, packages: int) -> DumpManifest:
    made = [make_package() for _ in range(packages)]
    make_grid(packages=made, features=2)
    return dump_write(directory=directory)


@pytest.mark.parametrize("packages", [1, 12])
def test_it_lists_the_files_with_sizes_date_and_checksums_without_a_query(
    client: Client,
    dump_dir: Path,
    django_assert_num_queries: DjangoAssertNumQueries,
    packages: int,
) -> None:
    manifest = _dump(dump_dir, packages)
    with django_assert_num_queries(0):
        response = client.get("/data/")
    assert response.status_code == 200
    html = response.content.decode()
    for file in manifest.files:
        assert file.sha256 in html
        assert f'href="/data/{file.name}"' in html
        assert f"{file.size:,} bytes" in html
    assert manifest.generated_at.date().isoformat() in html
    assert f'<td class="num">{packages}</td>' in html  # the package count
    assert "private" in response["Cache-Control"]  # never kept by the response cache


def test_it_says_when_no_dump_was_written(client: Client, dump_dir: Path) -> None:
    response = client.get("/data/")
    assert response.status_code == 200
    assert "No dump has been written yet" in response.content.decode()


def test_it_is_linked_from_the_footer(client: Client, dump_dir: Path) -> None:
    assert 'href="/data/"' in client.get("/about/").content.decode()


@pytest.mark.parametrize(
    ("name", "content_type", "attachment"),
    [
        ("packagegrid.jsonl.gz", "application/gzip", True),
        ("packagegrid.sqlite3", "application/vnd.sqlite3", True),
        ("LICENSE.txt", "text/plain; charset=utf-8", False),
    ],
)
def test_it_serves_each_file(
    client: Client, dump_dir: Path, name: str, content_type: str, attachment: bool
) -> None:
    manifest = _dump(dump_dir, 2)
    response = client.get(f"/data/{name}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(body).hexdigest() == next(
        f.sha256 for f in manifest.files if f.name == name
    )
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment" if attachment else "inline")


@pytest.mark.parametrize(
    "path",
    [
        "/data/manifest.json",
        "/data/.dump.lock",
        "/data/..",
        "/data/%2e%2e%2fsettings.py",
        "/data/..%2F..%2Fpackagegrid%2Fsettings.py",
        "/data/packagegrid.jsonl.gz.tmp",
        "/data/PACKAGEGRID.SQLITE3",
    ],
)
def test_it_serves_nothing_else(client: Client, dump_dir: Path, path: str) -> None:
    _dump(dump_dir, 1)
    (dump_dir / "packagegrid.jsonl.gz.tmp").write_text("partial")
    assert client.get(path).status_code == 404


def test_it_answers_404_for_a_file_not_written_yet(client: Client, dump_dir: Path) -> None:
    assert client.get("/data/packagegrid.sqlite3").status_code == 404


def test_it_refuses_writes(client: Client, dump_dir: Path) -> None:
    _dump(dump_dir, 1)
    assert client.post("/data/").status_code == 405
    assert client.post("/data/LICENSE.txt").status_code == 405


def test_it_shows_the_dump_time_in_utc_whatever_the_time_zone(
    client: Client, dump_dir: Path, settings: Any
) -> None:
    settings.TIME_ZONE = "America/New_York"
    dump_dir.mkdir(parents=True)
    manifest = DumpManifest(
        generated_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        duration_seconds=1.5,
        format_version=1,
        counts={"package": 7},
        files=(DumpFile(name="LICENSE.txt", size=10, sha256="ab" * 32),),
    )
    (dump_dir / "manifest.json").write_text(json.dumps(manifest.as_dict()))
    html = client.get("/data/").content.decode()
    assert '<time datetime="2026-01-02T03:04:05+00:00">' in html
    assert "3:04 a.m. UTC" in html
    assert "ab" * 32 in html
