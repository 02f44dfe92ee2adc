"""Writing the public data set as dump files, and restoring one into an empty database."""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import io
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils import timezone

from packagegrid.caching.bulk import after_bulk_write
from packagegrid.catalog.models import Package
from packagegrid.dumps.schema import (
    ATTRIBUTION,
    FORMAT,
    FORMAT_VERSION,
    JSONL_NAME,
    KINDS,
    KINDS_BY_MODEL,
    KINDS_BY_NAME,
    LICENSE_ID,
    LICENSE_NAME,
    LICENSE_SUMMARY,
    MANIFEST_NAME,
    PUBLISHED_FILES,
    SQLITE_NAME,
    Kind,
    RecordError,
    decode,
    encode,
    json_text,
    sqlite_value,
)
from packagegrid.dumps.selectors import DumpFile, DumpManifest
from packagegrid.health.services import product_support_store

CHUNK = 2000
# gzip's own default level: level 9 makes the file about 3% smaller and the dump
# several seconds slower.
GZIP_LEVEL = 6


class DumpError(Exception):
    """A dump cannot be imported: the database is not empty, or the file is not a
    complete, valid dump. Nothing was written."""


# --- writing -------------------------------------------------------------------------------


def dump_write(*, directory: Path) -> DumpManifest:
    """Write the public data set to `directory` and return the manifest written beside it.

    Writes `packagegrid.jsonl.gz`, `packagegrid.sqlite3`, `LICENSE.txt`, then
    `manifest.json` (sizes and SHA-256 checksums). Each file is written under a temporary
    name in `directory` and renamed over the old one, so a reader never sees a partial
    file; two dumps into one directory take turns (a lock file). Every row is read in one
    transaction, so the files are one consistent state of the database. The same data
    always gives the same `packagegrid.jsonl.gz`, byte for byte.
    """
    directory.mkdir(parents=True, exist_ok=True)
    generated_at = timezone.now()
    started = time.monotonic()
    with _directory_lock(directory), _read_snapshot():
        counts = {kind.name: kind.queryset().count() for kind in KINDS}
        with _replacing(directory / JSONL_NAME) as jsonl, _replacing(directory / SQLITE_NAME) as db:
            _write_files(counts, jsonl, db)
        with _replacing(directory / LICENSE_NAME) as license_path:
            license_path.write_text(license_text(), encoding="utf-8")
        files = tuple(_describe(directory / name) for name in PUBLISHED_FILES)
        manifest = DumpManifest(
            generated_at=generated_at,
            duration_seconds=round(time.monotonic() - started, 3),
            format_version=FORMAT_VERSION,
            counts=counts,
            files=files,
        )
        with _replacing(directory / MANIFEST_NAME) as manifest_path:
            manifest_path.write_text(json.dumps(manifest.as_dict(), indent=2) + "\n")
    return manifest


def meta_record(counts: dict[str, int]) -> dict[str, Any]:
    """The first line of the JSON Lines file: format, licence, credits and row counts."""
    return {
        "kind": "meta",
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "site": settings.SITE_URL,
        "license": LICENSE_ID,
        "license_note": LICENSE_SUMMARY,
        "attribution": ATTRIBUTION,
        "counts": counts,
    }


def license_text() -> str:
    """LICENSE.txt of a dump."""
    credits = "\n".join(f"- {kind}: {source}" for kind, source in ATTRIBUTION.items())
    return (
        f"packagegrid data dump ({settings.SITE_URL})\n\n"
        f"{LICENSE_SUMMARY}\n\n"
        "CC0 1.0 Universal: https://creativecommons.org/publicdomain/zero/1.0/\n\n"
        f"Fetched facts, by kind of record, and where they come from:\n{credits}\n\n"
        "Each source's own terms apply to its facts. The dump holds no e-mail address, "
        "password or other private account data, and only the favorites people chose to "
        "share.\n"
    )


def _write_files(counts: dict[str, int], jsonl: Path, db_path: Path) -> None:
    with (
        jsonl.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL) as gz,
        io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as out,
        _sqlite(db_path) as db,
    ):
        meta = meta_record(counts)
        out.write(json_text(meta) + "\n")
        _sqlite_meta(db, meta)
        for kind in KINDS:
            _sqlite_table(db, kind)
            written = 0
            for rows in _chunks(kind):
                for row in rows:
                    out.write(json_text({"kind": kind.name, **row}) + "\n")
                _sqlite_insert(db, kind, rows)
                written += len(rows)
            if written != counts[kind.name]:  # cannot happen inside one snapshot
                raise RuntimeError(f"{kind.name}: counted {counts[kind.name]}, read {written}")
            _sqlite_indexes(db, kind)


