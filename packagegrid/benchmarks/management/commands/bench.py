"""`packagegrid bench`: serve the benchmark data set with gunicorn and measure it (SPEC §9)."""

import argparse
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from packagegrid.benchmarks.runner import bench_database, bench_run, default_database_urls


class Command(BaseCommand):
    help = (
        "Benchmark the site with gunicorn and wrk on PostgreSQL (packagegrid_bench) and "
        "SQLite (bench.sqlite3): requests/s, p50/p99 latency and queries per URL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database-url",
            action="append",
            dest="urls",
            help="Benchmark only this database (repeatable). Default: PostgreSQL, then SQLite.",
        )
        parser.add_argument(
            "--duration", type=int, default=5, help="Seconds per wrk run (default 5)."
        )
        parser.add_argument(
            "--mixed-fetches-per-hour",
            type=int,
            default=1000,
            help="Fetch results applied per hour in the mixed-traffic row (default 1000).",
        )
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "bench-results",
            help="Where the JSON results go (default bench-results/).",
        )
        # Internal: set by the parent process for the child that measures one database.
        parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        duration: int = options["duration"]
        if not 1 <= duration <= 600:
            raise CommandError("--duration must be between 1 and 600 seconds.")
        per_hour: int = options["mixed_fetches_per_hour"]
        if not 1 <= per_hour <= 3_600_000:
            raise CommandError("--mixed-fetches-per-hour must be between 1 and 3600000.")
        urls: list[str] = options["urls"] or default_database_urls()
        if options["result_file"]:
            self._child(urls, duration, options["result_file"], per_hour)
            return
        try:
            _reports, failures = bench_run(
                urls=urls,
                duration=duration,
                output_dir=options["output_dir"],
                log=self._log,
                mixed_per_hour=per_hour,
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self._log(f"Results: {options['output_dir'] / 'latest.json'}")
        if failures:
            raise CommandError("Benchmark failed for " + "; ".join(failures))

    def _child(self, urls: list[str], duration: int, result_file: Path, per_hour: int) -> None:
        if len(urls) != 1 or os.environ.get("DATABASE_URL") != urls[0]:
            raise CommandError("--result-file needs one --database-url equal to DATABASE_URL.")
        report = bench_database(
            url=urls[0],
            duration=duration,
            log_dir=result_file.parent,
            log=self._log,
            mixed_per_hour=per_hour,
        )
        result_file.write_text(json.dumps(report))

    def _log(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
