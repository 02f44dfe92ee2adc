"""`packagegrid search_reindex`: rebuild the whole search index (recovery; never needed
in normal running, where every write updates the index)."""

from typing import Any

from django.core.management.base import BaseCommand

from packagegrid.search.services import search_reindex


class Command(BaseCommand):
    help = "Rebuild the search index of every package and grid, in one transaction."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(search_reindex()))
