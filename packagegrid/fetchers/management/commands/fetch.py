"""`packagegrid fetch`: refresh packages from their code hosts and PyPI."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from packagegrid.fetchers.models import Source
from packagegrid.fetchers.run import FetchRun, build_jobs, packages_to_fetch


class Command(BaseCommand):
    help = (
        "Fetch packages from GitHub, GitLab, Bitbucket, Codeberg and PyPI, concurrently. "
        "Give slugs, or --all (optionally --stale-hours N). Exits 0 when the run completed, "
        "even if some packages failed; failures are recorded on each package."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="packages to fetch (ignores backoff)")
        parser.add_argument("--all", action="store_true", help="fetch every package")
        parser.add_argument(
            "--stale-hours",
            type=float,
            default=0,
            help="with --all: only packages not checked within this many hours",
        )
        parser.add_argument(
            "--source",
            action="append",
            choices=Source.values,
            help="only this source (repeatable); default: all",
        )
        parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["slugs"] and not options["all"]:
            raise CommandError("Name packages by slug, or pass --all.")
        if options["concurrency"] < 1:
            raise CommandError("--concurrency must be at least 1.")
        packages = packages_to_fetch(slugs=options["slugs"], stale_hours=options["stale_hours"])
        sources = options["source"] or Source.values
        jobs = build_jobs(packages, sources=sources, force=bool(options["slugs"]))
        if options["slugs"]:
            missing = set(options["slugs"]) - {job.slug for job in jobs}
            if missing:
                raise CommandError(f"No package with slug: {', '.join(sorted(missing))}")
        run = FetchRun(sources=sources, concurrency=options["concurrency"])
        if sys.stdout.isatty():
            summary = self._run_with_bar(run, jobs)
        else:
            run.progress = self._log_progress
            summary = run.run(jobs)
        for line in summary.lines():
            self.stdout.write(line)

    def _log_progress(self, done: int, total: int) -> None:
        if done % 100 == 0 or done == total:
            self.stdout.write(f"{done}/{total} packages")

    def _run_with_bar(self, run: FetchRun, jobs: list[Any]) -> Any:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("Fetching", total=len(jobs))
            run.progress = lambda done, total: bar.update(task, completed=done)
            return run.run(jobs)
