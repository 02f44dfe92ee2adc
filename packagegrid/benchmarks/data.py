"""The benchmark data set (SPEC §9): a seeded, realistic catalogue at production scale.

`bench_data_build()` writes it with `bulk_create` and explicit ids, so the same seed and
sizes give the same rows (ids included) on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone

from packagegrid.accounts.models import Profile
from packagegrid.caching.bulk import after_bulk_write
from packagegrid.catalog.dependency_services import ParsedRequirement, requirements_parse
from packagegrid.catalog.models import (
    Category,
    Dependency,
    EditRecord,
    Favorite,
    Flag,
    Package,
    PyPIData,
    Release,
    RepoData,
    Snapshot,
    Usage,
)
from packagegrid.downloads.models import PackageDownloads
from packagegrid.fetchers.models import FetchState
from packagegrid.grids.models import Element, Feature, Grid, GridPackage
from packagegrid.health.compatibility import compatibility
from packagegrid.health.models import (
    Advisory,
    CIMatrix,
    Compatibility,
    PackageHealth,
    ProductSupport,
)
from packagegrid.health.scores import package_health_recompute
from packagegrid.health.services import product_support_store
from packagegrid.search.services import search_index_deferred

SEED = 20_260_901
LARGEST_GRID_SLUG = "bench-largest"
LARGEST_GRID_PACKAGES = 25
LARGEST_GRID_FEATURES = 15
ARCHIVED_FRACTION = 0.04
DEPRECATED_FRACTION = 0.01
BATCH_SIZE = 2000
# One package in SNAPSHOT_EVERY gets snapshots, weekly over the last TRENDING_HISTORY_WEEKS.
SNAPSHOT_EVERY = 10
TRENDING_HISTORY_WEEKS = 6

CATEGORIES = [
    ("Apps", "apps", "Apps", "Small components used to build projects.", 0.70),
    ("Frameworks", "frameworks", "Frameworks", "Large efforts that combine many apps.", 0.10),
    ("Other", "other", "Other", "Other packages: tools, libraries, utilities.", 0.12),
    ("Projects", "projects", "Projects", "Complete Django sites you can run.", 0.08),
]
# fmt: off
WORDS = [
    "admin", "auth", "cache", "celery", "channels", "cms", "comments", "cors", "crispy", "csv",
    "debug", "email", "extensions", "filter", "forms", "geo", "graphql", "guardian", "haystack",
    "htmx", "import", "export", "imagekit", "json", "jwt", "location", "markdown", "model-utils",
    "money", "mptt", "notifications", "oauth", "otp", "pagination", "payments", "permissions",
    "polymorphic", "queue", "ratelimit", "redis", "rest", "reversion", "rq", "search", "select2",
    "sentry", "simple-history", "sitemaps", "slug", "social", "storages", "tables", "tagging",
    "tasks", "tenants", "timezone", "translation", "tree", "upload", "users", "webhooks", "widget",
]
ADJECTIVES = [
    "fast", "simple", "tiny", "smart", "async", "modern", "lazy", "secure", "flexible", "easy",
]
# fmt: on
PHRASES = [
    "for Django",
    "that just works",
    "with batteries included",
    "for the Django admin",
    "done right",
    "for Django REST framework",
]
CELL_TEXTS = ["✓", "✗", "yes", "no", "partial", "PostgreSQL only", "via a plugin", "", "2.x+"]
# fmt: off
FEATURE_TITLES = [
    "Python 3 support", "Django 5.2 support", "Documentation", "Tests", "Admin integration",
    "REST API", "Async support", "Type hints", "Translations", "Caching", "Permissions", "Signals",
    "Management commands", "Templates", "Migrations", "Multiple databases", "License",
]
# fmt: on
CLASSIFIERS = [
    "Framework :: Django",
    "Framework :: Django :: 4.2",
    "Framework :: Django :: 5.2",
    "Framework :: Django :: 6.0",
    "Programming Language :: Python :: 3",
    "Programming Language :: Python :: 3.12",
    "Programming Language :: Python :: 3.13",
    "License :: OSI Approved :: MIT License",
]
LICENSES = ["MIT", "BSD-3-Clause", "Apache-2.0", "GPL-3.0-or-later", ""]


@dataclass(frozen=True, slots=True)
class HealthProfile:
    """A kind of package for the health model's inputs: how long ago it last released and
    committed, and the Django and Python releases its metadata names.

    The shares give a directory like djangopackages.org's: a third of the packages alive,
    a tenth finished, a third long silent (the demo's 186 real records are mostly the
    latter; the 400 most downloaded Django projects on PyPI mostly alive).
    """

    name: str
    share: float
    release_days: tuple[int, int]  # age of the last release, in days
    commit_days: tuple[int, int]  # age of the last commit, in days
    django: tuple[str, ...]  # classifier versions to draw from
    python: tuple[str, ...]
    requires_dist: tuple[str, ...]  # Django requirements to draw from ("" for none)


HEALTH_PROFILES = (
    HealthProfile(
        "alive",
        0.38,
        (5, 300),
        (0, 60),
        ("4.2", "5.2", "6.0"),
        ("3.10", "3.11", "3.12", "3.13", "3.14"),
        ("Django>=4.2", "Django>=4.2,<6.1", "django>=5.2", ""),
    ),
    HealthProfile(
        "finished",
        0.12,
        (400, 620),
        (380, 700),
        ("4.2", "5.2"),
        ("3.10", "3.11", "3.12", "3.13"),
        ("Django>=4.2,<6", "Django>=4.2", ""),
    ),
    HealthProfile(
        "slowing",
        0.15,
        (400, 1000),
        (380, 1000),
        ("3.2", "4.0", "4.1", "4.2"),
        ("3.8", "3.9", "3.10", "3.11"),
        ("Django>=3.2,<5", "Django>=3.2", ""),
    ),
    HealthProfile(
        "silent",
        0.35,
        (1200, 3300),
        (1100, 3300),
        ("1.11", "2.0", "2.1", "2.2", "3.0"),
        ("3.6", "3.7"),
        ("Django>=1.11,<3", "Django>=2.2", ""),
    ),
)
TYPED_SHARE = 0.1
PRERELEASE_SHARE = 0.04  # packages whose newest release is a pre-release
INACTIVE_STATUS_SHARE = 0.005  # `Development Status :: 7 - Inactive`
ADVISORY_SHARE = 0.015  # packages with an advisory against their latest release
WITHDRAWN_SHARE = 0.2  # of those advisories

# PyPI scale (`benchdata --scale`): the curated set above plus the packages `discover`
# lists unreviewed, the releases and the dependency edges of the whole ecosystem.
SCALE_CURATED = 5000
SCALE_DISCOVERED = 25_000
SCALE_RELEASES = 400_000  # in all, the curated packages' own included
SCALE_DEPENDENCIES = 150_000  # Dependency rows in all, Django requirements included
SCALE_BATCH_SIZE = 5000
SCALE_FLUSH_ROWS = 50_000  # releases held in memory before they are written
DISCOVERED_REPO_SHARE = 0.6  # discovered packages whose PyPI metadata names a repository
DISCOVERED_DJANGO_SHARE = 0.85  # the rest are Django packages by their classifiers alone
# Of a package's other requirements: a share name projects outside the directory; the
# rest name directory packages drawn by a Zipf law over a shuffled ranking, so a few are
# required by thousands of packages (where djangorestframework stands) and most by a few.
EXTERNAL_SHARE = 0.2
DIRECTORY_ZIPF = 1.1
DISCOVERED_TARGET_SHARE = 0.1  # directory requirements that name a discovered package
OPTIONAL_SHARE = 0.12  # requirements under an extra: optional support, not dependents
PYTHON_MARKER_SHARE = 0.05
# fmt: off
EXTERNAL_PROJECTS = [
    "requests", "pillow", "python-dateutil", "pytz", "celery", "redis", "pyyaml", "psycopg",
    "markdown", "typing-extensions", "pydantic", "httpx", "jinja2", "lxml", "boto3",
    "cryptography", "pyjwt", "bleach", "sqlparse", "asgiref",
]
# fmt: on


@dataclass(frozen=True, slots=True)
class BenchScale:
    """The sizes `bench_data_build` adds on top of its curated packages."""

    discovered: int  # unreviewed packages, ids after the curated ones
    releases: int  # releases in all; 0 adds none (no discovered packages then)
    dependencies: int  # Dependency rows in all


PYPI_SCALE = BenchScale(
    discovered=SCALE_DISCOVERED, releases=SCALE_RELEASES, dependencies=SCALE_DEPENDENCIES
)
# The curated packages alone with as many edges per package as at PyPI scale: the latency
# bench's 5,000-package side, so both sides have the same kinds of rows.
CURATED_WITH_EDGES = BenchScale(
    discovered=0,
    releases=0,
    dependencies=SCALE_DEPENDENCIES * SCALE_CURATED // (SCALE_CURATED + SCALE_DISCOVERED),
)


@dataclass(frozen=True, slots=True)
class BenchDataSummary:
    """Row counts of a built data set."""

    categories: int
    packages: int
    archived: int
    deprecated: int
    releases: int
    grids: int
    grid_packages: int
    features: int
    elements: int
    users: int
    usages: int
    favorites: int
    snapshots: int
    compatibility: int = 0
    advisories: int = 0
    scored: int = 0
    discovered: int = 0
    dependencies: int = 0

    def __str__(self) -> str:
        return ", ".join(f"{name} {value}" for name, value in self.as_dict().items())

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


class NotEmptyError(Exception):
    """The database already holds catalogue, grid or user rows."""


def bench_data_is_present(*, packages: int = 5000, scale: BenchScale | None = None) -> bool:
    """Whether the database holds a complete benchmark data set of `packages` curated
    packages (and, with `scale`, its discovered packages and dependency edges)."""
    discovered = scale.discovered if scale else 0
    return (
        Package.objects.count() == packages + discovered
        and Package.objects.filter(reviewed=False).count() == discovered
        and (scale is None or Dependency.objects.count() == scale.dependencies)
        and Grid.objects.filter(slug=LARGEST_GRID_SLUG).exists()
        # A set built before it had health inputs has no scores: it is rebuilt.
        and PackageHealth.objects.count() == packages + discovered
    )


@search_index_deferred()  # one index update at the end, not one per deleted row
def bench_data_flush() -> None:
    """Delete every catalogue, grid and user row (children first, so deletes stay cheap)."""
    user_model = get_user_model()
    with transaction.atomic():
        for model in (
            PackageHealth,
            Advisory,
            ProductSupport,
            Compatibility,
            CIMatrix,
            Dependency,
            PackageDownloads,
            Element,
            Feature,
            GridPackage,
            Grid,
            Usage,
            Favorite,
            Flag,
            Snapshot,
            EditRecord,
            FetchState,
            Release,
            PyPIData,
            RepoData,
        ):
            model.objects.all().delete()
        Package.objects.update(replaced_by=None)
        Package.objects.all().delete()
        Category.objects.all().delete()
        Profile.objects.all().delete()
        user_model.objects.all().delete()


def _database_is_empty() -> bool:
    return not (
        Package.objects.exists()
        or Category.objects.exists()
        or Grid.objects.exists()
        or get_user_model().objects.exists()
    )


def bench_data_build(
    *,
    packages: int = 5000,
    grids: int = 300,
    users: int = 200,
    seed: int = SEED,
    flush: bool = False,
    scale: BenchScale | None = None,
) -> BenchDataSummary:
    """Write the benchmark data set and return its row counts.

    The defaults are the SPEC §9 sizes; tests pass smaller ones. With `scale` (PYPI_SCALE
    for `benchdata --scale`) the same curated rows are written, then unreviewed packages,
    more releases and dependency edges up to its sizes. Raises NotEmptyError when the
    database already has catalogue, grid or user rows, unless `flush` is true, which
    deletes them first; ValueError when the sizes cannot be met. Ids start at 1 in every
    table the set fills.
    """
    if packages < 1 or grids < 1 or users < 1:
        raise ValueError("packages, grids and users must each be at least 1.")
    if scale is not None and min(scale.discovered, scale.releases, scale.dependencies) < 0:
        raise ValueError("The scale's sizes must not be negative.")
    if flush:
        bench_data_flush()
    elif not _database_is_empty():
        raise NotEmptyError(
            "The database already has packages, grids or users; pass --flush to replace them."
        )
    with transaction.atomic():
        builder = _Builder(random.Random(seed), packages, grids, users, seed=seed)
        summary = builder.build()
        if scale is not None:
            summary = _ScaleBuilder(builder, summary, scale, seed=seed).build()
        # One index rebuild for both steps, after the scores it shows are stored.
        with search_index_deferred():
            _after_bulk_write()
            # The real path: the stored scores are what a fetch or the daily refresh writes.
            scored = package_health_recompute(today=builder.now.date())
    return dataclasses.replace(summary, scored=scored)


class _Builder:
    """Generates rows in memory and bulk-inserts them, table by table."""

    def __init__(
        self, rng: random.Random, packages: int, grids: int, users: int, *, seed: int = SEED
    ) -> None:
        self.rng = rng
        self.n_packages = packages
        self.n_grids = grids
        self.n_users = users
        self.now = timezone.now().replace(microsecond=0)
        # Snapshots draw from their own generator (a copy of this one), so adding them left
        # every other table's rows as they were.
        self.snapshot_rng = random.Random()
        self.snapshot_rng.setstate(rng.getstate())
        self.stars: dict[int, tuple[int, int]] = {}  # package id: (stars, forks)
        # The health inputs draw from their own generator too, for the same reason.
        self.health_rng = random.Random(f"health-{seed}")
        self.profiles: dict[int, HealthProfile] = {}  # package id: its health profile

    def ago(self, *, max_days: int, min_days: int = 0) -> datetime:
        seconds = self.rng.randint(min_days * 86400, max_days * 86400)
        return self.now - timedelta(seconds=seconds)

    def build(self) -> BenchDataSummary:
        category_ids = self._categories()
        user_ids = self._users()
        package_ids, archived, deprecated = self._packages(category_ids, user_ids)
        releases = self._releases(package_ids)
        compatibility_rows, advisories = self._health_facts(package_ids)
        grid_packages, features, elements = self._grids(package_ids, user_ids)
        usages, favorites = self._usage(package_ids, user_ids)
        snapshots = self._snapshots()
        return BenchDataSummary(
            categories=len(category_ids),
            packages=len(package_ids),
            archived=archived,
            deprecated=deprecated,
            releases=releases,
            grids=self.n_grids,
            grid_packages=grid_packages,
            features=features,
            elements=elements,
            users=len(user_ids),
            usages=usages,
            favorites=favorites,
            snapshots=snapshots,
            compatibility=compatibility_rows,
            advisories=advisories,
        )

    def _categories(self) -> list[int]:
        rows = [
            Category(
                id=index,
                title=title,
                slug=slug,
                title_plural=plural,
                description=description,
                show_pypi=slug != "projects",
                created=self.now - timedelta(days=4000),
                modified=self.now - timedelta(days=400),
            )
            for index, (title, slug, plural, description, _share) in enumerate(CATEGORIES, 1)
        ]
        _insert(Category, rows)
        return [row.id for row in rows]

    def _users(self) -> list[int]:
        user_model = get_user_model()
        users = []
        profiles = []
        for index in range(1, self.n_users + 1):
            joined = self.ago(max_days=3000, min_days=30)
            users.append(
                user_model(
                    id=index,
                    username=f"bench-user-{index:03d}",
                    email=f"bench-user-{index:03d}@example.com",
                    password="!",
                    date_joined=joined,
                    last_login=self.ago(max_days=30),
                )
            )
            profiles.append(
                Profile(
                    id=index,
                    user_id=index,
                    github_account=f"bench-user-{index:03d}",
                    created=joined,
                    modified=joined,
                )
            )
        _insert(user_model, users)
        _insert(Profile, profiles)
        return list(range(1, self.n_users + 1))

    def _packages(self, category_ids: list[int], user_ids: list[int]) -> tuple[list[int], int, int]:
        rng = self.rng
        ids = list(range(1, self.n_packages + 1))
        archived = set(rng.sample(ids, round(self.n_packages * ARCHIVED_FRACTION)))
        deprecated = set(rng.sample(ids, round(self.n_packages * DEPRECATED_FRACTION)))
        shares = [share for *_rest, share in CATEGORIES]
        contributors = [f"contributor-{index:04d}" for index in range(3000)]
        replacements = [other for other in ids[:100] if other not in deprecated]
        packages: list[Package] = []
        repo_data: list[RepoData] = []
        for pid in ids:
            words = rng.sample(WORDS, 2)
            if rng.random() < 0.75:
                name = f"django-{words[0]}-{words[1]}"
            else:
                name = f"{rng.choice(ADJECTIVES)}-{words[0]}"
            slug = f"{name}-{pid}"
            owner = f"owner{rng.randint(1, 2000)}"
            created = self.ago(max_days=4500, min_days=60)
            replacement = None
            if pid in deprecated:
                replacement = rng.choice(replacements) if replacements else None
            packages.append(
                Package(
                    id=pid,
                    title=name,
                    slug=slug,
                    category_id=rng.choices(category_ids, weights=shares)[0],
                    repo_url=f"https://github.com/{owner}/{slug}",
                    pypi_url=f"https://pypi.org/project/{slug}/",
                    pypi_key=slug,  # what save() derives from pypi_url (already normal)
                    documentation_url=f"https://{slug}.readthedocs.io/",
                    replaced_by_id=replacement,
                    created_by_id=rng.choice(user_ids),
                    last_modified_by_id=rng.choice(user_ids),
                    last_fetched=self.ago(max_days=2),
                    created=created,
                    modified=self.ago(max_days=300),
                )
            )
            inactive = pid in archived or pid in deprecated
            stars = min(int(rng.paretovariate(1.1) * 8), 40_000)
            commits = [
                0 if inactive or rng.random() < 0.5 else rng.randint(1, 25) for _ in range(52)
            ]
            forks = stars // rng.randint(4, 12)
            self.stars[pid] = (stars, forks)
            last_commit_at = self.ago(max_days=1500 if inactive else 400)
            if not inactive:
                last_commit_at, commits = self._shape_commits(pid, commits)
            repo_data.append(
                RepoData(
                    package_id=pid,
                    stars=stars,
                    forks=forks,
                    description=(
                        f"A {rng.choice(ADJECTIVES)} {words[0]} and {words[1]} app "
                        f"{rng.choice(PHRASES)}."
                    ),
                    archived=pid in archived,
                    license=rng.choice(LICENSES),
                    open_issues=rng.randint(0, 150),
                    default_branch="main",
                    last_commit_at=last_commit_at,
                    commits_over_52=commits,
                    participants=rng.sample(contributors, rng.randint(12, 28)),
                    fetched_at=self.ago(max_days=2),
                )
            )
        _insert(Package, packages)
        _insert(RepoData, repo_data)
        return ids, len(archived), len(deprecated)

    def _releases(self, package_ids: list[int]) -> int:
        rng = self.rng
        releases: list[Release] = []
        pypi_data: list[PyPIData] = []
        for pid in package_ids:
            count = rng.randint(2, 6)
            uploaded = self.ago(max_days=3000, min_days=700)
            major = rng.randint(0, 3)
            own: list[Release] = []
            for minor in range(count):
                version = f"{major}.{minor}.{rng.randint(0, 4)}"
                uploaded += timedelta(days=rng.randint(10, 150))
                own.append(
                    Release(
                        id=len(releases) + len(own) + 1,
                        package_id=pid,
                        version=version,
                        uploaded_at=min(uploaded, self.now),
                        yanked=rng.random() < 0.02,
                    )
                )
            pypi = PyPIData(
                package_id=pid,
                summary="A reusable Django app.",
                classifiers=rng.sample(CLASSIFIERS, rng.randint(3, len(CLASSIFIERS))),
                requires_python=rng.choice([">=3.10", ">=3.12", ""]),
                license=rng.choice(LICENSES),
                development_status=rng.choice(
                    ["5 - Production/Stable", "4 - Beta", "3 - Alpha", ""]
                ),
                project_urls={"Source": f"https://github.com/example/{pid}"},
                fetched_at=self.ago(max_days=2),
            )
            self._shape_pypi(pid, own, pypi)
            releases += own
            pypi_data.append(pypi)
        _insert(Release, releases)
        _insert(PyPIData, pypi_data)
        return len(releases)

    # --- Health inputs (drawn from `health_rng`) ----------------------------------------

    def _profile(self, pid: int) -> HealthProfile:
        """The package's health profile, drawn once (archived and deprecated packages keep
        theirs too: only their repository and curation say they are inactive)."""
        if pid not in self.profiles:
            shares = [profile.share for profile in HEALTH_PROFILES]
            self.profiles[pid] = self.health_rng.choices(HEALTH_PROFILES, weights=shares)[0]
        return self.profiles[pid]

    def _days_ago(self, span: tuple[int, int]) -> datetime:
        low, high = span
        return self.now - timedelta(seconds=self.health_rng.randint(low * 86400, high * 86400))

    def _shape_commits(self, pid: int, commits: list[int]) -> tuple[datetime, list[int]]:
        """The last commit by the profile, and no weekly commit after it."""
        last = self._days_ago(self._profile(pid).commit_days)
        quiet_weeks = (self.now - last).days // 7
        kept = 52 - min(quiet_weeks, 52)
        shaped = commits[:kept] + [0] * (52 - kept)
        if kept and not any(shaped):
            shaped[kept - 1] = 1  # the last commit's week has it
        return last, shaped

    def _shape_pypi(self, pid: int, releases: list[Release], pypi: PyPIData) -> None:
        """Give a package's releases and metadata its profile: the history keeps its
        intervals but ends at the profile's age; the classifiers, requires_python and
        requires_dist name the releases of its era; some are typed, some end in a
        pre-release, some declare Development Status :: 7 - Inactive."""
        rng = self.health_rng
        profile = self._profile(pid)
        newest = max(r.uploaded_at for r in releases if r.uploaded_at is not None)
        shift = self._days_ago(profile.release_days) - newest
        for release in releases:
            assert release.uploaded_at is not None
            release.uploaded_at = min(release.uploaded_at + shift, self.now)
        last = releases[-1]
        if rng.random() < PRERELEASE_SHARE:
            last.version = f"{last.version}rc1"
            last.is_prerelease = True
        python = sorted(rng.sample(profile.python, rng.randint(1, len(profile.python))))
        django = sorted(rng.sample(profile.django, rng.randint(1, len(profile.django))))
        classifiers = [
            "Framework :: Django",
            *(f"Framework :: Django :: {v}" for v in django),
            "Programming Language :: Python :: 3",
            *(f"Programming Language :: Python :: {v}" for v in python),
        ]
        if rng.random() < 0.25:  # many real packages name no version at all
            classifiers = ["Framework :: Django", "Programming Language :: Python :: 3"]
        if rng.random() < TYPED_SHARE:
            classifiers.append("Typing :: Typed")
        if profile.name == "silent" and rng.random() < INACTIVE_STATUS_SHARE / 0.35:
            pypi.development_status = "7 - Inactive"
        if pypi.development_status:
            classifiers.append(f"Development Status :: {pypi.development_status}")
        licence = pypi.license
        if licence == "MIT":
            classifiers.append("License :: OSI Approved :: MIT License")
        pypi.classifiers = classifiers
        pypi.requires_python = rng.choice(["", f">={python[0]}"])
        requirement = rng.choice(profile.requires_dist)
        pypi.requires_dist = [requirement] if requirement else []
        if rng.random() < 0.5:
            pypi.project_urls = {
                **pypi.project_urls,
                "Documentation": f"https://docs.example.org/{pid}/",
                "Changelog": f"https://github.com/example/{pid}/blob/main/CHANGES.rst",
            }
        for release in releases:
            release.requires_python = pypi.requires_python
        available = [r for r in releases if not r.yanked]
        pypi.latest_version = available[-1].version if available else None

    def _health_facts(
        self, package_ids: list[int], *, first_ids: tuple[int, int] = (1, 1)
    ) -> tuple[int, int]:
        """Compatibility rows derived from the stored PyPI facts by the apply step's own
        rules, and a few advisories against latest releases (some withdrawn); their ids
        start at `first_ids` (compatibility, advisory)."""
        first_compatibility, first_advisory = first_ids
        rng = self.health_rng
        rows: list[Compatibility] = []
        advisories: list[Advisory] = []
        pypi_rows = PyPIData.objects.filter(package_id__in=package_ids).order_by("package_id")
        for pypi in pypi_rows.only("package_id", "classifiers", "requires_python", "requires_dist"):
            mapping = compatibility(
                classifiers=pypi.classifiers,
                requires_python=pypi.requires_python,
                requires_dist=pypi.requires_dist,
            )
            for product, versions in mapping.items():
                for version, sources in versions.items():
                    rows.append(
                        Compatibility(
                            id=first_compatibility + len(rows),
                            package_id=pypi.package_id,
                            product=product,
                            version=version,
                            sources=sources,
                        )
                    )
            if rng.random() < ADVISORY_SHARE:
                number = first_advisory + len(advisories)
                advisories.append(
                    Advisory(
                        id=number,
                        package_id=pypi.package_id,
                        advisory_id=f"GHSA-bench-{number:04d}",
                        aliases=[f"CVE-2026-{10000 + number}"],
                        summary="Cross-site scripting in a template tag.",
                        fixed_in=[],
                        link=f"https://osv.dev/vulnerability/GHSA-bench-{number:04d}",
                        withdrawn=self.now - timedelta(days=30)
                        if rng.random() < WITHDRAWN_SHARE
                        else None,
                    )
                )
        _insert(Compatibility, rows)
        product_support_store(package_ids=package_ids)  # the readiness pages' read model
        _insert(Advisory, advisories)
        return len(rows), len(advisories)

    def _grids(self, package_ids: list[int], user_ids: list[int]) -> tuple[int, int, int]:
        rng = self.rng
        grids: list[Grid] = []
        grid_packages: list[GridPackage] = []
        features: list[Feature] = []
        elements: list[Element] = []
        for gid in range(1, self.n_grids + 1):
            created = self.ago(max_days=3500, min_days=30)
            if gid == 1:
                title, slug = "Bench largest grid", LARGEST_GRID_SLUG
                n_packages = min(LARGEST_GRID_PACKAGES, len(package_ids))
                n_features = LARGEST_GRID_FEATURES
            else:
                topic = rng.choice(WORDS)
                title, slug = f"{topic.title()} {gid}", f"{topic}-{gid}"
                n_packages = min(rng.randint(6, 25), len(package_ids))
                n_features = rng.randint(5, 15)
            grids.append(
                Grid(
                    id=gid,
                    title=title,
                    slug=slug,
                    description=f"Compare {title.lower()} packages for Django.",
                    is_locked=rng.random() < 0.05,
                    header=gid <= 8,
                    is_featured=gid <= 8,
                    created_by_id=rng.choice(user_ids),
                    created=created,
                    modified=self.ago(max_days=300),
                )
            )
            grid_feature_ids = []
            for title_ in rng.sample(FEATURE_TITLES, n_features):
                feature_id = len(features) + 1
                features.append(
                    Feature(
                        id=feature_id,
                        grid_id=gid,
                        title=title_,
                        description=f"Does the package offer {title_.lower()}?",
                        created=created,
                        modified=created,
                    )
                )
                grid_feature_ids.append(feature_id)
            for pid in rng.sample(package_ids, n_packages):
                gp_id = len(grid_packages) + 1
                first_element_id = len(elements) + 1
                grid_packages.append(
                    GridPackage(
                        id=gp_id, grid_id=gid, package_id=pid, created=created, modified=created
                    )
                )
                elements.extend(
                    Element(
                        id=first_element_id + offset,
                        grid_package_id=gp_id,
                        feature_id=feature_id,
                        text=rng.choice(CELL_TEXTS),
                        created=created,
                        modified=created,
                    )
                    for offset, feature_id in enumerate(grid_feature_ids)
                )
        _insert(Grid, grids)
        _insert(Feature, features)
        _insert(GridPackage, grid_packages)
        _insert(Element, elements)
        return len(grid_packages), len(features), len(elements)

    def _usage(self, package_ids: list[int], user_ids: list[int]) -> tuple[int, int]:
        rng = self.rng
        usages: list[Usage] = []
        favorites: list[Favorite] = []
        for uid in user_ids:
            for pid in rng.sample(package_ids, min(rng.randint(5, 60), len(package_ids))):
                usages.append(
                    Usage(
                        id=len(usages) + 1,
                        package_id=pid,
                        user_id=uid,
                        created=self.ago(max_days=1000),
                    )
                )
            for pid in rng.sample(package_ids, min(rng.randint(0, 20), len(package_ids))):
                favorites.append(
                    Favorite(
                        id=len(favorites) + 1,
                        package_id=pid,
                        user_id=uid,
                        created=self.ago(max_days=1000),
                    )
                )
        _insert(Usage, usages)
        _insert(Favorite, favorites)
        return len(usages), len(favorites)

    def _snapshots(self) -> int:
        """Snapshots for one package in SNAPSHOT_EVERY (a few thousand rows in all): two
        older ones, then one a week for the last TRENDING_HISTORY_WEEKS weeks, ending
        today at the package's numbers. Half grow steadily (so /trending/ lists them), a
        quarter are flat, a quarter grew in one week only."""
        rng = self.snapshot_rng
        rows: list[Snapshot] = []
        for pid, (stars, forks) in sorted(self.stars.items()):
            if pid % SNAPSHOT_EVERY:
                continue
            shape = rng.random()
            weekly = max(stars // rng.randint(10, 40), 2)
            for weeks_ago in (52, 26, *range(TRENDING_HISTORY_WEEKS, -1, -1)):
                if shape < 0.5:
                    value = stars - weekly * weeks_ago
                elif shape < 0.75:
                    value = stars - weekly * (weeks_ago > 1)  # one jump, last week
                else:
                    value = stars - (weekly if weeks_ago > TRENDING_HISTORY_WEEKS else 0)
                rows.append(
                    Snapshot(
                        id=len(rows) + 1,
                        package_id=pid,
                        taken_at=self.now - timedelta(weeks=weeks_ago, hours=1),
                        stars=max(value, 0),
                        forks=max(forks - weeks_ago // 4, 0),
                    )
                )
        _insert(Snapshot, rows)
        return len(rows)


class _ScaleBuilder:
    """Adds the PyPI-scale rows to a built curated set: unreviewed packages with their
    PyPI data, releases and health inputs, more releases, and dependency edges.

    Draws from its own generator (and the curated builder's health generator, after the
    curated rows are drawn), so the curated rows are those of the set without `scale`.
    """

    def __init__(
        self, base: _Builder, summary: BenchDataSummary, scale: BenchScale, *, seed: int
    ) -> None:
        self.base = base
        self.summary = summary
        self.scale = scale
        self.rng = random.Random(f"scale-{seed}")
        self.curated = list(range(1, summary.packages + 1))
        self.discovered = [summary.packages + offset for offset in range(1, scale.discovered + 1)]
        self.slugs: dict[int, str] = dict(
            Package.objects.filter(pk__in=self.curated).values_list("pk", "slug")
        )

    def build(self) -> BenchDataSummary:
        releases = self.scale.releases or self.summary.releases
        remaining = releases - self.summary.releases
        if remaining < len(self.discovered) or (remaining and not self.discovered):
            raise ValueError(
                f"{self.scale.releases} releases cannot be spread over the "
                f"{self.summary.releases} curated releases and {len(self.discovered)} "
                "discovered packages (each has at least one)."
            )
        self._discovered_packages(remaining)
        compatibility_rows, advisories = self.base._health_facts(
            self.discovered,
            first_ids=(self.summary.compatibility + 1, self.summary.advisories + 1),
        )
        dependencies = self._dependencies()
        return dataclasses.replace(
            self.summary,
            packages=self.summary.packages + len(self.discovered),
            releases=releases,
            compatibility=self.summary.compatibility + compatibility_rows,
            advisories=self.summary.advisories + advisories,
            discovered=len(self.discovered),
            dependencies=dependencies,
        )

    def _release_counts(self, total: int) -> list[int]:
        """At least one release per discovered package, `total` in all, heavy-tailed."""
        rng = self.rng
        weights = [rng.paretovariate(1.5) for _ in self.discovered]
        spare = total - len(self.discovered)
        scale = spare / sum(weights) if weights else 0.0
        counts = [1 + int(weight * scale) for weight in weights]
        # The rounding left a few over: one more each to the first packages.
        for index in range(total - sum(counts)):
            counts[index % len(counts)] += 1
        return counts

    def _discovered_packages(self, releases_total: int) -> None:
        rng = self.rng
        base = self.base
        category = Category.objects.get(
            slug=settings.DISCOVERY_CATEGORY
            if any(row[1] == settings.DISCOVERY_CATEGORY for row in CATEGORIES)
            else "other"
        )
        next_release = self.summary.releases + 1
        releases: list[Release] = []
        packages: list[Package] = []
        repo_data: list[RepoData] = []
        pypi_data: list[PyPIData] = []
        for pid, count in zip(self.discovered, self._release_counts(releases_total), strict=True):
            words = rng.sample(WORDS, 2)
            name = f"django-{words[0]}-{words[1]}" if rng.random() < 0.85 else f"{words[0]}-kit"
            slug = f"{name}-{pid}"
            self.slugs[pid] = slug
            found = self.base.now - timedelta(seconds=rng.randint(0, 90 * 86400))
            repo_url = ""
            if rng.random() < DISCOVERED_REPO_SHARE:
                repo_url = f"https://github.com/owner{rng.randint(1, 20_000)}/{slug}"
                stars = min(int(rng.paretovariate(1.6) * 3), 5000)
                last_commit_at, commits = base._shape_commits(
                    pid, [0 if rng.random() < 0.7 else rng.randint(1, 10) for _ in range(52)]
                )
                repo_data.append(
                    RepoData(
                        package_id=pid,
                        stars=stars,
                        forks=stars // rng.randint(4, 12),
                        description=f"{words[0].title()} and {words[1]} {rng.choice(PHRASES)}.",
                        license=rng.choice(LICENSES),
                        open_issues=rng.randint(0, 40),
                        default_branch="main",
                        last_commit_at=last_commit_at,
                        commits_over_52=commits,
                        participants=[f"contributor-{rng.randint(0, 9999):04d}"],
                        fetched_at=found,
                    )
                )
            packages.append(
                Package(
                    id=pid,
                    title=name,
                    slug=slug,
                    category_id=category.pk,
                    repo_url=repo_url,
                    pypi_url=f"https://pypi.org/project/{slug}/",
                    pypi_key=slug,
                    documentation_url="",
                    reviewed=False,
                    last_fetched=found,
                    created=found,
                    modified=found,
                )
            )
            own = self._history(pid, count, next_release)
            next_release += count
            pypi = PyPIData(
                package_id=pid,
                summary=f"A {rng.choice(ADJECTIVES)} {words[0]} app {rng.choice(PHRASES)}.",
                license=rng.choice(LICENSES),
                development_status=rng.choice(["5 - Production/Stable", "4 - Beta", ""]),
                project_urls={"Source": repo_url} if repo_url else {},
                fetched_at=found,
            )
            base._shape_pypi(pid, own, pypi)
            if rng.random() > DISCOVERED_DJANGO_SHARE:
                pypi.requires_dist = []  # a Django package by its classifiers alone
            releases += own
            pypi_data.append(pypi)
            if len(releases) >= SCALE_FLUSH_ROWS:
                _insert(Release, releases, batch_size=SCALE_BATCH_SIZE)
                releases = []
        _insert(Package, packages, batch_size=SCALE_BATCH_SIZE)
        _insert(RepoData, repo_data, batch_size=SCALE_BATCH_SIZE)
        _insert(PyPIData, pypi_data, batch_size=SCALE_BATCH_SIZE)
        _insert(Release, releases, batch_size=SCALE_BATCH_SIZE)

    def _history(self, pid: int, count: int, first_id: int) -> list[Release]:
        """`count` releases, oldest first, a week to a few months apart."""
        rng = self.rng
        uploaded = self.base.now - timedelta(days=count * 40 + 30)
        major = rng.randint(0, 2)
        own = []
        for index in range(count):
            uploaded += timedelta(days=rng.randint(7, 70))
            own.append(
                Release(
                    id=first_id + index,
                    package_id=pid,
                    version=f"{major + index // 100}.{index // 10 % 10}.{index % 10}",
                    uploaded_at=min(uploaded, self.base.now),
                    yanked=index < count - 1 and rng.random() < 0.01,
                )
            )
        return own

    def _dependencies(self) -> int:
        """Add requirements to every package's `requires_dist` until the directory has
        `scale.dependencies` Dependency rows, then write the rows as the fetch's apply
        step parses them; return how many."""
        rng = self.rng
        stored = dict(PyPIData.objects.order_by("pk").values_list("package_id", "requires_dist"))
        existing = sum(len(lines) for lines in stored.values())
        extra = self.scale.dependencies - existing
        if extra < 0:
            raise ValueError(
                f"{self.scale.dependencies} dependency edges are fewer than the "
                f"{existing} Django requirements the packages already have."
            )
        ranked = self.curated[:]
        rng.shuffle(ranked)
        cum_weights = []
        running = 0.0
        for rank in range(1, len(ranked) + 1):
            running += rank**-DIRECTORY_ZIPF
            cum_weights.append(running)
        owners = rng.choices(sorted(stored), k=extra)
        added: dict[int, list[str]] = {}
        for pid in owners:
            lines = added.setdefault(pid, [])
            lines.append(self._requirement(pid, ranked, cum_weights, len(lines)))
        changed = []
        for pid, lines in added.items():
            stored[pid] = [*stored[pid], *lines]
            changed.append(PyPIData(package_id=pid, requires_dist=stored[pid]))
        PyPIData.objects.bulk_update(changed, ["requires_dist"], batch_size=SCALE_BATCH_SIZE)
        return self._write_dependencies(stored)

    def _requirement(
        self, pid: int, ranked: list[int], cum_weights: list[float], index: int
    ) -> str:
        """One more requirement line for package `pid` (its `index`th added one)."""
        rng = self.rng
        name = ""
        if rng.random() >= EXTERNAL_SHARE:
            for _attempt in range(3):  # a package does not require itself
                if self.discovered and rng.random() < DISCOVERED_TARGET_SHARE:
                    target = rng.choice(self.discovered)
                else:
                    target = rng.choices(ranked, cum_weights=cum_weights)[0]
                if target != pid:
                    name = self.slugs[target]
                    break
        if not name:
            name = EXTERNAL_PROJECTS[index % len(EXTERNAL_PROJECTS)]
        line = name
        if rng.random() < 0.7:
            line += f">={rng.randint(0, 5)}.{rng.randint(0, 9)}"
        if rng.random() < OPTIONAL_SHARE:
            line += f'; extra == "{rng.choice(WORDS[:12])}"'
        elif rng.random() < PYTHON_MARKER_SHARE:
            line += '; python_version < "3.11"'
        return line

    def _write_dependencies(self, requires: dict[int, list[str]]) -> int:
        """Dependency rows for every package's requirements, in order, as
        `package_apply_dependencies` stores them (targets by PyPI name, never itself)."""
        targets = {slug: pid for pid, slug in self.slugs.items()}
        parsed: dict[str, ParsedRequirement | None] = {}
        rows: list[Dependency] = []
        for pid, lines in sorted(requires.items()):
            for line in lines:
                if line not in parsed:
                    found = requirements_parse([line])
                    parsed[line] = found[0] if found else None
            readable = [r for line in lines if (r := parsed[line]) is not None]
            for position, requirement in enumerate(readable):
                target = targets.get(requirement.key)
                rows.append(
                    Dependency(
                        id=len(rows) + 1,
                        package_id=pid,
                        position=position,
                        name=requirement.name,
                        key=requirement.key,
                        specifier=requirement.specifier,
                        markers=requirement.markers,
                        optional=requirement.optional,
                        target_id=target if target != pid else None,
                    )
                )
        _insert(Dependency, rows, batch_size=SCALE_BATCH_SIZE)
        return len(rows)


def _insert(model: type[models.Model], rows: list[Any], *, batch_size: int = BATCH_SIZE) -> None:
    model._default_manager.bulk_create(rows, batch_size=batch_size)


def _after_bulk_write() -> None:
    after_bulk_write(
        inserted_with_ids=[
            Category,
            get_user_model(),
            Profile,
            Package,
            Release,
            Grid,
            Feature,
            GridPackage,
            Element,
            Usage,
            Favorite,
            Snapshot,
            Compatibility,
            Advisory,
            Dependency,
        ]
    )


def database_settle() -> None:
    """Do what autovacuum does to the tables some time after a bulk load: planner
    statistics (and, on PostgreSQL, the visibility map that index-only scans need). A
    site measured right after its data was written would otherwise run on plans made
    without statistics, which no site serving for a while does."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