def _chunks(kind: Kind) -> Iterator[list[dict[str, Any]]]:
    """The kind's public rows, encoded, in primary-key order, CHUNK at a time."""
    columns = kind.columns
    names = [c.name for c in columns]
    chunk: list[dict[str, Any]] = []
    for values in kind.queryset().values_list(*names).iterator(chunk_size=CHUNK):
        chunk.append({c.name: encode(c, v) for c, v in zip(columns, values, strict=True)})
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(path)
    try:
        # A new file, renamed into place only once complete: no journal needed.
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(f"PRAGMA user_version={FORMAT_VERSION}")
        yield db
        db.commit()
    finally:
        db.close()


def _sqlite_meta(db: sqlite3.Connection, meta: dict[str, Any]) -> None:
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [(key, json_text(value)) for key, value in meta.items() if key != "kind"],
    )


def _sqlite_table(db: sqlite3.Connection, kind: Kind) -> None:
    definitions = []
    for column in kind.columns:
        parts = [f'"{column.name}"', column.sqlite_type]
        if column.name == kind.primary_key:
            parts.append("PRIMARY KEY")
        elif not column.field.null:
            parts.append("NOT NULL")
        target = _referenced_kind(column.field)
        if target is not None:
            parts.append(f'REFERENCES "{target.name}" ("{target.primary_key}")')
        definitions.append(" ".join(parts))
    db.execute(f'CREATE TABLE "{kind.name}" ({", ".join(definitions)})')


def _sqlite_indexes(db: sqlite3.Connection, kind: Kind) -> None:
    for column in kind.columns:
        if column.name != kind.primary_key and _referenced_kind(column.field) is not None:
            db.execute(
                f'CREATE INDEX "{kind.name}_{column.name}" ON "{kind.name}" ("{column.name}")'
            )


def _sqlite_insert(db: sqlite3.Connection, kind: Kind, rows: list[dict[str, Any]]) -> None:
    columns = kind.columns
    marks = ", ".join("?" for _ in columns)
    db.executemany(
        f'INSERT INTO "{kind.name}" VALUES ({marks})',
        [tuple(sqlite_value(c, row[c.name]) for c in columns) for row in rows],
    )


def _referenced_kind(field: models.Field[Any, Any]) -> Kind | None:
    if not field.is_relation or field.related_model is None:
        return None
    return KINDS_BY_MODEL.get(field.related_model)


def _describe(path: Path) -> DumpFile:
    with path.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    return DumpFile(name=path.name, size=path.stat().st_size, sha256=digest)


@contextmanager
def _replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, renamed over it when the block ends without an
    error and deleted otherwise."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        temporary.chmod(0o644)
        _fsync(temporary)
        os.replace(temporary, target)
    finally:
        with suppress(FileNotFoundError):
            temporary.unlink()


def _fsync(path: Path) -> None:
    with path.open("rb") as f:
        os.fsync(f.fileno())


