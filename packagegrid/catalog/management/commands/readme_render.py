"""`packagegrid readme_render`: render the stored READMEs again after a renderer change."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from packagegrid.catalog.readme_services import readmes_rerender


class Command(BaseCommand):
    help = (
        "Render the stored READMEs again from their stored PyPI sources: those rendered by "
        "an older renderer version, or every one with --all. Pages and search documents of "
        "the READMEs whose output changed are refreshed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Render every README, not only outdated ones"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = readmes_rerender(everything=options["all"])
        self.stdout.write(f"{report.checked} READMEs checked, {report.rendered} rendered anew")
