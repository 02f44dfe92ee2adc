"""`packagegrid dump [DIR]`: write the public data set as dump files."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from packagegrid.dumps.services import dump_write


class Command(BaseCommand):
    help = (
        "Write the public data set to DIR (default: the DUMP_DIR setting) as "
        "packagegrid.jsonl.gz and packagegrid.sqlite3, with LICENSE.txt and manifest.json "
        "(sizes and SHA-256 checksums). Files are replaced atomically."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", nargs="?", help="where to write (default DUMP_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"] or settings.DUMP_DIR)
        manifest = dump_write(directory=directory)
        rows = sum(manifest.counts.values())
        self.stdout.write(
            f"Wrote {rows} records to {directory} in {manifest.duration_seconds:.1f} s:"
        )
        for file in manifest.files:
            self.stdout.write(f"  {file.name}  {file.size} bytes  sha256 {file.sha256}")
