"""`packagegrid search_relevance`: hit rate and mean reciprocal rank of the relevance set."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from packagegrid.search.relevance import relevance_cases, relevance_evaluate


class Command(BaseCommand):
    help = (
        "Run the search relevance set (packagegrid/search/tests/relevance.json) against this "
        "database (load it with `packagegrid demo`) and print hit rate and MRR."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--fail-under",
            type=float,
            default=0.0,
            help="Exit with an error when the top-3 hit rate is below this (0-1).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = relevance_evaluate(relevance_cases())
        self.stdout.write(str(report))
        if report.hit_rate < options["fail_under"]:
            raise CommandError(f"Hit rate {report.hit_rate:.1%} is below the threshold.")
