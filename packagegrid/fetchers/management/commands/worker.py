"""`packagegrid worker`: run background tasks (the database backend's worker)."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from packagegrid.fetchers.taskqueue import requeue_abandoned_tasks, worker_id


class Command(BaseCommand):
    help = (
        "Run tasks from the database queue until stopped. Start as many as you like, on "
        "any number of machines: on PostgreSQL they claim tasks with SKIP LOCKED. On start, "
        "tasks left running by a worker that died are put back in the queue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")
        parser.add_argument("--interval", type=float, default=1, help="seconds between polls")

    def handle(self, *args: Any, **options: Any) -> None:
        requeued = requeue_abandoned_tasks()
        if requeued:
            self.stderr.write(f"Requeued {requeued} task(s) left running by a worker that died.")
        worker_options: dict[str, Any] = {"interval": options["interval"], "worker_id": worker_id()}
        if options["batch"]:
            worker_options.update(batch=True, startup_delay=False)
        call_command("db_worker", **worker_options)
