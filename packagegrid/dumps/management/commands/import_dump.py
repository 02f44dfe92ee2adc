"""`packagegrid import_dump FILE`: restore a dump into an empty database."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from packagegrid.dumps.services import DumpError, dump_import


class Command(BaseCommand):
    help = (
        "Restore a packagegrid.jsonl.gz written by `packagegrid dump` into an empty "
        "database, ids included. Refuses a database that has any of the dumped rows, and "
        "writes nothing when the file is incomplete or invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a packagegrid.jsonl.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            counts = dump_import(path=path)
        except DumpError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{kind} {n}" for kind, n in counts.items())
        self.stdout.write(f"Imported {sum(counts.values())} records: {summary}")
