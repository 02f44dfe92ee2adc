"""Dependency edges: a package's requirements parsed, resolved against the directory and
stored, written only when they change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from packaging.requirements import InvalidRequirement, Requirement

from packagegrid.caching.services import packages_changed
from packagegrid.catalog.models import Dependency, Package
from packagegrid.changes.models import Action, Kind
from packagegrid.changes.services import ChangeInfo, changes_record
from packagegrid.health.compatibility import _is_optional
from packagegrid.lib.pypi_names import normalize_pypi_name

# Column sizes of Dependency; a longer value is cut only where a cut changes no meaning
# to a reader (a name this long is not a real PyPI name, so it resolves to nothing).
MAX_NAME = 200
MAX_SPECIFIER = 1000


@dataclass(frozen=True, slots=True)
class ParsedRequirement:
    name: str  # as written
    key: str  # PEP 503 normalised
    specifier: str  # "" when none
    markers: str  # "" when unconditional
    optional: bool  # under an extra


def requirements_parse(requires_dist: Sequence[str]) -> list[ParsedRequirement]:
    """Each readable PEP 508 requirement of `requires_dist`, in order, markers kept.

    Unreadable lines are skipped (PyPI serves what authors uploaded). The specifier is
    `packaging`'s normal form (`>=4.2,<6`); markers are kept as `packaging` prints them
    (`python_version < "3.11"`); `optional` says a marker names an extra.

    >>> [r.specifier for r in requirements_parse(["Django (<6,>=4.2)", "not valid ("])]
    ['<6,>=4.2']
    """
    parsed = []
    for line in requires_dist:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        parsed.append(
            ParsedRequirement(
                name=requirement.name[:MAX_NAME],
                key=normalize_pypi_name(requirement.name)[:MAX_NAME],
                specifier=str(requirement.specifier)[:MAX_SPECIFIER],
                markers=str(requirement.marker) if requirement.marker is not None else "",
                optional=_is_optional(requirement.marker),
            )
        )
    return parsed


_STORED = ("position", "name", "key", "specifier", "markers", "optional", "target_id")


@transaction.atomic
def package_apply_dependencies(*, package: Package, requires_dist: Sequence[str]) -> bool:
    """Store the package's requirements as Dependency rows; return whether any changed.

    Each requirement's `target` is the directory's package whose `pypi_key` is its name
    (the oldest, should two list the same project; never the package itself). Three
    queries when nothing changed (targets, stored rows, nothing written), two more when
    something did (the rows are replaced).
    """
    parsed = requirements_parse(requires_dist)
    keys = {requirement.key for requirement in parsed}
    targets: dict[str, int] = {}
    if keys:
        found = (
            Package.objects.filter(pypi_key__in=keys)
            .exclude(pk=package.pk)
            .order_by("-pk")
            .values_list("pypi_key", "pk")
        )
        targets = dict(found)  # the lowest pk is read last, so it wins
    wanted = [
        (i, r.name, r.key, r.specifier, r.markers, r.optional, targets.get(r.key))
        for i, r in enumerate(parsed)
    ]
    stored = list(
        Dependency.objects.filter(package=package).order_by("position").values_list(*_STORED)
    )
    if stored == wanted:
        return False
    Dependency.objects.filter(package=package).delete()
    Dependency.objects.bulk_create(
        Dependency(package=package, **dict(zip(_STORED, row, strict=True))) for row in wanted
    )
    # bulk_create sends no signal: the package's pages, and those of the packages it
    # required or now requires (they show its name among their dependents).
    targets_before = {row[-1] for row in stored if row[-1] is not None}
    targets_now = {row[-1] for row in wanted if row[-1] is not None}
    packages_changed({package.pk} | targets_before | targets_now)
    return True


@transaction.atomic
def dependencies_link_package(*, package: Package) -> int:
    """Point other packages' requirements on this package's PyPI name at it, and unlink
    the ones on another name (its `pypi_url` changed); return how many rows changed.

    A requirement already resolved to another package with the same name keeps it. One
    read, then at most two updates and one insert into the change log, whatever the number
    of rows (an unchanged refresh writes nothing). The requiring packages are recorded as
    changed ("dependencies": the package each requirement names changed).
    """
    stale = Q(target=package) & ~Q(key=package.pypi_key)
    dangling = Q(key=package.pypi_key, target__isnull=True) & ~Q(package=package)
    wanted = stale | dangling if package.pypi_key else stale
    requiring = set(Dependency.objects.filter(wanted).values_list("package_id", flat=True))
    if not requiring:
        return 0
    changed = Dependency.objects.filter(stale).update(target=None)
    if package.pypi_key:
        changed += Dependency.objects.filter(dangling).update(target=package)
    # update() sends no signal: the requiring packages show the link, this one its dependents.
    packages_changed({package.pk} | requiring)
    changes_record(
        ChangeInfo(Kind.PACKAGE, package_id, Action.UPDATE, ["dependencies"])
        for package_id in sorted(requiring)
    )
    return changed
