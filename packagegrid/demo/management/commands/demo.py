"""`packagegrid demo`: load the demo data set (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from packagegrid.demo.loader import demo_load


class Command(BaseCommand):
    help = "Load the demo data: real djangopackages.org records in grids built from them."

    def handle(self, *args: Any, **options: Any) -> None:
        report = demo_load()
        for error in report.errors:
            self.stderr.write(f"skipped {error}")
        self.stdout.write(f"Demo packages: {report.summary()}")
