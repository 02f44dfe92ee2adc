"""`packagegrid changes_drill`: check the change feed under concurrent writers."""

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from packagegrid.changes.drill import FeedReader, feed_drill
from packagegrid.changes.models import Action, Kind
from packagegrid.changes.services import ChangeInfo, changes_record


class Command(BaseCommand):
    help = (
        "Run writer threads that commit out of id order while a reader polls the change "
        "feed; report whether it saw every committed change exactly once, and how fast a "
        "reader reads the feed. Writes (and leaves) categories named 'Drill ...': run it "
        "on a test or benchmark database, not on the site's."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--writers", type=int, default=4)
        parser.add_argument("--transactions", type=int, default=15, help="per writer")
        parser.add_argument(
            "--backlog",
            type=int,
            default=0,
            help="first record this many more changes (of made-up categories), to measure "
            "reading a long feed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for start in range(0, options["backlog"], 1000):
            with transaction.atomic():
                changes_record(
                    ChangeInfo(Kind.CATEGORY, 10**9 + n, Action.UPDATE, ["description"])
                    for n in range(start, min(start + 1000, options["backlog"]))
                )
        result = feed_drill(writers=options["writers"], transactions=options["transactions"])
        reader = FeedReader(limit=1000)
        began = time.monotonic()
        reader.drain()
        seconds = time.monotonic() - began
        summary = {
            "ok": result.ok,
            "committed": len(result.committed),
            "seen": len(result.seen),
            "missed": len(result.missed),
            "unexpected": len(result.unexpected),
            "errors": result.errors[:5],
            "polls": result.polls,
            "drill_seconds": round(result.seconds, 3),
            "feed_changes_read": len(reader.seen),
            "feed_changes_per_second": round(len(reader.seen) / seconds) if seconds else None,
        }
        self.stdout.write(json.dumps(summary))
        if not result.ok:
            raise CommandError("The reader missed or repeated changes.")
