"""`packagegrid dump`: the public data set as JSON Lines and SQLite, with a manifest."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from packagegrid.dumps import services
from packagegrid.dumps.schema import KINDS_BY_NAME, json_text, sqlite_value
from packagegrid.dumps.selectors import dump_manifest
from packagegrid.dumps.tests.support import (
    PRIVATE_FLAG,
    SECRET_EMAIL,
    build_catalogue,
    jsonl_text,
    sqlite_rows,
)

pytestmark = pytest.mark.django_db


def _records(directory: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in jsonl_text(directory).splitlines()]


def test_it_writes_both_files_a_licence_and_a_manifest_with_checksums(tmp_path: Path) -> None:
    build_catalogue()
    out = StringIO()
    call_command("dump", str(tmp_path), stdout=out)
    manifest = dump_manifest(directory=tmp_path)
    assert manifest is not None
    assert [f.name for f in manifest.files] == [
        "packagegrid.jsonl.gz",
        "packagegrid.sqlite3",
        "LICENSE.txt",
    ]
    for file in manifest.files:
        content = (tmp_path / file.name).read_bytes()
        assert file.size == len(content)
        assert file.sha256 == hashlib.sha256(content).hexdigest()
        assert file.sha256 in out.getvalue()
    assert manifest.counts["package"] == 3
    assert manifest.counts["element"] == 5
    assert "CC0" in (tmp_path / "LICENSE.txt").read_text()
    assert "PyPI" in (tmp_path / "LICENSE.txt").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".dump.lock",
        "LICENSE.txt",
        "manifest.json",
        "packagegrid.jsonl.gz",
        "packagegrid.sqlite3",
    ]


def test_it_starts_with_a_meta_record_then_kinds_in_order_by_id(tmp_path: Path) -> None:
    build_catalogue()
    call_command("dump", str(tmp_path), stdout=StringIO())
    records = _records(tmp_path)
    meta = records[0]
    assert meta["kind"] == "meta"
    assert meta["format"] == "packagegrid-dump"
    assert meta["license"] == "CC0-1.0"
    assert "GitHub" in meta["attribution"]["repo_data"]
    kinds = [r["kind"] for r in records[1:]]
    assert kinds == sorted(kinds, key=list(KINDS_BY_NAME).index)
    assert {kind: kinds.count(kind) for kind in meta["counts"]} == meta["counts"]
    packages = [r for r in records if r["kind"] == "package"]
    assert [p["id"] for p in packages] == sorted(p["id"] for p in packages)
    assert packages[0]["created"] == "2026-01-02T03:04:05.678901Z"
    nouvelle = next(p for p in packages if p["slug"] == "nouvelle-chose")
    assert nouvelle["title"] == "Nouvelle chose ✓"
    assert nouvelle["documentation_url"] is None
    assert packages[0]["replaced_by_id"] == nouvelle["id"]


def test_it_writes_the_same_bytes_every_time(tmp_path: Path) -> None:
    build_catalogue()
    call_command("dump", str(tmp_path / "a"), stdout=StringIO())
    call_command("dump", str(tmp_path / "b"), stdout=StringIO())
    first = (tmp_path / "a" / "packagegrid.jsonl.gz").read_bytes()
    assert first == (tmp_path / "b" / "packagegrid.jsonl.gz").read_bytes()


def test_it_sorts_the_keys_inside_json_values(tmp_path: Path) -> None:
    build_catalogue()
    call_command("dump", str(tmp_path), stdout=StringIO())
    text = jsonl_text(tmp_path)
    assert '"project_urls":{"Docs":"https://example.org/d","Source":"https://example.org/s"}' in (
        text
    )


def test_it_keeps_private_data_out(tmp_path: Path) -> None:
    catalogue = build_catalogue()
    call_command("dump", str(tmp_path), stdout=StringIO())
    text = jsonl_text(tmp_path)
    assert SECRET_EMAIL not in text
    assert "@example.org" not in text
    assert "pbkdf2" not in text
    assert PRIVATE_FLAG not in text
    assert '"is_staff"' not in text
    favorites = [r for r in _records(tmp_path) if r["kind"] == "favorite"]
    assert [f["user_id"] for f in favorites] == [catalogue.alice.pk]
    database = (tmp_path / "packagegrid.sqlite3").read_bytes()
    assert SECRET_EMAIL.encode() not in database
    assert PRIVATE_FLAG.encode() not in database


def test_it_writes_the_same_records_to_sqlite(tmp_path: Path) -> None:
    build_catalogue()
    call_command("dump", str(tmp_path), stdout=StringIO())
    tables = sqlite_rows(tmp_path)
    records = _records(tmp_path)
    meta = records[0]
    assert dict(tables["meta"])["license"] == json_text("CC0-1.0")
    for name, kind in KINDS_BY_NAME.items():
        expected = [
            tuple(sqlite_value(c, r[c.name]) for c in kind.columns)
            for r in records
            if r["kind"] == name
        ]
        assert tables[name] == expected, name
        assert len(expected) == meta["counts"][name]


def test_it_keeps_the_last_dump_and_no_temporary_file_when_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_catalogue()
    call_command("dump", str(tmp_path), stdout=StringIO())
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def fail(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_sqlite_indexes", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        call_command("dump", str(tmp_path), stdout=StringIO())
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_it_writes_to_the_dump_dir_setting_by_default(tmp_path: Path, settings: Any) -> None:
    settings.DUMP_DIR = tmp_path / "var" / "dumps"
    build_catalogue()
    call_command("dump", stdout=StringIO())
    assert dump_manifest(directory=settings.DUMP_DIR) is not None
