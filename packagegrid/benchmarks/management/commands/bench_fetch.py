"""`packagegrid bench_fetch`: benchmark a full refresh against local fake GitHub and PyPI."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from packagegrid.benchmarks.fetch_bench import fetch_bench


class Command(BaseCommand):
    help = (
        "Fetch N packages twice from a local fake GitHub + PyPI that adds latency to every "
        "request; print wall time, CPU time and requests (the second run should be 304s)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--packages", type=int, default=5000)
        parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument(
            "--out", type=Path, default=Path(settings.BASE_DIR) / "bench-results" / "fetch.json"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = fetch_bench(
            packages=options["packages"],
            latency=options["latency"],
            concurrency=options["concurrency"],
            out=options["out"],
        )
        columns = ("run", "packages", "wall s", "CPU s", "requests", "304s", "304 %", "failed")
        self.stdout.write(" | ".join(columns))
        for row in rows:
            cells = (
                row.run,
                row.packages,
                row.wall_seconds,
                row.cpu_seconds,
                row.requests,
                row.answered_304,
                f"{row.share_304:.1%}",
                row.failed,
            )
            self.stdout.write(" | ".join(str(cell) for cell in cells))
        self.stdout.write(
            f"latency {options['latency'] * 1000:.0f} ms per request, concurrency "
            f"{options['concurrency']}; results in {options['out']}"
        )
