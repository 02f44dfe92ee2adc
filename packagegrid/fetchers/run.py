"""A fetch run: many packages, all their sources, concurrently within a bound.

Threads do only network I/O (`fetch_job`), on plain data (`FetchJob`); the calling
thread applies each result to the database as it arrives, one transaction per source, so
a run killed halfway keeps everything it applied and a new run carries on (packages are
taken least recently checked first).

One package never stops a run: a repository URL that cannot be parsed, an answer whose
values cannot be stored (`types.invalid_data`) and a write the database refuses are each
recorded on that package's FetchState, with backoff, and the run goes on.

Neither does the database going away (restarted, unreachable): each package whose results
cannot be written meanwhile is counted as failed ("database_unavailable") in the run's
summary and logged, the broken connection is dropped and the next package opens a new
one. Nothing is recorded on those packages (the database is what failed, not their
sources, so they get no backoff and the next `fetch --all` fetches them again).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from pydantic import ValidationError

from packagegrid.catalog.models import Package
from packagegrid.downloads.services import package_apply_downloads
from packagegrid.fetchers import bitbucket, codeberg, github, gitlab, pypi, services, state_services
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.models import REPOSITORY, FetchState, Source
from packagegrid.fetchers.pypistats import REQUESTS_PER_PACKAGE, DownloadsFetch, pypistats_fetch
from packagegrid.fetchers.ratelimit import RateBudget
from packagegrid.fetchers.types import (
    FetchFailed,
    PyPIFetch,
    RateLimitExhausted,
    RepoFetch,
    invalid_data,
)
from packagegrid.lib.repo_urls import RepoRef, parse_repo_url

logger = logging.getLogger(__name__)

CODE_HOSTS = (Source.GITHUB, Source.GITLAB, Source.BITBUCKET, Source.CODEBERG)
# The failure counted for a package whose results could not be written: no connection.
DATABASE_UNAVAILABLE = "database_unavailable"


@dataclass(frozen=True)
class FetchJob:
    """What the network side needs to know about one package (no ORM objects)."""

    package_id: int
    slug: str
    repo: RepoRef | None
    pypi_name: str
    etags: dict[str, dict[str, str]]  # source -> URL -> ETag
    # Sources to leave alone this time, with the reason ("backoff", "unsupported_host").
    skip: dict[str, str] = field(default_factory=dict)
    # Why `repo_url` could not be parsed ("" when it could, or there is none).
    repo_error: str = ""
    # The repository URL state holds an old error that a successful fetch clears.
    clear_repo_error: bool = False


@dataclass
class SourceResult:
    source: str
    data: RepoFetch | PyPIFetch | DownloadsFetch | None = None
    error: FetchFailed | None = None
    skipped: str = ""  # why nothing was asked


@dataclass
class RunSummary:
    fetched: int = 0
    unchanged: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    not_modified: int = 0
    rate_limit_remaining: dict[str, int | None] = field(default_factory=dict)
    stopped: dict[str, str] = field(default_factory=dict)  # source -> why it was stopped
    elapsed: float = 0.0
    cpu: float = 0.0

    @property
    def total(self) -> int:
        return self.fetched + self.unchanged + sum(self.failed.values()) + self.skipped.total()

    def lines(self) -> list[str]:
        failed = ", ".join(f"{k} {v}" for k, v in sorted(self.failed.items())) or "none"
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items())) or "none"
        budget = ", ".join(
            f"{source} {'unknown' if left is None else left}"
            for source, left in sorted(self.rate_limit_remaining.items())
        )
        lines = [
            f"packages: {self.total}",
            f"fetched: {self.fetched}",
            f"unchanged (304): {self.unchanged}",
            f"failed: {sum(self.failed.values())} ({failed})",
            f"skipped: {self.skipped.total()} ({skipped})",
            f"HTTP requests: {self.requests} ({self.not_modified} answered 304)",
            f"rate-limit budget left: {budget or 'unknown'}",
            f"elapsed: {self.elapsed:.1f} s (CPU {self.cpu:.1f} s)",
        ]
        lines += [f"stopped {source}: {why}" for source, why in self.stopped.items()]
        return lines


def packages_to_fetch(
    *, slugs: Iterable[str] = (), stale_hours: float = 0, now: datetime | None = None
) -> QuerySet[Package]:
    """Packages for a run, least recently checked (or never checked) first.

    A package was checked when any of its sources was last asked (`FetchState.checked_at`),
    whether it answered, failed or said nothing changed. With `slugs`, just those;
    otherwise all, or with `stale_hours` only those not checked within that many hours.
    """
    packages = Package.objects.annotate(checked_at=Max("fetch_states__checked_at"))
    slugs = list(slugs)
    if slugs:
        packages = packages.filter(slug__in=slugs)
    elif stale_hours:
        cutoff = (now or timezone.now()) - timedelta(hours=stale_hours)
        packages = packages.filter(Q(checked_at__lt=cutoff) | Q(checked_at__isnull=True))
    return packages.order_by(F("checked_at").asc(nulls_first=True), "id")


def build_jobs(
    packages: QuerySet[Package],
    *,
    sources: Iterable[str],
    force: bool = False,
    now: datetime | None = None,
) -> list[FetchJob]:
    """One FetchJob per package, with stored ETags and backoff read in two queries.

    A repository URL that cannot be parsed does not stop the list: that package's job
    carries the error (`repo_error`), which the run records on its FetchState, and its
    PyPI project is still fetched.
    """
    now = now or timezone.now()
    sources = set(sources)
    rows = list(packages.only("id", "slug", "repo_url", "pypi_url"))
    states: dict[int, dict[str, FetchState]] = {}
    for stored in FetchState.objects.filter(package__in=rows):
        states.setdefault(stored.package_id, {})[stored.source] = stored
    jobs = []
    for package in rows:
        own = states.get(package.id, {})
        repo, repo_error = _parse_repo(package.repo_url)
        skip: dict[str, str] = {}
        for source in [*sources, REPOSITORY] if repo_error else sources:
            state = own.get(source)
            if not force and state and state.next_attempt_at and state.next_attempt_at > now:
                skip[source] = "backoff"
        if repo is not None and repo.host not in CODE_HOSTS and sources & set(CODE_HOSTS):
            skip[REPOSITORY] = "unsupported_host"
        url_state = own.get(REPOSITORY)
        jobs.append(
            FetchJob(
                package_id=package.id,
                slug=package.slug,
                repo=repo,
                pypi_name=package.pypi_name,
                etags={source: dict(state.etags) for source, state in own.items()},
                skip=skip,
                repo_error=repo_error,
                clear_repo_error=bool(repo and url_state and url_state.error_count),
            )
        )
    return jobs


def _parse_repo(url: str) -> tuple[RepoRef | None, str]:
    """The parsed repository URL and "", or None and why it cannot be parsed."""
    if not url:
        return None, ""
    try:
        return parse_repo_url(url), ""
    # The parser raises InvalidRepoURL (a ValueError); urllib raises plain ValueError for
    # some malformed URLs (an unclosed "[" in the host). Either fails this package only.
    except ValueError as exc:
        return None, f"cannot parse repository URL {url[:200]!r}: {exc}"


def _fetch_repo(
    client: HttpClient, repo: RepoRef, etags: dict[str, str], budget: RateBudget | None
) -> RepoFetch:
    if repo.host == Source.GITHUB:
        return github.github_repo_fetch(
            client, owner=repo.owner, name=repo.name, etags=etags, budget=budget
        )
    if repo.host == Source.GITLAB:
        return gitlab.gitlab_repo_fetch(client, path=repo.path, etags=etags)
    if repo.host == Source.BITBUCKET:
        return bitbucket.bitbucket_repo_fetch(
            client, workspace=repo.owner, slug=repo.name, etags=etags
        )
    return codeberg.codeberg_repo_fetch(client, owner=repo.owner, name=repo.name, etags=etags)


class FetchRun:
    """Fetch packages from their sources with at most `concurrency` requests in flight.

    Downloads (pypistats) are an optional source with a budget of their own,
    `downloads_budget` requests (default `PYPISTATS_REQUESTS_PER_RUN`; 0 leaves them
    out): a package is asked about while REQUESTS_PER_PACKAGE are left, and the rest are
    skipped ("budget_spent") until the next run.
    """

    def __init__(
        self,
        *,
        sources: Iterable[str] = tuple(Source.values),
        concurrency: int = 8,
        client: HttpClient | None = None,
        progress: Callable[[int, int], None] | None = None,
        downloads_budget: int | None = None,
    ) -> None:
        self.sources = set(sources)
        self.concurrency = max(1, concurrency)
        self.client = client or HttpClient()
        self.progress = progress
        # The budget does not count requests in flight, so keep a reserve at least that big.
        self.budgets: dict[str, RateBudget] = {
            Source.GITHUB: RateBudget(reserve=max(5, self.concurrency))
        }
        self.downloads_left = (
            settings.PYPISTATS_REQUESTS_PER_RUN if downloads_budget is None else downloads_budget
        )
        if self.downloads_left > 0 and Source.PYPISTATS in self.sources:
            self.budgets[Source.PYPISTATS] = RateBudget(
                source="pypistats", reserve=max(5, self.concurrency)
            )
        # A source whose budget is spent is stopped for the rest of the run.
        self._stopped: dict[str, str] = {}
        self._lock = threading.Lock()

    def fetch_job(self, job: FetchJob) -> list[SourceResult]:
        """Ask every wanted source about one package (network only; runs in a thread)."""
        results = []
        repo = job.repo
        if repo is not None and repo.host in self.sources:
            results.append(self._ask(repo.host, job, lambda: self._repo(job, repo)))
        if job.pypi_name and Source.PYPI in self.sources:
            results.append(self._ask(Source.PYPI, job, lambda: self._pypi(job)))
        if job.pypi_name and Source.PYPISTATS in self.budgets:
            if Source.PYPISTATS in job.skip or self._take_downloads_budget():
                results.append(self._ask(Source.PYPISTATS, job, lambda: self._downloads(job)))
            else:
                results.append(SourceResult(Source.PYPISTATS, skipped="budget_spent"))
        if self.sources & set(CODE_HOSTS):
            if REPOSITORY in job.skip:
                results.append(SourceResult(REPOSITORY, skipped=job.skip[REPOSITORY]))
            elif job.repo_error:
                failure = FetchFailed(job.repo_error, reason="invalid_repo_url", permanent=True)
                results.append(SourceResult(REPOSITORY, error=failure))
        return results

    def _repo(self, job: FetchJob, repo: RepoRef) -> RepoFetch:
        return _fetch_repo(
            self.client, repo, job.etags.get(repo.host, {}), self.budgets.get(repo.host)
        )

    def _pypi(self, job: FetchJob) -> PyPIFetch:
        return pypi.pypi_project_fetch(
            self.client, name=job.pypi_name, etags=job.etags.get(Source.PYPI, {})
        )

    def _downloads(self, job: FetchJob) -> DownloadsFetch:
        return pypistats_fetch(
            self.client,
            name=job.pypi_name,
            etags=job.etags.get(Source.PYPISTATS, {}),
            budget=self.budgets[Source.PYPISTATS],
        )

    def _take_downloads_budget(self) -> bool:
        """Reserve one package's pypistats requests; False when the budget is spent."""
        with self._lock:
            if self.downloads_left < REQUESTS_PER_PACKAGE:
                return False
            self.downloads_left -= REQUESTS_PER_PACKAGE
            return True

    def _ask(
        self,
        source: str,
        job: FetchJob,
        call: Callable[[], RepoFetch | PyPIFetch | DownloadsFetch],
    ) -> SourceResult:
        if source in job.skip:
            return SourceResult(source, skipped=job.skip[source])
        with self._lock:
            if source in self._stopped:
                return SourceResult(source, skipped="rate_limit_stop")
        try:
            return SourceResult(source, data=call())
        except RateLimitExhausted as exc:
            with self._lock:
                self._stopped.setdefault(source, str(exc))
            return SourceResult(source, error=exc)
        except FetchFailed as exc:
            return SourceResult(source, error=exc)
        except ValidationError as exc:  # a value out of its column's bounds (types.py)
            return SourceResult(source, error=invalid_data(source, exc))

    def run(self, jobs: list[FetchJob]) -> RunSummary:
        """Fetch every job and apply the results; returns the summary."""
        summary = RunSummary()
        started, cpu_started = time.monotonic(), time.process_time()
        packages = Package.objects.in_bulk([job.package_id for job in jobs])
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            futures = {pool.submit(self.fetch_job, job): job for job in jobs}
            for done, future in enumerate(as_completed(futures), start=1):
                job = futures[future]
                self._apply(packages[job.package_id], job, future.result(), summary)
                if self.progress:
                    self.progress(done, len(jobs))
        summary.requests = self.client.requests_made
        summary.rate_limit_remaining = {s: b.remaining for s, b in self.budgets.items()}
        summary.stopped = dict(self._stopped)
        summary.elapsed = time.monotonic() - started
        summary.cpu = time.process_time() - cpu_started
        return summary

    def _apply(
        self, package: Package, job: FetchJob, results: list[SourceResult], summary: RunSummary
    ) -> None:
        """Apply one package's results and count it once in the summary.

        A result the database refuses (its transaction rolled back, nothing of it kept)
        becomes that source's failure, "unapplicable", like any other. When the database
        cannot be reached, the package counts as failed ("database_unavailable") and
        nothing is recorded on it (see the module docstring).
        """
        counted = summary.total
        try:
            self._apply_results(package, job, results, summary)
        except (OperationalError, InterfaceError) as exc:
            # Drop the broken connection (Django checks it, as CONN_HEALTH_CHECKS does
            # between requests); the next query connects again.
            close_old_connections()
            logger.warning("Cannot store the results of %s: %s", package.slug, exc)
            if summary.total == counted:
                summary.failed[DATABASE_UNAVAILABLE] += 1

    def _apply_results(
        self, package: Package, job: FetchJob, results: list[SourceResult], summary: RunSummary
    ) -> None:
        now = timezone.now()
        asked = [r for r in results if not r.skipped]
        changed = False
        for result in asked:
            if result.data is None:
                continue
            summary.not_modified += result.data.not_modified
            try:
                changed |= self._apply_one(package, result, now)
            except (OperationalError, InterfaceError):
                raise  # the database is unreachable: the run's concern, not this result's
            except DatabaseError as exc:
                logger.warning("Cannot apply %s data of %s: %s", result.source, package.slug, exc)
                result.data, result.error = (
                    None,
                    FetchFailed(
                        f"{result.source} data could not be stored: {str(exc)[:500]}",
                        reason="unapplicable",
                        permanent=True,
                    ),
                )
        failures = [r for r in asked if r.error is not None]
        answered = [r for r in asked if r.data is not None]
        for result in failures:
            assert result.error is not None
            state_services.package_record_failure(
                package=package, source=result.source, error=result.error, now=now
            )
        if job.clear_repo_error and any(r.source in CODE_HOSTS for r in answered):
            state_services.package_record_success(package=package, source=REPOSITORY, now=now)
        if changed:
            try:
                services.package_finish_fetch(package=package, now=now)
            except (OperationalError, InterfaceError):
                raise
            # Only a concurrent run recording the same day's snapshot gets here; the data
            # itself is applied, and the next change records the snapshot.
            except DatabaseError as exc:
                logger.warning("Cannot record the snapshot of %s: %s", package.slug, exc)
        if failures:
            summary.failed[failures[0].error.reason] += 1  # type: ignore[union-attr]  # filtered on error
        elif answered and all(_all_not_modified(r.data) for r in answered):
            summary.unchanged += 1
        elif answered:
            summary.fetched += 1
        else:
            reason = next((r.skipped for r in results if r.skipped), "nothing_to_fetch")
            summary.skipped[reason] += 1

    @staticmethod
    def _apply_one(package: Package, result: SourceResult, now: datetime) -> bool:
        if isinstance(result.data, PyPIFetch):
            return services.package_apply_pypi(package=package, fetch=result.data, now=now)
        if isinstance(result.data, DownloadsFetch):
            return package_apply_downloads(package=package, fetch=result.data, now=now)
        assert isinstance(result.data, RepoFetch)
        return services.package_apply_repo(
            package=package, source=result.source, fetch=result.data, now=now
        )


def _all_not_modified(data: RepoFetch | PyPIFetch | DownloadsFetch | None) -> bool:
    return data is not None and data.requests > 0 and data.not_modified == data.requests
