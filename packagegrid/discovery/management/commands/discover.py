"""`packagegrid discover`: list the Django packages on PyPI that the directory lacks."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from pydantic import ValidationError

from packagegrid.discovery.services import discover_run
from packagegrid.fetchers.http import HttpClient, HttpError
from packagegrid.fetchers.pypi import pypi_simple_index_fetch


class Command(BaseCommand):
    help = (
        "Check PyPI projects the directory lacks and list the Django packages among them "
        "as unreviewed. Candidates come from --names FILE (one name a line) or PyPI's "
        "Simple API project list. Projects unchanged since the last run, and projects staff "
        "rejected, are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--names", type=Path, help="a file of candidate names, one a line")
        parser.add_argument("--limit", type=int, help="check at most this many projects")
        parser.add_argument("--concurrency", type=int, help="requests in flight")

    def handle(self, *args: Any, **options: Any) -> None:
        limit, concurrency = options["limit"], options["concurrency"]
        if limit is not None and limit < 0:
            raise CommandError("--limit must not be negative.")
        if concurrency is not None and concurrency < 1:
            raise CommandError("--concurrency must be at least 1.")
        with HttpClient() as client:
            names = self._names(options["names"], client)
            summary = discover_run(
                names=names,
                client=client,
                limit=limit,
                concurrency=concurrency,
                progress=self._log_progress,
            )
        for line in summary.lines():
            self.stdout.write(line)

    def _names(self, path: Path | None, client: HttpClient) -> list[tuple[str, int | None]]:
        if path is not None:
            try:
                text = path.read_text()
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {path}: {exc}") from None
            return [(line.strip(), None) for line in text.splitlines() if line.strip()]
        try:
            return pypi_simple_index_fetch(client)
        except (HttpError, ValidationError) as exc:
            raise CommandError(f"Cannot read PyPI's project list: {exc}") from None

    def _log_progress(self, done: int, total: int) -> None:
        if done % 1000 == 0 or done == total:
            self.stdout.write(f"{done}/{total} projects checked")
