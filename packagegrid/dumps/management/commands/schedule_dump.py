"""`packagegrid schedule_dump`: have the workers write the data dumps every night."""

from packagegrid.dumps.tasks import write_data_dumps
from packagegrid.lib.daily import ScheduleDailyCommand


class Command(ScheduleDailyCommand):
    help = (
        "Enqueue the data dump for the next --at time (UTC), re-enqueuing itself for the "
        "same time every day. Does nothing when one is already waiting. (With cron "
        "instead, run `packagegrid dump` once a day.)"
    )
    task = write_data_dumps
    default_at = "03:00"
    job = "dump"
