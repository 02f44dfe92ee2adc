"""`packagegrid import_djangopackages`: import API v4 records from a file or a live API."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from packagegrid.catalog.djangopackages import ImportReport, import_api, import_lines
from packagegrid.fetchers.http import HttpError


class Command(BaseCommand):
    help = (
        "Import packages from djangopackages.org API v4 bodies: --file reads JSON lines, "
        "--api walks a live API (categories, grids, packages). Invalid records are reported "
        "and skipped. Packages added on this site are kept unless --force. Running it twice "
        "changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--file", type=Path, help="JSON lines, one API v4 package body each")
        source.add_argument("--api", help="API v4 root, e.g. https://djangopackages.org/api/v4/")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also overwrite packages added on this site (recorded in their history)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"]:
            path: Path = options["file"]
            try:
                # Bytes: a line that is not UTF-8 is reported and skipped, not fatal.
                with path.open("rb") as lines:
                    report = import_lines(lines, force=options["force"])
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        else:
            try:
                report = import_api(options["api"], force=options["force"])
            except HttpError as exc:
                raise CommandError(f"Import stopped: {exc}") from exc
        self._print(report)

    def _print(self, report: ImportReport) -> None:
        for error in report.errors:
            self.stderr.write(f"skipped {error}")
        for warning in report.warnings:
            self.stderr.write(f"warning {warning}")
        self.stdout.write(report.summary())
