"""`packagegrid worker`: run background tasks (the database backend's worker)."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run tasks from the database queue until stopped. Start as many as you like, on "
        "any number of machines: on PostgreSQL they claim tasks with SKIP LOCKED."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")
        parser.add_argument("--interval", type=float, default=1, help="seconds between polls")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_options: dict[str, Any] = {"interval": options["interval"]}
        if options["batch"]:
            worker_options.update(batch=True, startup_delay=False)
        call_command("db_worker", **worker_options)
