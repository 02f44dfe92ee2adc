"""`packagegrid health_recompute [--slug SLUG ...]`: recompute stored health scores."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from packagegrid.catalog.models import Package
from packagegrid.health.model import MODEL_VERSION
from packagegrid.health.scores import package_health_recompute


class Command(BaseCommand):
    help = (
        "Recompute the health score of every package (or of --slug ones) with the current "
        "model; run it after a model change. Only changed scores are written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", action="append", default=[], help="Only this package.")

    def handle(self, *args: Any, **options: Any) -> None:
        slugs: list[str] = options["slug"]
        ids = None
        if slugs:
            found = dict(Package.objects.filter(slug__in=slugs).values_list("slug", "pk"))
            missing = sorted(set(slugs) - set(found))
            if missing:
                raise CommandError(f"No package with slug: {', '.join(missing)}")
            ids = list(found.values())
        written = package_health_recompute(ids)
        self.stdout.write(f"health model {MODEL_VERSION}: {written} scores written")
