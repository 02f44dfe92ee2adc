"""Reads of health facts: a package's compatibility and advisories, readiness pages and
the requirements checker. Every function runs a fixed number of queries."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import overload

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from packaging.requirements import InvalidRequirement, Requirement

from packagegrid.catalog.dependency_selectors import dependents_count_subquery, package_dependents
from packagegrid.catalog.models import (
    Dependency,
    Favorite,
    Package,
    PyPIData,
    Release,
    RepoData,
    Usage,
)
from packagegrid.catalog.selectors import (
    package_list_for_api,
    people_count_subquery,
    usage_count_subquery,
)
from packagegrid.fetchers.models import FetchState
from packagegrid.health.compatibility import Compatibility as CompatibilityMap
from packagegrid.health.models import (
    Advisory,
    Compatibility,
    Lifecycle,
    PackageHealth,
    Product,
    ProductSupport,
)
from packagegrid.health.releases import PRODUCTS, ProductRelease, known_release, known_releases
from packagegrid.lib.pypi_names import normalize_pypi_name, pypi_name_from_url


@dataclass(frozen=True)
class LatestRelease:
    version: str
    uploaded: datetime | None  # the API serialises it as ISO 8601
    yanked: bool


@dataclass(frozen=True)
class PackageFacts:
    """What the package page and API show from the health facts of one package."""

    compatibility: CompatibilityMap  # the API's `compatibility` mapping
    advisories: list[Advisory]  # not withdrawn, by id
    latest_release: LatestRelease | None
    pip_name: str  # the PyPI name to `pip install`, "" when none

    @property
    def product_rows(self) -> list[tuple[str, str, list[tuple[str, list[str]]]]]:
        """(label, product, [(version, sources), ...]) for each product some source names,
        newest release first."""
        return [
            (Product(product).label, product, list(reversed(self.compatibility[product].items())))
            for product in PRODUCTS
            if product in self.compatibility
        ]


def compatibility_mapping(rows: list[Compatibility]) -> CompatibilityMap:
    """Stored rows as the API's mapping: product -> version -> sources, oldest first."""
    order = {p: [r.version for r in known_releases(p)] for p in PRODUCTS}
    mapping: CompatibilityMap = {}
    for row in sorted(
        rows,
        key=lambda r: (
            r.product,
            order[r.product].index(r.version) if r.version in order[r.product] else 999,
        ),
    ):
        mapping.setdefault(row.product, {})[row.version] = list(row.sources)
    return mapping


def advisories_against(advisories: Iterable[Advisory], version: str | None) -> list[Advisory]:
    """The advisories that still affect `version`, the package's latest: those neither
    withdrawn nor fixed in it (`Advisory.is_fixed_in`), in the order given (no query).

    PyPI lists advisories against the latest version, but the stored ones may be older
    than the latest version known, so one that version already fixes is left out.
    """
    return [a for a in advisories if a.withdrawn is None and not a.is_fixed_in(version)]


LATEST_RELEASES = "latest_releases"


def latest_release_prefetch() -> Prefetch[str, QuerySet[Release], str]:
    """Prefetch, as `LATEST_RELEASES`, each package's release named by
    `PyPIData.latest_version` (at most one): one query for any number of packages."""
    # A semi-join on PyPIData alone: going through `package__pypi_data` joined the
    # packages table too, whose planning (it has many indexes) and scan cost more than
    # the rest of the query.
    is_latest = PyPIData.objects.filter(
        package_id=OuterRef("package_id"), latest_version=OuterRef("version")
    )
    latest = Release.objects.filter(Exists(is_latest)).only(
        "package_id", "version", "uploaded_at", "yanked"
    )
    return Prefetch("releases", queryset=latest, to_attr=LATEST_RELEASES)


def latest_release_of(package: Package) -> LatestRelease | None:
    """The latest release of a package read with `latest_release_prefetch()` (no query);
    None when PyPI's latest version is not among its stored releases."""
    releases: list[Release] = getattr(package, LATEST_RELEASES)
    if not releases:
        return None
    return LatestRelease(releases[0].version, releases[0].uploaded_at, releases[0].yanked)


