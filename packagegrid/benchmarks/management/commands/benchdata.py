"""`packagegrid benchdata`: build the benchmark data set of SPEC §9 (or at PyPI scale)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from packagegrid.benchmarks.data import (
    PYPI_SCALE,
    SCALE_CURATED,
    SEED,
    NotEmptyError,
    bench_data_build,
)


class Command(BaseCommand):
    help = (
        "Fill the database with the benchmark data set (fixed seed): 5,000 packages, "
        "300 grids, 200 users. With --scale, PyPI scale: 5,000 curated and 25,000 "
        "discovered packages, 400,000 releases, 150,000 dependency edges. Refuses a "
        "non-empty database unless --flush is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete every existing package, category, grid and user first.",
        )
        parser.add_argument(
            "--scale",
            action="store_true",
            help=(
                f"Add {PYPI_SCALE.discovered:,} unreviewed packages and fill up to "
                f"{PYPI_SCALE.releases:,} releases and {PYPI_SCALE.dependencies:,} "
                f"dependency edges ({SCALE_CURATED:,} curated packages unless --packages)."
            ),
        )
        parser.add_argument("--packages", type=int, default=SCALE_CURATED)
        parser.add_argument("--grids", type=int, default=300)
        parser.add_argument("--users", type=int, default=200)
        parser.add_argument("--seed", type=int, default=SEED)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            summary = bench_data_build(
                packages=options["packages"],
                grids=options["grids"],
                users=options["users"],
                seed=options["seed"],
                flush=options["flush"],
                scale=PYPI_SCALE if options["scale"] else None,
            )
        except (NotEmptyError, ValueError) as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Benchmark data built in {elapsed:.1f} s on {connection.vendor}: {summary}"
        )
