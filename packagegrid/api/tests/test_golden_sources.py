"""Every golden file names what it was checked against (responses/SOURCES.md), and the
named real records still agree with it."""

from __future__ import annotations

import gzip
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from packagegrid.api.tests import golden
from packagegrid.api.tests.golden import RESPONSES, Source, assert_matches_golden, golden_sources

GOLDEN_FILES = sorted(path.name for path in RESPONSES.glob("*.json"))
SEED = "packagegrid/api/tests/fixtures/seed-package-3773.txt"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?(Z|[+-]\d\d:\d\d)$")
# The v4 fields a demo package keeps from its djangopackages.org record, as they are.
KEPT = [
    "id",
    "title",
    "slug",
    "repo_url",
    "repo_forks",
    "repo_description",
    "pypi_url",
    "documentation_url",
    "repo_watchers",
    "commits_over_52",
    "participants",
]
TIMES = ["last_updated", "last_fetched", "created", "modified"]


def _golden(name: str) -> Any:
    return json.loads((RESPONSES / name).read_text(encoding="utf-8"))


def _record(source: Source) -> dict[str, Any]:
    """The one record a record source names."""
    assert source.key is not None, f"{source.reference} names no record"
    key, value = source.key
    records: list[dict[str, Any]]
    if source.path.name.endswith(".txt"):  # a page as the browsable API shows it
        text = source.path.read_text(encoding="utf-8")
        records = [json.loads(text[text.index("{") :])]
    elif source.path.name.endswith(".gz"):
        with gzip.open(source.path, "rt", encoding="utf-8") as gzipped:
            records = [json.loads(line) for line in gzipped]
    else:
        text = source.path.read_text(encoding="utf-8")
        records = [json.loads(line) for line in text.splitlines()]
    found = [r for r in records if str(r.get(key)) == value]
    assert len(found) == 1, f"{source.reference}: {len(found)} records"
    return found[0]


def _records(name: str) -> list[dict[str, Any]]:
    return [_record(s) for s in golden_sources()[name] if s.kind == "record"]


def _instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def test_every_golden_file_names_a_source() -> None:
    sources = golden_sources()
    assert GOLDEN_FILES, "no golden files found"
    assert [name for name in GOLDEN_FILES if not sources.get(name)] == []
    assert sorted(set(sources) - set(GOLDEN_FILES)) == [], "sources of files that do not exist"


@pytest.mark.parametrize(
    "source",
    [s for sources in golden_sources().values() for s in sources if s.kind == "record"],
    ids=lambda s: s.reference,
)
def test_every_record_source_names_one_existing_record(source: Source) -> None:
    assert source.path.is_file(), source.reference
    assert _record(source)


def test_every_spec_source_quotes_the_line() -> None:
    for name, sources in golden_sources().items():
        for source in sources:
            if source.kind == "spec":
                assert re.match(r'SPEC\.md §\d+ \S+: ".{20,}"$', source.reference), name


def test_the_v4_packages_have_the_seed_records_shape() -> None:
    (seed,) = _records("packages-list.json")
    assert golden_sources()["packages-list.json"][0].reference.startswith(SEED)
    nullable = {"documentation_url", "pypi_version", "last_updated"}
    packages = _golden("packages-list.json")["results"]
    assert packages
    for package in packages:
        assert list(package) == list(seed)
        for key, value in package.items():
            if value is None:
                assert key in nullable, key
            else:
                assert type(value) is type(seed[key]), key
        assert re.fullmatch(r"http://testserver/api/v4/categories/\d+/", package["category"])
        assert all(
            re.fullmatch(r"http://testserver/api/v4/grids/\d+/", link) for link in package["grids"]
        )
        assert len(package["commits_over_52"]) == len(seed["commits_over_52"]) == 52
        assert all(type(n) is int for n in package["commits_over_52"])
        assert all(TIMESTAMP.match(package[key]) for key in TIMES if package[key] is not None)
        if package["last_updated"] is not None:
            assert "." not in package["last_updated"]  # whole seconds, as in the seed
    assert "." not in seed["last_updated"]


@pytest.mark.parametrize(
    "name", ["v5-package-openwisp-users.json", "v5-package-django-valkey.json"]
)
def test_the_v5_demo_packages_carry_their_real_records(name: str) -> None:
    record, pypi = _records(name)
    golden = _golden(name)
    assert {key: golden[key] for key in KEPT} == {key: record[key] for key in KEPT}
    assert [_instant(golden[key]) for key in TIMES] == [_instant(record[key]) for key in TIMES]
    assert golden["pypi_version"] == pypi["json"]["info"]["version"]
    assert golden["category"].rsplit("/", 2)[-2] == record["category"].rsplit("/", 2)[-2]


def test_the_comparison_fails_on_the_same_keys_in_another_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    body = _golden("categories-list.json")
    reordered = {key: body[key] for key in reversed(list(body))}
    assert reordered == body
    with pytest.raises(AssertionError, match=r"key order differs from categories-list\.json"):
        assert_matches_golden(reordered, "categories-list")


def test_the_comparison_fails_for_a_golden_file_without_a_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    text = golden.SOURCES.read_text(encoding="utf-8")
    unnamed = tmp_path / "SOURCES.md"
    unnamed.write_text(text.replace("## categories-list.json", "## elsewhere.json"))
    monkeypatch.setattr(golden, "SOURCES", unnamed)
    with pytest.raises(AssertionError, match=r"categories-list\.json names no source"):
        assert_matches_golden(_golden("categories-list.json"), "categories-list")
