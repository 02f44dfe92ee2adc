"""`packagegrid bench_discover`: time `discover` against a local fake PyPI."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from packagegrid.benchmarks.discover_bench import discover_bench


class Command(BaseCommand):
    help = (
        "Run discover three times over N candidates from a local fake PyPI's Simple API "
        "(first run, nothing changed, one in 23 changed); print wall time, requests and "
        "the share of candidates skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--candidates", type=int, default=25_000)
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument(
            "--out",
            type=Path,
            default=Path(settings.BASE_DIR) / "bench-results" / "discover.json",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = discover_bench(
            candidates=options["candidates"],
            concurrency=options["concurrency"],
            out=options["out"],
        )
        columns = ("run", "candidates", "wall s", "requests", "checked", "listed", "skipped %")
        self.stdout.write(" | ".join(columns))
        for row in rows:
            cells = (
                row.run,
                row.candidates,
                row.wall_seconds,
                row.requests,
                row.checked,
                row.proposed,
                f"{row.skipped_share:.1%}",
            )
            self.stdout.write(" | ".join(str(cell) for cell in cells))
