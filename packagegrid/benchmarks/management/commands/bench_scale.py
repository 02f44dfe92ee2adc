"""`packagegrid bench_scale`: latency rows at 5,000 packages and at PyPI scale (issue 14)."""

import argparse
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from packagegrid.benchmarks.latency import (
    DEFAULT_URLS,
    ITERATIONS,
    SCALES,
    bench_scale_database,
    bench_scale_run,
)


class Command(BaseCommand):
    help = (
        "Measure lists, search, package pages, dependents and readiness in-process on "
        "the 5,000-package benchmark data set and on the PyPI-scale one (benchdata "
        "--scale, built when missing): queries and p50/p95/p99 per row."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database-url",
            dest="url_5000",
            default=DEFAULT_URLS["5000"],
            help=f"The 5,000-package database (default {DEFAULT_URLS['5000']}).",
        )
        parser.add_argument(
            "--scale-database-url",
            dest="url_scale",
            default=DEFAULT_URLS["scale"],
            help=f"The PyPI-scale database (default {DEFAULT_URLS['scale']}).",
        )
        parser.add_argument(
            "--only", choices=SCALES, help="Measure one scale only (default: both)."
        )
        parser.add_argument(
            "--iterations",
            type=int,
            default=ITERATIONS,
            help=f"Timed requests per row (default {ITERATIONS}).",
        )
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "bench-results",
            help="Where the JSON reports and latency.md go (default bench-results/).",
        )
        # Internal: set by the parent process for the child that measures one database.
        parser.add_argument("--child", choices=SCALES, help=argparse.SUPPRESS)
        parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        iterations: int = options["iterations"]
        if not 10 <= iterations <= 100_000:
            raise CommandError("--iterations must be between 10 and 100000.")
        if options["child"]:
            if options["result_file"] is None:
                raise CommandError("--child needs --result-file.")
            report = bench_scale_database(
                scale=options["child"], iterations=iterations, log=self._log
            )
            options["result_file"].write_text(json.dumps(report))
            return
        urls = {"5000": options["url_5000"], "scale": options["url_scale"]}
        if options["only"]:
            urls = {options["only"]: urls[options["only"]]}
        _reports, failures = bench_scale_run(
            urls=urls, iterations=iterations, output_dir=options["output_dir"], log=self._log
        )
        self._log(f"Results: {options['output_dir'] / 'latency.md'}")
        if failures:
            raise CommandError("Scale bench failed: " + "; ".join(failures))

    def _log(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