def package_facts(
    *, package: Package, latest_version: str | None, releases: Iterable[Release] | None = None
) -> PackageFacts:
    """The health facts of `package` (three queries): its compatibility, the advisories
    against its latest version (`advisories_against`), and its latest release; two when
    `releases` holds the release of `latest_version` if the package has one."""
    rows = list(Compatibility.objects.filter(package=package))
    advisories = advisories_against(
        Advisory.objects.filter(package=package, withdrawn__isnull=True), latest_version
    )
    release: Release | None = None
    if latest_version and releases is not None:
        release = next((r for r in releases if r.version == latest_version), None)
    elif latest_version:
        release = Release.objects.filter(package=package, version=latest_version).first()
    return PackageFacts(
        compatibility=compatibility_mapping(rows),
        advisories=advisories,
        latest_release=(
            LatestRelease(release.version, release.uploaded_at, release.yanked) if release else None
        ),
        pip_name=package.pypi_name,
    )


# Readiness -------------------------------------------------------------------------------

READY, NOT_DECLARED, UNKNOWN = "ready", "not declared", "unknown"
READINESS_PAGE_SIZE = 50


@dataclass(frozen=True)
class ReadinessPage:
    release: ProductRelease
    product_label: str
    packages: Page[Package]  # annotated with `status`, `usage` and `stars`
    counts: dict[str, int]  # packages per status: "ready", "not_declared", "unknown"
    today: date

    @property
    def unsupported(self) -> bool:
        return self.release.end_of_support < self.today

    @property
    def ends_soon(self) -> bool:
        return not self.unsupported and (self.release.end_of_support - self.today).days <= 180


def _with_status(packages: QuerySet[Package], product: str, version: str) -> QuerySet[Package]:
    """`ready` (some source names the version) and `declares` (some names the product)."""
    here = Compatibility.objects.filter(package=OuterRef("pk"), product=product)
    return packages.annotate(ready=Exists(here.filter(version=version)), declares=Exists(here))


