"""`packagegrid schedule_digests`: have the workers send the watchers' digests every day."""

from packagegrid.lib.daily import ScheduleDailyCommand
from packagegrid.watching.tasks import send_watch_digests


class Command(ScheduleDailyCommand):
    help = (
        "Enqueue the sending of due e-mail digests for the next --at time (UTC), "
        "re-enqueuing itself for the same time every day. Does nothing when one is already "
        "waiting. (With cron instead, run `packagegrid send_digests` once a day.)"
    )
    task = send_watch_digests
    default_at = "07:00"
    job = "digests"
