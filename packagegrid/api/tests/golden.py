"""Golden-file comparison for API responses.

`assert_matches_golden(data, "name")` compares `data` with `responses/name.json`: the
values and the key order of every object (the JSON text must be the same). Each golden
file names what it was checked against in `responses/SOURCES.md`: a real record, or the
spec line that defines the shape (see `golden_sources`).

Run the tests with UPDATE_GOLDEN=1 to rewrite the files after an intended change, then
review the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESPONSES = Path(__file__).parent / "responses"
SOURCES = RESPONSES / "SOURCES.md"
# The repository's root: record sources name files relative to it.
ROOT = Path(__file__).resolve().parents[3]

_SECTION = re.compile(r"^## (?P<name>\S+\.json)\s*$")
_SOURCE = re.compile(r"^Source: (?P<kind>record|spec) (?P<reference>\S.*)$")
_RECORD = re.compile(r"^(?P<path>\S+)(?: (?P<key>id|name)=(?P<value>\S+))?$")


@dataclass(frozen=True, slots=True)
class Source:
    """What a golden file was checked against: a real `record` (a file of this repository,
    and the record's id or name in it) or a `spec` line (quoted)."""

    kind: str
    reference: str

    @property
    def path(self) -> Path:
        """The record's file (record sources only)."""
        match = _RECORD.match(self.reference)
        assert match is not None, f"not a file reference: {self.reference}"
        return ROOT / match["path"]

    @property
    def key(self) -> tuple[str, str] | None:
        """("id", "3773") or ("name", "django-valkey"), when the source names one record."""
        match = _RECORD.match(self.reference)
        assert match is not None, f"not a file reference: {self.reference}"
        return (match["key"], match["value"]) if match["key"] else None


def golden_sources() -> dict[str, list[Source]]:
    """The sources SOURCES.md names, by golden file name."""
    sources: dict[str, list[Source]] = {}
    current: list[Source] | None = None
    for line in SOURCES.read_text(encoding="utf-8").splitlines():
        if section := _SECTION.match(line):
            current = sources.setdefault(section["name"], [])
        elif (source := _SOURCE.match(line)) and current is not None:
            current.append(Source(source["kind"], source["reference"].strip()))
    return sources


def assert_matches_golden(data: Any, name: str) -> None:
    path = RESPONSES / f"{name}.json"
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        RESPONSES.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert data == json.loads(expected), f"response differs from {path.name}"
    assert text == expected, f"key order differs from {path.name}"
    assert golden_sources().get(path.name), f"{path.name} names no source in {SOURCES.name}"