def readiness_packages(*, product: str, version: str) -> QuerySet[Package]:
    """Every package with its status for one release, best first (one query).

    `status`: "ready" when some source names the version; "not declared" when the package
    declares other versions of the product but not this one; "unknown" when it declares
    none. Sorted by status, then health score (packages not scored yet last), then usage,
    then stars, then title (then id). The score comes before usage because it already weighs usage,
    stars and favorites against the directory, with maintenance and quality: of two ready
    packages, the maintained one is the better pick. The stored health is joined (without
    its factors). Listed packages only (`PackageQuerySet.listed`): auto-discovered ones
    count once a person reviews them.
    """
    packages = (
        Package.objects.listed()
        .select_related("category", "health")
        .defer("health__axes", "health__factors", "health__lifecycle_reason")
    )
    return (
        _with_status(packages, product, version)
        .annotate(
            status=Case(
                When(ready=True, then=Value(READY)),
                When(declares=True, then=Value(NOT_DECLARED)),
                default=Value(UNKNOWN),
            ),
            status_rank=Case(
                When(ready=True, then=Value(0)),
                When(declares=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            usage=usage_count_subquery(),
            stars=Coalesce("repo_data__stars", Value(0)),
        )
        .order_by(
            "status_rank",
            F("health__score").desc(nulls_last=True),
            "-usage",
            "-stars",
            "title",
            "id",
        )
    )


def _readiness_ranking(product: str, version: str) -> tuple[str, list[object]]:
    """SQL of every package with its status rank (0 ready, 1 not declared, 2 unknown) and
    sort keys, with its parameters. The statuses (`_readiness_status_sql`) and the usage
    counts are read once in derived tables and joined, instead of probed per package by
    correlated subqueries: on PostgreSQL those cost 5,000 index probes each, and a plan
    expensive enough to be JIT-compiled on every request (30-140 ms)."""
    status, params = _readiness_status_sql(product, version)
    return (
        "SELECT p.id AS id, CASE WHEN c.ready = 1 THEN 0"
        " WHEN c.package_id IS NOT NULL THEN 1 ELSE 2 END AS status_rank,"
        " h.score AS score, COALESCE(u.n, 0) AS usage, COALESCE(r.stars, 0) AS stars,"
        " p.title AS title"
        f" FROM {Package._meta.db_table} p"
        f" LEFT JOIN ({status}) c ON c.package_id = p.id"
        f" LEFT JOIN (SELECT package_id, COUNT(*) AS n FROM {Usage._meta.db_table}"
        " GROUP BY package_id) u ON u.package_id = p.id"
        f" LEFT JOIN {PackageHealth._meta.db_table} h ON h.package_id = p.id"
        f" LEFT JOIN {RepoData._meta.db_table} r ON r.package_id = p.id"
        " WHERE p.reviewed = %s",
        [*params, True],
    )


def _readiness_status_sql(product: str, version: str) -> tuple[str, list[str | bool]]:
    """SQL of each listed package's readiness for one release (`ready` 1 when some
    compatibility row names the version, 0 when rows name only other versions; packages
    without rows are absent), with its parameters: one row per listed package that
    declares the product, read from the readiness read model (`ProductSupport`) through
    its index, instead of grouping every package's compatibility rows per request."""
    return (
        "SELECT package_id, CASE WHEN versions LIKE %s THEN 1 ELSE 0 END AS ready"
        f" FROM {ProductSupport._meta.db_table} WHERE product = %s AND listed = %s",
        [f"% {version} %", product, True],
    )


def _readiness_counts(product: str, version: str) -> dict[str, int]:
    """Listed packages per status, one grouped query."""
    status, params = _readiness_status_sql(product, version)
    sql = (
        "SELECT CASE WHEN c.ready = 1 THEN 0 WHEN c.package_id IS NOT NULL THEN 1 ELSE 2 END"
        f" AS status_rank, COUNT(*) FROM {Package._meta.db_table} p"
        f" LEFT JOIN ({status}) c ON c.package_id = p.id WHERE p.reviewed = %s GROUP BY 1"
    )
    counts = {"ready": 0, "not_declared": 0, "unknown": 0}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, True])
        for rank, n in cursor.fetchall():
            counts[("ready", "not_declared", "unknown")[rank]] = n
    return counts


class _ReadinessRows(Sequence[Package]):
    """The packages of `readiness_packages` as the paginator slices them: the ids of one
    page are ranked in SQL over derived tables (`_readiness_ranking`), and only that page's
    rows are read, with their status and usage, in the same query."""

    def __init__(self, *, product: str, version: str, count: int) -> None:
        self.product, self.version, self.total = product, version, count

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> Package: ...
    @overload
    def __getitem__(self, index: slice) -> list[Package]: ...
    def __getitem__(self, index: int | slice) -> Package | list[Package]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(self.total)
        ranking, params = _readiness_ranking(self.product, self.version)
        ids = RawSQL(
            f"SELECT id FROM ({ranking}) ranked ORDER BY status_rank, score DESC NULLS LAST,"
            " usage DESC, stars DESC, title, id LIMIT %s OFFSET %s",
            (*params, max(stop - start, 0), start),
        )
        rows = readiness_packages(product=self.product, version=self.version)
        return list(rows.filter(pk__in=ids))


def readiness_page(
    *, product: str, version: str, page: int | str | None, today: date
) -> ReadinessPage:
    """One release's readiness page (two queries: the status counts, then the page's rows;
    the counts give the paginator its total).

    Raises LookupError for a product or version that is not a known release.
    """
    release = known_release(product, version)
    if release is None:
        raise LookupError(f"{product} {version}")
    counts = _readiness_counts(product, version)
    total = sum(counts.values())
    paginator = Paginator(
        _ReadinessRows(product=product, version=version, count=total), READINESS_PAGE_SIZE
    )
    # The total is known already: setting it saves the paginator's COUNT query.
    paginator.count = total
    return ReadinessPage(
        release=release,
        product_label=Product(product).label,
        packages=paginator.get_page(page),
        counts=counts,
        today=today,
    )


# Requirements checker --------------------------------------------------------------------

