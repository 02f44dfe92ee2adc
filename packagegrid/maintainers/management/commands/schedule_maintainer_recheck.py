"""`packagegrid schedule_maintainer_recheck`: have the workers re-check maintainer claims
with GitHub every day."""

from packagegrid.lib.daily import ScheduleDailyCommand
from packagegrid.maintainers.tasks import recheck_maintainer_claims


class Command(ScheduleDailyCommand):
    help = (
        "Enqueue the re-check of verified maintainer claims with GitHub for the next --at "
        "time (UTC), re-enqueuing itself for the same time every day. Does nothing when one "
        "is already waiting. (With cron instead, run `packagegrid recheck_maintainers` once "
        "a day.)"
    )
    task = recheck_maintainer_claims
    default_at = "05:00"
    job = "maintainer re-check"
