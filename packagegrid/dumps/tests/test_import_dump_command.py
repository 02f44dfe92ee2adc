"""`packagegrid import_dump`: a dump restored into an empty database, exactly."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from packagegrid.catalog.models import Package
from packagegrid.conftest import make_package
from packagegrid.dumps.schema import KINDS
from packagegrid.dumps.tests.support import (
    build_catalogue,
    database_rows,
    empty_the_database,
    jsonl_text,
    sqlite_rows,
)
from packagegrid.health.models import ProductSupport
from packagegrid.search.models import SearchDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def dumped(tmp_path: Path) -> Path:
    """A dump of the test catalogue in tmp_path/first, the database emptied after it."""
    build_catalogue()
    call_command("dump", str(tmp_path / "first"), stdout=StringIO())
    empty_the_database()
    return tmp_path / "first"


def _database_is_empty() -> bool:
    return not any(kind.model._default_manager.exists() for kind in KINDS)


def test_it_round_trips_byte_for_byte(tmp_path: Path) -> None:
    build_catalogue()
    call_command("dump", str(tmp_path / "first"), stdout=StringIO())
    before = database_rows()
    empty_the_database()
    assert _database_is_empty()

    out = StringIO()
    call_command("import_dump", str(tmp_path / "first" / "packagegrid.jsonl.gz"), stdout=out)
    call_command("dump", str(tmp_path / "second"), stdout=StringIO())

    assert "package 3" in out.getvalue()
    assert jsonl_text(tmp_path / "second") == jsonl_text(tmp_path / "first")
    first = (tmp_path / "first" / "packagegrid.jsonl.gz").read_bytes()
    assert (tmp_path / "second" / "packagegrid.jsonl.gz").read_bytes() == first
    assert sqlite_rows(tmp_path / "second") == sqlite_rows(tmp_path / "first")
    assert database_rows() == before


def test_it_moves_id_sequences_past_the_imported_ids(dumped: Path) -> None:
    call_command("import_dump", str(dumped / "packagegrid.jsonl.gz"), stdout=StringIO())
    highest = max(Package.objects.values_list("id", flat=True))
    assert make_package(slug="after-import").pk > highest


def test_it_rewrites_the_readiness_pages_read_model(dumped: Path) -> None:
    call_command("import_dump", str(dumped / "packagegrid.jsonl.gz"), stdout=StringIO())
    # support.build_catalogue declares Django 5.2 for one package only.
    rows = ProductSupport.objects.values_list("package__slug", "product", "versions")
    assert list(rows) == [("nouvelle-chose", "django", " 5.2 ")]


def test_it_gives_imported_people_no_password_and_no_email(dumped: Path) -> None:
    call_command("import_dump", str(dumped / "packagegrid.jsonl.gz"), stdout=StringIO())
    alice = User.objects.get(username="alice")
    assert not alice.has_usable_password()
    assert alice.email == ""
    assert not User.objects.filter(is_staff=True).exists()


def test_it_rebuilds_the_search_index(dumped: Path) -> None:
    call_command("import_dump", str(dumped / "packagegrid.jsonl.gz"), stdout=StringIO())
    assert SearchDocument.objects.filter(kind="package").count() == 3
    assert SearchDocument.objects.filter(kind="grid").count() == 2


def test_it_refuses_a_database_that_is_not_empty(dumped: Path) -> None:
    make_package(slug="already-here")
    with pytest.raises(CommandError, match=r"not empty: it has rows of category \(1\), package"):
        call_command("import_dump", str(dumped / "packagegrid.jsonl.gz"))
    assert list(Package.objects.values_list("slug", flat=True)) == ["already-here"]


def test_it_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_dump", str(tmp_path / "nothing.jsonl.gz"))


Edit = Callable[[list[str]], list[str]]


def _replace_first(kind: str, key: str, value: object) -> Edit:
    def edit(lines: list[str]) -> list[str]:
        for i, line in enumerate(lines):
            record = json.loads(line)
            if record["kind"] == kind:
                record[key] = value
                lines[i] = json.dumps(record)
                return lines
        raise AssertionError(kind)

    return edit


def _drop_key(kind: str, key: str) -> Edit:
    def edit(lines: list[str]) -> list[str]:
        i = next(i for i, line in enumerate(lines) if json.loads(line)["kind"] == kind)
        record = json.loads(lines[i])
        del record[key]
        lines[i] = json.dumps(record)
        return lines

    return edit


BAD_FILES: dict[str, tuple[Edit, str]] = {
    "bad JSON": (lambda lines: [*lines[:3], "{not json", *lines[4:]], "line 4: not JSON"),
    "not an object": (lambda lines: [*lines[:2], "[1, 2]", *lines[3:]], "line 3: not a JSON"),
    "no meta record": (lambda lines: lines[1:], "line 1: not a packagegrid-dump file"),
    "another version": (
        _replace_first("meta", "format_version", 99),
        "format version 99; this site reads version 1",
    ),
    "unknown kind": (_replace_first("package", "kind", "plugin"), "unknown kind 'plugin'"),
    "missing field": (_drop_key("package", "slug"), "package record lacks slug"),
    "unknown field": (_replace_first("grid", "owner", "x"), "grid record has unknown owner"),
    "wrong type": (_replace_first("package", "category_id", "1"), "category_id: expected an"),
    "null not allowed": (_replace_first("package", "title", None), "title: null is not allowed"),
    "too long": (_replace_first("category", "slug", "x" * 51), "slug: longer than 50"),
    "bad time": (_replace_first("release", "uploaded_at", "yesterday"), "not an ISO 8601 time"),
    "time without zone": (
        _replace_first("release", "uploaded_at", "2026-01-02T03:04:05"),
        "needs its offset",
    ),
    "bad date": (
        _replace_first("weekly_downloads", "week", "20260302"),
        r"week: not a date \(YYYY-MM-DD\)",
    ),
    "negative count": (_replace_first("repo_data", "stars", -1), "stars: expected a positive"),
    "out of order": (
        lambda lines: [lines[0], *reversed(lines[1:])],
        "after element records; kinds must come in the format's order",
    ),
    "truncated": (lambda lines: lines[:-3], "does not hold the rows its first line counts"),
    "duplicate": (lambda lines: [*lines, lines[-1]], r"up to line \d+: the database refused"),
    "dangling reference": (
        _replace_first("release", "package_id", 987654),
        "refers to a row the dump does not hold",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_it_refuses_a_bad_file_and_writes_nothing(dumped: Path, tmp_path: Path, case: str) -> None:
    edit, message = BAD_FILES[case]
    lines = jsonl_text(dumped).splitlines()
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress(("\n".join(edit(lines)) + "\n").encode()))
    with pytest.raises(CommandError, match=message):
        call_command("import_dump", str(bad))
    assert _database_is_empty()


def test_it_refuses_a_file_that_is_not_gzip_or_is_cut_short(dumped: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain.jsonl.gz"
    plain.write_text(jsonl_text(dumped))
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_dump", str(plain))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(jsonl_text(dumped).encode()[:-5]))
    with pytest.raises(CommandError, match="the last line is cut off"):
        call_command("import_dump", str(cut))
    assert _database_is_empty()
