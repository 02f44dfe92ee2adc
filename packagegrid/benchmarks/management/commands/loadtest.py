"""`packagegrid loadtest`: a burst and a soak of mixed URLs with gunicorn and wrk."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from packagegrid.benchmarks.loadtest import format_table, loadtest_run


class Command(BaseCommand):
    help = (
        "Serve the configured database with gunicorn (DEBUG off) and load a mix of home, "
        "package, grid, search and API v4 URLs with wrk: a burst, then a soak."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--connections", type=int, default=200)
        parser.add_argument("--duration", type=int, default=60, help="Burst seconds.")
        parser.add_argument("--soak-connections", type=int, default=32)
        parser.add_argument("--soak-duration", type=int, default=600, help="Soak seconds.")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers.")
        parser.add_argument(
            "--output-dir", type=Path, default=Path(settings.BASE_DIR) / "bench-results"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name, low, high in (
            ("connections", 1, 1000),
            ("duration", 1, 3600),
            ("soak_connections", 1, 1000),
            ("soak_duration", 1, 3600),
            ("workers", 1, 64),
        ):
            if not low <= options[name] <= high:
                flag = "--" + name.replace("_", "-")
                raise CommandError(f"{flag} must be between {low} and {high}.")
        output_dir: Path = options["output_dir"]
        try:
            report = loadtest_run(
                connections=options["connections"],
                duration=options["duration"],
                soak_connections=options["soak_connections"],
                soak_duration=options["soak_duration"],
                workers=options["workers"],
                log_dir=output_dir,
                log=self._log,
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        output_dir.mkdir(parents=True, exist_ok=True)
        (output_dir / "loadtest-latest.json").write_text(json.dumps(report, indent=2))
        self._log(format_table(report))
        self._log(f"Results: {output_dir / 'loadtest-latest.json'}")

    def _log(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
