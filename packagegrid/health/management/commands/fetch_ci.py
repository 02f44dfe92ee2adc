"""`packagegrid fetch_ci`: read the CI files of GitHub-hosted packages (optional source)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from packagegrid.catalog.models import Package
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.models import FetchState
from packagegrid.fetchers.ratelimit import RateBudget
from packagegrid.fetchers.state_services import package_record_failure
from packagegrid.fetchers.types import FetchFailed, RateLimitExhausted
from packagegrid.health.ci_client import github_ci_fetch
from packagegrid.health.services import package_apply_ci
from packagegrid.lib.repo_urls import InvalidRepoURL, RepoRef, parse_repo_url


class Command(BaseCommand):
    help = (
        "Read tox.ini, GitHub Actions workflows and noxfile.py of GitHub-hosted packages "
        "into their compatibility, within GITHUB_CI_REQUESTS_PER_RUN requests."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--budget",
            type=int,
            default=None,
            help="requests for this run (default: GITHUB_CI_REQUESTS_PER_RUN; 0 = off)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        budget: int = (
            settings.GITHUB_CI_REQUESTS_PER_RUN if options["budget"] is None else options["budget"]
        )
        if budget <= 0:
            self.stdout.write("CI fetching is off (GITHUB_CI_REQUESTS_PER_RUN is 0).")
            return
        client = HttpClient()
        rate = RateBudget(source="GitHub")
        states = {s.package_id: s for s in FetchState.objects.filter(source="github_ci").order_by()}
        spent = read = failed = 0
        for package, repo in _github_packages(states):
            if spent >= budget:
                break
            state = states.get(package.pk)
            try:
                fetch = github_ci_fetch(
                    client,
                    owner=repo.owner,
                    name=repo.name,
                    etags=state.etags if state else {},
                    budget=rate,
                )
            except RateLimitExhausted as exc:
                spent += exc.requests
                self.stderr.write(f"{package.slug}: {exc}; stopping")
                break
            except FetchFailed as exc:
                spent += exc.requests
                failed += 1
                package_record_failure(package=package, source="github_ci", error=exc)
                continue
            spent += fetch.requests
            package_apply_ci(package=package, fetch=fetch)
            read += 1
        self.stdout.write(f"CI files: {read} packages read, {failed} failed, {spent} requests")


def _github_packages(states: dict[int, FetchState]) -> list[tuple[Package, RepoRef]]:
    """GitHub-hosted packages, never read first, then the longest unread."""
    found = []
    for package in Package.objects.exclude(repo_url="").order_by("pk"):
        try:
            repo = parse_repo_url(package.repo_url)
        except InvalidRepoURL:
            continue
        if repo.host == "github":
            found.append((package, repo))

    def key(item: tuple[Package, RepoRef]) -> tuple[bool, str, int]:
        state = states.get(item[0].pk)
        checked = state.checked_at.isoformat() if state and state.checked_at else ""
        return (state is not None, checked, item[0].pk)

    return sorted(found, key=key)
