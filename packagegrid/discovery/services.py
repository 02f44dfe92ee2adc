"""Discovery's writes: a `discover` run, and the review of what it found (accept, reject,
merge into an existing listing).

A run checks PyPI projects the directory lacks, lists each Django package it finds as an
unreviewed package (applying the PyPI document through the same step as a fetch, so it
has releases and health at once), and remembers every checked project with its serial
so that the next run skips it until it changes.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from pydantic import ValidationError

from packagegrid.caching.services import packages_changed
from packagegrid.catalog.history_services import edit_record, field_values
from packagegrid.catalog.models import Category, EditRecord, Package
from packagegrid.catalog.moderation_services import package_delete
from packagegrid.catalog.selectors import package_for_repo
from packagegrid.catalog.services import PACKAGE_CREATE_FIELDS, package_update
from packagegrid.changes.models import Action, Kind
from packagegrid.changes.services import change_record
from packagegrid.discovery.classifier import Verdict, dependency_names, django_package_verdict
from packagegrid.discovery.models import DiscoveryCandidate
from packagegrid.discovery.selectors import directory_pypi_names
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.pypi import pypi_project_fetch
from packagegrid.fetchers.services import package_apply_pypi, package_finish_fetch
from packagegrid.fetchers.types import FetchFailed, PyPIFetch, PyPIProject, invalid_data
from packagegrid.health.services import product_support_list
from packagegrid.lib.pypi_names import normalize_pypi_name
from packagegrid.lib.repo_urls import InvalidRepoURL, RepoRef, parse_repo_url
from packagegrid.search.services import search_index_package

Status = DiscoveryCandidate.Status
_BATCH = 500


@dataclass
class DiscoverySummary:
    """What a run did; `skipped` and `failed` count projects by reason."""

    candidates: int = 0
    checked: int = 0
    proposed: int = 0
    not_django: int = 0
    listed: int = 0
    unchanged: int = 0  # checked, but PyPI said nothing changed (304 or the same serial)
    skipped: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    elapsed: float = 0.0

    @property
    def skipped_share(self) -> float:
        """The share of candidates not fetched or found unchanged."""
        done = self.skipped.total() + self.unchanged
        return done / self.candidates if self.candidates else 0.0

    def lines(self) -> list[str]:
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items())) or "none"
        failed = ", ".join(f"{k} {v}" for k, v in sorted(self.failed.items())) or "none"
        return [
            f"candidates: {self.candidates}",
            f"skipped without a request: {self.skipped.total()} ({skipped})",
            f"checked: {self.checked}",
            f"unchanged on PyPI: {self.unchanged}",
            f"proposed (listed unreviewed): {self.proposed}",
            f"already listed under their repository: {self.listed}",
            f"not Django packages: {self.not_django}",
            f"failed: {sum(self.failed.values())} ({failed})",
            f"skipped share: {self.skipped_share:.1%}",
            f"HTTP requests: {self.requests}",
            f"elapsed: {self.elapsed:.1f} s",
        ]


@dataclass(frozen=True)
class _Candidate:
    name: str  # as given
    key: str  # normalised
    etags: dict[str, str]


def discover_run(
    *,
    names: Iterable[tuple[str, int | None]],
    client: HttpClient,
    limit: int | None = None,
    concurrency: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> DiscoverySummary:
    """Check the projects `names` (name, serial from the index or None) and list the
    Django packages among them as unreviewed packages; returns the summary.

    Skipped without a request: names already in the directory (PEP 503 names of
    `pypi_url`), projects staff rejected or merged, and projects whose serial equals the
    one stored at their last check. The others are fetched (conditionally, with the stored
    ETag), at most `limit` of them, `concurrency` at a time. A project PyPI answers 304 for,
    or with the stored serial, is unchanged. A project refused for want of a known Django
    dependency is checked again at the end of the run when one of its dependencies was
    listed by the same run.
    """
    started = time.monotonic()
    now = now or timezone.now()
    summary = DiscoverySummary()
    directory = directory_pypi_names()
    stored = {
        c.name: c for c in DiscoveryCandidate.objects.only("name", "last_serial", "etags", "status")
    }
    todo: list[_Candidate] = []
    seen: set[str] = set()
    for name, serial in names:
        key = normalize_pypi_name(name.strip())
        if not key or key in seen:
            continue
        seen.add(key)
        summary.candidates += 1
        known = stored.get(key)
        if key in directory:
            summary.skipped["in_directory"] += 1
        elif known is not None and known.status in DiscoveryCandidate.FINAL:
            summary.skipped["decided_by_staff"] += 1
        elif known is not None and serial is not None and known.last_serial == serial:
            summary.skipped["unchanged_serial"] += 1
        elif limit is not None and len(todo) >= limit:
            summary.skipped["over_limit"] += 1
        else:
            todo.append(_Candidate(name.strip(), key, dict(known.etags) if known else {}))
    category = _discovery_category()
    run = _Run(client=client, category=category, stored=stored, known=directory, summary=summary)
    retry = run.check(todo, concurrency or settings.DISCOVERY_CONCURRENCY, progress, now)
    if retry:  # refused before a dependency of theirs was listed by this run
        run.check([_Candidate(c.name, c.key, {}) for c in retry], 1, None, now)
    summary.requests = client.requests_made
    summary.elapsed = time.monotonic() - started
    return summary


def _discovery_category() -> Category:
    slug = settings.DISCOVERY_CATEGORY
    category, _ = Category.objects.get_or_create(
        slug=slug, defaults={"title": slug.title()[:50], "title_plural": slug.title()[:50]}
    )
    return category


class _Run:
    """One run's state: what is known to be a Django package grows as it lists them."""

    def __init__(
        self,
        *,
        client: HttpClient,
        category: Category,
        stored: dict[str, DiscoveryCandidate],
        known: set[str],
        summary: DiscoverySummary,
    ) -> None:
        self.client = client
        self.category = category
        self.stored = stored
        self.known = set(known)
        self.listed_now: set[str] = set()
        self.summary = summary
        # Refused projects with dependencies, by key: checked again if one gets listed.
        self.refused: dict[str, tuple[_Candidate, list[str]]] = {}

    def _fetch(self, candidate: _Candidate) -> PyPIFetch | FetchFailed:
        try:
            return pypi_project_fetch(self.client, name=candidate.name, etags=candidate.etags)
        except FetchFailed as failure:
            return failure
        except ValidationError as exc:  # a value out of its column's bounds
            return invalid_data("pypi", exc)

    def check(
        self,
        todo: list[_Candidate],
        concurrency: int,
        progress: Callable[[int, int], None] | None,
        now: datetime,
    ) -> list[_Candidate]:
        """Fetch and decide `todo`; returns the refused projects worth a second look."""
        rows: list[DiscoveryCandidate] = []
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            # map() keeps the order of `todo`, so a run is reproducible.
            for done, (candidate, result) in enumerate(
                zip(todo, pool.map(self._fetch, todo), strict=True), start=1
            ):
                row = self._decide(candidate, result, now)
                if row is not None:
                    rows.append(row)
                if len(rows) >= _BATCH:
                    _save_candidates(rows)
                    rows = []
                if progress:
                    progress(done, len(todo))
        _save_candidates(rows)
        return [c for c, deps in self.refused.values() if self.listed_now.intersection(deps)]

    def _decide(
        self, candidate: _Candidate, result: PyPIFetch | FetchFailed, now: datetime
    ) -> DiscoveryCandidate | None:
        summary = self.summary
        if isinstance(result, FetchFailed):
            summary.failed[result.reason] += 1
            return None
        summary.checked += 1
        project = result.project
        previous = self.stored.get(candidate.key)
        if project is None or (
            previous is not None
            and project.last_serial is not None
            and previous.last_serial == project.last_serial
        ):
            summary.unchanged += 1
            return None
        verdict = django_package_verdict(
            classifiers=project.classifiers,
            requires_dist=project.requires_dist,
            description=project.description,
            known=self.known,
        )
        row = DiscoveryCandidate(
            name=candidate.key,
            last_serial=project.last_serial,
            etags=result.etags,
            reason=verdict.reason[:300],
            checked_at=now,
        )
        self.refused.pop(candidate.key, None)
        if not verdict.is_django:
            summary.not_django += 1
            row.status = Status.NOT_DJANGO
            dependencies = dependency_names(project.requires_dist)
            if dependencies:
                self.refused[candidate.key] = (candidate, dependencies)
            return row
        package, created = package_create_discovered(
            project=project, fetch=result, verdict=verdict, category=self.category, now=now
        )
        self.known.add(candidate.key)
        self.listed_now.add(candidate.key)
        row.package = package
        if created:
            summary.proposed += 1
            row.status = Status.PROPOSED
        else:
            summary.listed += 1
            row.status = Status.LISTED
        return row