@contextmanager
def _directory_lock(directory: Path) -> Iterator[None]:
    with (directory / ".dump.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@contextmanager
def _read_snapshot() -> Iterator[None]:
    """One transaction that sees one state of the database, and blocks no writer."""
    if connection.in_atomic_block:  # already in one (tests): it is the snapshot
        yield
        return
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # The settings open SQLite transactions with BEGIN IMMEDIATE, which would hold the
        # write lock for the whole dump. A DEFERRED one reads one WAL snapshot instead.
        previous = connection.transaction_mode  # type: ignore[attr-defined]
        connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                yield
        finally:
            connection.transaction_mode = previous  # type: ignore[attr-defined]
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


# --- restoring -----------------------------------------------------------------------------


def dump_import(*, path: Path) -> dict[str, int]:
    """Restore the dump `path` (a `packagegrid.jsonl.gz`) into an empty database and
    return the rows written per kind.

    Rows keep their ids; users get no password (they reset it to log in again) and no
    e-mail address, which the dump does not hold. The search index is rebuilt and id
    sequences are moved past the imported ids, and the readiness pages' read model is
    rewritten from the compatibility rows. Raises DumpError, having written nothing,
    when any kind's table already has rows, or when the file is not a complete, valid
    dump of this format (the message names the line).
    """
    occupied = [
        f"{kind.name} ({count})" for kind in KINDS if (count := kind.model._default_manager.count())
    ]
    if occupied:
        raise DumpError(
            "The database is not empty: it has rows of "
            + ", ".join(occupied)
            + ". import_dump restores into an empty database only."
        )
    try:
        with transaction.atomic():
            counts = _load(path)
            # Foreign keys are checked at commit; check them now to report them here.
            connection.check_constraints()
            after_bulk_write(inserted_with_ids=[kind.model for kind in KINDS])
            # The readiness pages' read model, derived from the compatibility rows.
            product_support_store(package_ids=Package.objects.values_list("pk", flat=True))
    except IntegrityError as error:
        raise DumpError(f"A record refers to a row the dump does not hold: {error}") from None
    return counts


def _load(path: Path) -> dict[str, int]:
    counts = {kind.name: 0 for kind in KINDS}
    expected: dict[str, int] | None = None
    batch: list[models.Model] = []
    current: Kind | None = None
    order = {kind.name: i for i, kind in enumerate(KINDS)}
    number = 0
    for number, record in _records(path):
        if expected is None:
            expected = _read_meta(record)
            continue
        kind = _record_kind(number, record)
        if current is not None and order[kind.name] < order[current.name]:
            raise DumpError(
                f"line {number}: a {kind.name} record after {current.name} records; "
                "kinds must come in the format's order."
            )
        if kind is not current or len(batch) >= CHUNK:
            _insert(current, batch, last_line=number - 1)
            batch = []
            current = kind
        batch.append(_instance(number, kind, record))
        counts[kind.name] += 1
    _insert(current, batch, last_line=number)
    if expected is None:
        raise DumpError("The file is empty.")
    if counts != expected:
        missing = [f"{k}: {counts[k]} of {n}" for k, n in expected.items() if counts[k] != n]
        raise DumpError(
            "The file does not hold the rows its first line counts: " + ", ".join(missing)
        )
    return counts


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    number = 0
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="\n") as lines:
            for number, line in enumerate(_lines(lines), start=1):
                try:
                    record = json.loads(line)
                except ValueError:
                    raise DumpError(f"line {number}: not JSON") from None
                if not isinstance(record, dict):
                    raise DumpError(f"line {number}: not a JSON object")
                yield number, record
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as error:
        raise DumpError(f"line {number + 1}: cannot read the file: {error}") from None


def _lines(text: IO[str]) -> Iterator[str]:
    for line in text:
        if not line.endswith("\n"):
            raise DumpError("the last line is cut off (no line end): the file is incomplete")
        yield line


def _read_meta(record: dict[str, Any]) -> dict[str, int]:
    if record.get("kind") != "meta" or record.get("format") != FORMAT:
        raise DumpError(f"line 1: not a {FORMAT} file (its first line is not the meta record)")
    if record.get("format_version") != FORMAT_VERSION:
        raise DumpError(
            f"line 1: format version {record.get('format_version')!r}; "
            f"this site reads version {FORMAT_VERSION}"
        )
    counts = record.get("counts")
    if (
        not isinstance(counts, dict)
        or set(counts) != set(KINDS_BY_NAME)
        or not all(isinstance(n, int) and n >= 0 for n in counts.values())
    ):
        raise DumpError("line 1: the meta record's counts do not list every kind")
    return counts


def _record_kind(number: int, record: dict[str, Any]) -> Kind:
    name = record.pop("kind", None)
    kind = KINDS_BY_NAME.get(name) if isinstance(name, str) else None
    if kind is None:
        raise DumpError(f"line {number}: unknown kind {name!r}")
    return kind


def _instance(number: int, kind: Kind, record: dict[str, Any]) -> models.Model:
    columns = kind.columns
    names = {c.name for c in columns}
    if set(record) != names:
        unknown = sorted(set(record) - names)
        missing = sorted(names - set(record))
        raise DumpError(
            f"line {number}: {kind.name} record"
            + (f" lacks {', '.join(missing)}" if missing else "")
            + (f" has unknown {', '.join(unknown)}" if unknown else "")
        )
    try:
        values = {c.name: decode(c, record[c.name]) for c in columns}
    except RecordError as error:
        raise DumpError(f"line {number}: {kind.name}.{error}") from None
    instance = kind.model(**values)
    if kind.name == "user":
        instance.set_unusable_password()  # type: ignore[attr-defined]  # the user model
    return instance


def _insert(kind: Kind | None, batch: list[models.Model], *, last_line: int) -> None:
    if kind is None or not batch:
        return
    try:
        with transaction.atomic():
            kind.model._default_manager.bulk_create(batch)
    except DatabaseError as error:
        raise DumpError(
            f"{kind.name} records up to line {last_line}: the database refused them: {error}"
        ) from None
