"""Reading what the last dump wrote: its manifest, and the files /data/ may serve."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from packagegrid.dumps.schema import MANIFEST_NAME, PUBLISHED_FILES


@dataclass(frozen=True, slots=True)
class DumpFile:
    name: str
    size: int  # bytes
    sha256: str  # hex


@dataclass(frozen=True, slots=True)
class DumpManifest:
    """What one dump wrote, stored as `manifest.json` beside the files it lists."""

    generated_at: datetime
    duration_seconds: float
    format_version: int
    counts: dict[str, int]
    files: tuple[DumpFile, ...]

    @property
    def total_records(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["generated_at"] = self.generated_at.isoformat()
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> DumpManifest:
        """Raises KeyError, TypeError or ValueError when `values` is not a manifest."""
        return cls(
            generated_at=datetime.fromisoformat(values["generated_at"]),
            duration_seconds=float(values["duration_seconds"]),
            format_version=int(values["format_version"]),
            counts={str(kind): int(n) for kind, n in values["counts"].items()},
            files=tuple(
                DumpFile(name=str(f["name"]), size=int(f["size"]), sha256=str(f["sha256"]))
                for f in values["files"]
            ),
        )


def dump_manifest(*, directory: Path) -> DumpManifest | None:
    """The manifest of the last dump written to `directory`; None when there is none or
    it cannot be read (a directory never dumped to, a hand-edited file)."""
    try:
        values = json.loads((directory / MANIFEST_NAME).read_bytes())
        return DumpManifest.from_dict(values)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def dump_file_path(*, directory: Path, name: str) -> Path | None:
    """The path of a published dump file, or None when `name` is not one of
    `PUBLISHED_FILES` or the file does not exist.

    Only those fixed names are ever joined to the directory, so no request can reach
    another file (`..`, absolute paths and the manifest are all "not one of them").
    """
    if name not in PUBLISHED_FILES:
        return None
    path = directory / name
    return path if path.is_file() else None
