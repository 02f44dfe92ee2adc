"""`packagegrid recheck_maintainers`: re-check verified maintainer claims with GitHub, now."""

from typing import Any

from django.core.management.base import BaseCommand

from packagegrid.maintainers.services import maintainer_claims_recheck


class Command(BaseCommand):
    help = (
        "Ask GitHub again, with each claimant's token, about every verified claim not "
        "confirmed within MAINTAINER_RECHECK_SECONDS; claims whose rights are gone lapse."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(maintainer_claims_recheck()))