MAX_REQUIREMENT_LINES = 500
_PYPROJECT_ARRAY = re.compile(r"^\s*(?:dependencies|requires)\s*=\s*\[", re.MULTILINE)
# A quoted string, a comment, or the array's closing bracket.
_ARRAY_TOKEN = re.compile(r"""(?P<q>["'])(?P<value>.*?)(?P=q)|#[^\n]*|(?P<end>\])""")


def _array_strings(text: str, start: int) -> list[str]:
    """The quoted strings of a TOML array from `start` (after its `[`) to its `]`."""
    values = []
    for token in _ARRAY_TOKEN.finditer(text, start):
        if token["end"]:
            break
        if token["value"] is not None:
            values.append(token["value"])
    return values


@dataclass(frozen=True)
class RequirementLine:
    text: str  # the line as given
    name: str  # the normalised project name, "" when the line is not a requirement
    error: str  # why the line was not read, "" when it was


@dataclass(frozen=True)
class RequirementCheck:
    line: RequirementLine
    package: Package | None  # the directory's package for that PyPI name
    status: str  # READY, NOT_DECLARED, UNKNOWN, or "" when not listed or unreadable


def requirement_lines(text: str) -> list[RequirementLine]:
    """Read a requirements.txt or a pyproject.toml dependency list, one requirement a line.

    Comments, blank lines and pip options (`-r`, `-e`, `--index-url`, ...) are skipped;
    a `dependencies = [...]` (or `requires = [...]`) array is read from its quoted
    strings; extras and markers are allowed. At most MAX_REQUIREMENT_LINES are read.
    """
    arrays = list(_PYPROJECT_ARRAY.finditer(text))
    if arrays:
        candidates = [value for array in arrays for value in _array_strings(text, array.end())]
    else:
        candidates = text.splitlines()
    lines: list[RequirementLine] = []
    for raw in candidates:
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-", "[")):
            continue
        if len(lines) == MAX_REQUIREMENT_LINES:
            break
        try:
            requirement = Requirement(line)
        except InvalidRequirement as exc:
            lines.append(RequirementLine(line[:200], "", str(exc).splitlines()[0][:200]))
            continue
        lines.append(RequirementLine(line[:200], normalize_pypi_name(requirement.name), ""))
    return lines


def requirements_check(*, text: str, product: str, version: str) -> list[RequirementCheck]:
    """Each requirement in `text` with the directory's package and its status for the
    release (two queries, whatever the number of lines).

    Packages are matched by normalised PyPI name, auto-discovered ones too (the page marks
    them); a requirement no package names is "not listed" (package None).
    """
    lines = requirement_lines(text)
    wanted = {line.name for line in lines if line.name}
    by_name: dict[str, Package] = {}
    if wanted:
        # pypi_url is stored in several URL forms, so the name is read in Python; the rows
        # are narrow (five columns).
        for package in Package.objects.exclude(pypi_url="").only(
            "id", "slug", "title", "pypi_url", "reviewed"
        ):
            name = normalize_pypi_name(pypi_name_from_url(package.pypi_url))
            if name in wanted and name not in by_name:
                by_name[name] = package
    statuses: dict[int, str] = {}
    if by_name:
        chosen = Package.objects.filter(pk__in=[p.pk for p in by_name.values()])
        flags = _with_status(chosen, product, version).values_list(  # type: ignore[misc]  # annotated by _with_status
            "pk",
            "ready",
            "declares",  # annotations, unknown to the stubs
        )
        for package_id, ready, declares in flags:
            statuses[package_id] = READY if ready else NOT_DECLARED if declares else UNKNOWN
    checks = []
    for line in lines:
        found = by_name.get(line.name)
        checks.append(
            RequirementCheck(
                line=line,
                package=found,
                status=statuses.get(found.pk, UNKNOWN) if found else "",
            )
        )
    return checks


# Health score ----------------------------------------------------------------------------


def package_health_of(package: Package) -> PackageHealth | None:
    """The stored health of a package read with `select_related("health")`, or None when
    it was never scored (no query either way)."""
    try:
        return package.health
    except PackageHealth.DoesNotExist:
        return None


def factor_value_text(value: object) -> str:
    """A factor's value as the rules page shows it: lists joined, None "unknown",
    booleans "yes"/"no"."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "none"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@dataclass(frozen=True)
class RulesPage:
    package: Package
    health: PackageHealth | None  # None: not scored yet

    @property
    def factors(self) -> list[dict[str, object]]:
        """The stored factors, each with `shown`: its value as text."""
        if self.health is None:
            return []
        return [
            {**factor, "shown": factor_value_text(factor["value"])}
            for factor in self.health.factors
        ]


def rules_page(*, slug: str) -> RulesPage:
    """The package and its stored health, for the rules page (one query).

    Raises Package.DoesNotExist for an unknown slug.
    """
    package = (
        Package.objects.select_related("health")
        .only("id", "slug", "title", "health")
        .get(slug=slug)
    )
    return RulesPage(package=package, health=package_health_of(package))


def package_list_for_api_v5() -> QuerySet[Package]:
    """`package_list_for_api()` with what API v5 adds: the stored health joined, and the
    compatibility rows, the advisories that are not withdrawn and the latest release
    prefetched (`latest_releases`: the release named by `PyPIData.latest_version`, at
    most one).

    Also annotated with `usage_count`, `favorite_count` and `dependents_count`, with each
    source's fetch state prefetched (`fetch_states`, by source) and each package's
    requirements (`dependencies`, in order, with the listed package each names: its slug
    only). Seven queries a page, whatever the page size.
    """
    requirements = (
        Dependency.objects.select_related("target")
        .only("package_id", "name", "specifier", "markers", "target__slug")
        .order_by("position")
    )
    return (
        package_list_for_api()
        .select_related("health")
        .annotate(
            usage_count=people_count_subquery(Usage),
            favorite_count=people_count_subquery(Favorite),
            dependents_count=dependents_count_subquery(),
        )
        .prefetch_related(
            Prefetch("dependencies", queryset=requirements),
            Prefetch("compatibility", queryset=Compatibility.objects.order_by("id")),
            Prefetch("advisories", queryset=Advisory.objects.filter(withdrawn__isnull=True)),
            latest_release_prefetch(),
            Prefetch("fetch_states", queryset=FetchState.objects.order_by("source")),
        )
    )


def package_dependents_for_api_v5(*, package: Package) -> QuerySet[Package]:
    """`package_list_for_api_v5()` narrowed to the packages that require `package` outside
    an extra, by title (as `package_dependents` orders them; API v5's cursor pages put
    their own order on it)."""
    return (
        package_list_for_api_v5()
        .filter(pk__in=package_dependents(package=package).values("pk"))
        .order_by("title", "id")
    )


@dataclass(frozen=True)
class LifecycleCount:
    lifecycle: str  # a `Lifecycle` value
    packages: int
    mean_score: float


@dataclass(frozen=True)
class HealthDistribution:
    """How the directory's packages spread over the lifecycle states."""

    packages: int  # every package in the directory
    states: list[LifecycleCount]  # every state, in `Lifecycle` order, zeros included
    models: dict[str, int]  # stored model version: packages scored with it

    @property
    def scored(self) -> int:
        return sum(state.packages for state in self.states)

    @property
    def unscored(self) -> int:
        return self.packages - self.scored


def health_distribution() -> HealthDistribution:
    """The lifecycle distribution of the stored scores, with each state's mean score and
    the model versions that computed them (three queries)."""
    rows = {
        row["lifecycle"]: row
        for row in PackageHealth.objects.order_by()
        .values("lifecycle")
        .annotate(packages=Count("pk"), mean=Avg("score"))
    }
    models = dict(
        PackageHealth.objects.order_by()
        .values_list("model")
        .annotate(packages=Count("pk"))
        .values_list("model", "packages")
    )
    states = [
        LifecycleCount(
            lifecycle=state.value,
            packages=rows[state.value]["packages"] if state.value in rows else 0,
            mean_score=float(rows[state.value]["mean"]) if state.value in rows else 0.0,
        )
        for state in Lifecycle
    ]
    return HealthDistribution(packages=Package.objects.count(), states=states, models=models)
