"""`packagegrid update_release_data`: add new Django and Wagtail feature releases from PyPI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.pypi import pypi_release_times_fetch
from packagegrid.fetchers.types import FetchFailed
from packagegrid.health.releases import (
    DATA_FILE,
    PYPI_PROJECTS,
    releases_dump,
    releases_merge_pypi,
    releases_read,
    releases_reload,
)


class Command(BaseCommand):
    help = (
        "Add the Django and Wagtail feature releases PyPI lists to the release data "
        "(Python releases are edited by hand: they are not on PyPI)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", type=Path, default=DATA_FILE, help="the release data file to rewrite"
        )
        parser.add_argument("--dry-run", action="store_true", help="say what would be added")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            releases = releases_read(path)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"{path}: cannot read the release data ({exc})") from exc
        client = HttpClient()
        added_any = False
        for product, project in PYPI_PROJECTS.items():
            try:
                times = pypi_release_times_fetch(client, name=project)
            except FetchFailed as exc:
                raise CommandError(f"{project}: {exc}; the release data is unchanged") from exc
            releases[product], added = releases_merge_pypi(product, releases[product], times)
            for version in added:
                row = next(r for r in releases[product] if r.version == version)
                self.stdout.write(
                    f"{project} {version}: released {row.released}, "
                    f"supported until {row.end_of_support} (policy)"
                )
            added_any = added_any or bool(added)
        if not added_any:
            self.stdout.write("No new feature releases.")
            return
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing written.")
            return
        path.write_text(releases_dump(releases), encoding="utf-8")
        releases_reload()
        self.stdout.write(f"Wrote {path}")
