"""Reads of dependency edges: what a package depends on, who depends on it, and which of
its requirements pin Django below every release still in support."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from packagegrid.catalog.models import Dependency, Package
from packagegrid.health.compatibility import excludes_supported, supported_releases
from packagegrid.lib.plans import IntegerLiteral

DJANGO_KEY = "django"
DEPENDENTS_SHOWN = 20


def dependents_count_subquery() -> Coalesce:
    """How many packages of the directory require the outer package (outside an extra),
    as an annotation (0 when none): one indexed aggregate per row, no join fan-out."""
    counted = (
        Dependency.objects.filter(target=OuterRef("pk"), optional=False)
        .order_by()
        .values("target")
        .annotate(n=Count("package", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def package_dependents(*, package: Package) -> QuerySet[Package]:
    """The packages that require `package` outside an extra, by title (a lazy query)."""
    # The package's id in the SQL: the plan for a package required by 10,000 others (walk
    # the title index, stop at the page) is not the plan for one required by three.
    requiring = Dependency.objects.filter(
        target_id=IntegerLiteral(package.pk), optional=False
    ).values("package_id")
    return Package.objects.filter(pk__in=requiring).order_by("title", "id")


@dataclass(frozen=True, slots=True)
class OutdatedPin:
    """A requirement that keeps the package off every Django still in support."""

    dependency: str  # the requirement's name as written: "Django", "django-foo"
    specifier: str  # the Django specifier(s) that do it, "<4" (comma-joined when several)
    direct: bool  # a requirement on Django itself, not through a package of the directory

    @property
    def text(self) -> str:
        """ "Django<4", or "django-foo (requires Django<4)"."""
        if self.direct:
            return f"{self.dependency}{self.specifier}"
        return f"{self.dependency} (requires Django{self.specifier})"


type Edge = tuple[str, str, str, int | None]  # name, key, specifier, target id


def _django_specifiers(packages: QuerySet[Any, Any]) -> dict[int, list[str]]:
    """Each package in `packages` (a subquery of ids, which keeps the query even when it
    is empty, so that the count of queries does not depend on the data) with its Django
    specifiers (requirements outside an extra), one query."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = Dependency.objects.filter(
        package_id__in=packages, key=DJANGO_KEY, optional=False
    ).values_list("package_id", "specifier")
    for package_id, specifier in rows:
        found[package_id].append(specifier)
    return found


def _pins(
    edges: Sequence[Edge], through: dict[int, list[str]], supported: frozenset[str]
) -> list[OutdatedPin]:
    direct = [specifier for _, key, specifier, _ in edges if key == DJANGO_KEY]
    pins = []
    if excludes_supported(direct, "django", supported):
        name = next(name for name, key, _, _ in edges if key == DJANGO_KEY)
        pins.append(OutdatedPin(name, ",".join(s for s in direct if s), direct=True))
    for name, key, _, target_id in edges:
        specifiers = through.get(target_id, []) if target_id is not None else []
        if key != DJANGO_KEY and excludes_supported(specifiers, "django", supported):
            pins.append(OutdatedPin(name, ",".join(s for s in specifiers if s), direct=False))
    return pins


def outdated_pins(
    *, package_ids: Sequence[int] | None, today: date | None = None
) -> dict[int, list[OutdatedPin]]:
    """The outdated pins of each package (all when `package_ids` is None), two queries.

    A pin is direct (the package's own requirements on Django admit no Django in support
    on `today`, though they admit an older one) or through a dependency listed in the
    directory whose own requirements on Django do that. Requirements under an extra are
    optional, so they never pin. Packages without pins are absent.
    """
    supported = supported_releases("django", today or timezone.localdate())
    rows = Dependency.objects.filter(optional=False).order_by("package_id", "position")
    if package_ids is not None:
        rows = rows.filter(package_id__in=package_ids)
    edges: dict[int, list[Edge]] = defaultdict(list)
    for package_id, name, key, specifier, target_id in rows.values_list(
        "package_id", "name", "key", "specifier", "target_id"
    ):
        edges[package_id].append((name, key, specifier, target_id))
    through = _django_specifiers(rows.filter(target__isnull=False).values("target_id"))
    found = {package_id: _pins(es, through, supported) for package_id, es in edges.items()}
    return {package_id: pins for package_id, pins in found.items() if pins}


@dataclass(frozen=True, slots=True)
class PackageDependencies:
    """What the package page shows about dependencies."""

    dependencies: list[Dependency]  # in requirement order, `target` joined (slug, title)
    dependents: list[Package]  # at most DEPENDENTS_SHOWN, by title
    dependents_count: int
    outdated_pins: list[OutdatedPin]


# Between the Django specifiers of a requirement's target, aggregated into one string:
# a PEP 508 specifier never holds a line break.
_SPECIFIER_SEPARATOR = "\n"


def package_dependencies(*, package: Package, today: date | None = None) -> PackageDependencies:
    """The package's requirements, its dependents and its outdated pins, in three queries:
    the requirements, each with the Django specifiers of its target when the directory
    lists it (which give the pins), the first dependents, and their total (counted in the
    dependency index alone)."""
    # The targets' specifiers in the requirements' own query, not a query of their own:
    # at this size a query costs more to build and compile in Python than to run.
    target_django = (
        Dependency.objects.filter(package=OuterRef("target_id"), key=DJANGO_KEY, optional=False)
        .order_by()
        .values("package_id")
        .annotate(specifiers=StringAgg("specifier", delimiter=Value(_SPECIFIER_SEPARATOR)))
        .values("specifiers")
    )
    rows = list(
        Dependency.objects.filter(package=package)
        .select_related("target")
        .annotate(target_django=Subquery(target_django))
        .only(
            "name",
            "key",
            "specifier",
            "markers",
            "optional",
            "package_id",
            "target_id",
            "target__slug",
            "target__title",
        )
        .order_by("position")
    )
    dependencies: list[Dependency] = [*rows]
    dependents: list[Package] = list(
        package_dependents(package=package).only("slug", "title")[:DEPENDENTS_SHOWN]
    )
    edges: list[Edge] = [
        (d.name, d.key, d.specifier, d.target_id) for d in dependencies if not d.optional
    ]
    through: dict[int, list[str]] = {
        row.target_id: row.target_django.split(_SPECIFIER_SEPARATOR)
        for row in rows
        if row.target_id is not None and row.target_django is not None
    }
    supported = supported_releases("django", today or timezone.localdate())
    return PackageDependencies(
        dependencies=dependencies,
        dependents=dependents,
        # Counted in the (target, optional, package) index alone: no join with packages
        # (a window count over the joined rows costs tens of ms for a package required by
        # ten thousand others).
        dependents_count=Dependency.objects.filter(target=package, optional=False)
        .order_by()
        .values("package_id")
        .distinct()
        .count(),
        outdated_pins=_pins(edges, through, supported) if edges else [],
    )