def _save_candidates(rows: list[DiscoveryCandidate]) -> None:
    if rows:
        DiscoveryCandidate.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["name"],
            update_fields=["last_serial", "etags", "status", "reason", "package", "checked_at"],
        )


def _project_repo(project: PyPIProject) -> RepoRef | None:
    """The first project URL that names a repository on a known code host."""
    for url in project.project_urls.values():
        try:
            repo = parse_repo_url(url)
        except InvalidRepoURL:
            continue
        if repo.host != "other":
            return repo
    return None


def _free_slug(name: str) -> str:
    base = (slugify(name) or "package")[:90]
    slug, n = base, 1
    while Package.objects.filter(slug__iexact=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def package_create_discovered(
    *,
    project: PyPIProject,
    fetch: PyPIFetch,
    verdict: Verdict,
    category: Category,
    now: datetime | None = None,
) -> tuple[Package, bool]:
    """List a Django package found on PyPI as unreviewed, with its PyPI data, releases and
    health applied as a fetch applies them; returns it and True.

    When a package of the directory already lists the project's repository, nothing is
    created: that package and False are returned. The creation is recorded in the
    history with no author and the verdict's reason.
    """
    now = now or timezone.now()
    repo = _project_repo(project)
    if repo is not None:
        existing = package_for_repo(repo=repo)
        if existing is not None:
            return existing, False
    package = Package(
        title=project.name[:100],
        slug=_free_slug(project.name),
        category=category,
        repo_url=repo.url if repo else "",
        pypi_url=f"https://pypi.org/project/{project.name}/",
        documentation_url="",
        reviewed=False,
        created=now,
        modified=now,
    )
    try:
        with transaction.atomic():
            package.save()
    except IntegrityError:  # the repository (or the slug) was taken meanwhile
        existing = package_for_repo(repo=repo) if repo is not None else None
        if existing is None:
            raise
        return existing, False
    edit_record(
        user=None,
        instance=package,
        action=EditRecord.Action.CREATE,
        before={},
        after={**field_values(package, PACKAGE_CREATE_FIELDS), "discovered": verdict.reason},
    )
    package_apply_pypi(package=package, fetch=fetch, now=now)
    package_finish_fetch(package=package, now=now)
    return package, True


class DiscoveryAlreadyReviewed(Exception):
    """Someone reviewed the package first; nothing was changed."""


def _candidate_for(package: Package) -> DiscoveryCandidate:
    """The package's discovery record: the one that listed it, else one by its PyPI name
    (a package made unreviewed by other means still gets remembered)."""
    candidate = DiscoveryCandidate.objects.filter(package=package).first()
    if candidate is not None:
        return candidate
    key = normalize_pypi_name(package.pypi_name) or f"slug:{package.slug}"
    candidate, _ = DiscoveryCandidate.objects.get_or_create(
        name=key, defaults={"status": Status.PROPOSED, "package": package}
    )
    return candidate


def _decide(
    candidate: DiscoveryCandidate, *, status: str, user: User, package: Package | None
) -> None:
    candidate.status, candidate.package = status, package
    candidate.decided_by, candidate.decided_at = user, timezone.now()
    candidate.save(update_fields=["status", "package", "decided_by", "decided_at"])


def _claim(package: Package) -> None:
    """Compare-and-set on `reviewed`, so two reviewers cannot both decide."""
    if not Package.objects.filter(pk=package.pk, reviewed=False).update(reviewed=True):
        raise DiscoveryAlreadyReviewed(f"{package.title} was already reviewed.")


@transaction.atomic
def discovery_accept(*, package: Package, user: User) -> Package:
    """List an unreviewed package as reviewed (in grids, the home page, the package
    lists, categories, feeds, the sitemap and API v4 from now on), recorded in its
    history. Raises DiscoveryAlreadyReviewed."""
    _claim(package)
    package.reviewed = True
    # `_claim` updates the row without signals: tell the caches, the search index (its
    # results stop marking it, and the lists read `reviewed` from it) and the change feed.
    packages_changed([package.pk])
    search_index_package(package_id=package.pk)
    product_support_list(package_id=package.pk)  # the readiness pages' read model
    change_record(
        kind=Kind.PACKAGE, object_id=package.pk, action=Action.UPDATE, fields=["reviewed"]
    )
    edit_record(
        user=user,
        instance=package,
        action=EditRecord.Action.UPDATE,
        before={"reviewed": False},
        after={"reviewed": True},
    )
    _decide(_candidate_for(package), status=Status.ACCEPTED, user=user, package=package)
    return package


@transaction.atomic
def discovery_reject(*, package: Package, user: User) -> None:
    """Remove an unreviewed package and remember its PyPI project as rejected, so that
    `discover` never proposes it again; the deletion is recorded in the history. Raises
    DiscoveryAlreadyReviewed."""
    _claim(package)
    _decide(_candidate_for(package), status=Status.REJECTED, user=user, package=None)
    package_delete(package=package, user=user)


@transaction.atomic
def discovery_merge(*, package: Package, into: Package, user: User) -> Package:
    """Merge an unreviewed package into an existing listing: `into` gets the PyPI name
    when it has none (an edit in its history), the discovered package is removed
    (recorded too) and its project is never proposed again. Returns `into`.

    Raises DiscoveryAlreadyReviewed, and ValueError when `into` is the package itself or
    is not reviewed.
    """
    if into.pk == package.pk or not into.reviewed:
        raise ValueError("Merge into a reviewed listing other than this package.")
    _claim(package)
    pypi_url = package.pypi_url
    _decide(_candidate_for(package), status=Status.MERGED, user=user, package=into)
    package_delete(package=package, user=user)
    if not into.pypi_name:
        into = package_update(package=into, user=user, pypi_url=pypi_url)
    return into
