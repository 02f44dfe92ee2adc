"""Stored health scores: build the model's input from stored facts and keep
`PackageHealth` equal to `packagegrid.health.model.assess` of it.

`package_health_recompute` is the one writer. It runs a constant number of queries for
any number of packages (the packages, their releases, compatibility rows, advisories,
dependency edges and their targets' Django requirements, the directory's distributions,
the stored scores, then at most one bulk insert and one bulk update, and one bulk insert
of lifecycle changes), and writes only rows whose stored value changed. It then sends
`health_recomputed` with the packages whose score or lifecycle changed.

Django support passed to the model is positive claims only: a version named by a
classifier or the CI matrix, or by `requires_dist` when the Django requirement has an
upper bound. An open `Django>=3.2` admits every later Django, including releases the
package has never been tried with, and `stable` must not trust that.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from packaging.requirements import InvalidRequirement, Requirement

from packagegrid.caching.services import packages_changed
from packagegrid.catalog.dependency_selectors import dependents_count_subquery, outdated_pins
from packagegrid.catalog.models import Favorite, Package, PyPIData, Release, RepoData
from packagegrid.catalog.selectors import people_count_subquery, usage_count_subquery
from packagegrid.changes.models import Action, Kind
from packagegrid.changes.services import ChangeInfo, changes_record
from packagegrid.downloads.selectors import downloads_of
from packagegrid.health import model
from packagegrid.health.compatibility import REQUIREMENT_NAMES, _is_optional, supported_releases
from packagegrid.health.models import Advisory, Compatibility, LifecycleChange, PackageHealth
from packagegrid.health.signals import health_recomputed
from packagegrid.lib.licenses import package_license
from packagegrid.lib.pypi_names import normalize_pypi_name

# Specifier operators that bound a requirement from above.
_UPPER_BOUNDS = frozenset({"<", "<=", "==", "~=", "==="})
# Sources that name a version because someone tested or declared exactly it.
_POSITIVE_SOURCES = frozenset({"classifiers", "ci"})


def requirement_bounded(requires_dist: Iterable[str], product: str) -> bool:
    """Whether every non-optional requirement on `product` has an upper bound (and one
    exists). `Django>=4.2,<6` is bounded; `Django>=3.2` and `Django` are not."""
    name = REQUIREMENT_NAMES.get(product)
    found = False
    for line in requires_dist:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if normalize_pypi_name(requirement.name) != name or _is_optional(requirement.marker):
            continue
        found = True
        if not any(spec.operator in _UPPER_BOUNDS for spec in requirement.specifier):
            return False
    return found


def positive_compatibility(
    mapping: Mapping[str, Mapping[str, Sequence[str]]], *, django_bounded: bool
) -> dict[str, dict[str, list[str]]]:
    """`mapping` with the Django versions only an open `requires_dist` names left out (see
    the module docstring); other products unchanged."""
    result: dict[str, dict[str, list[str]]] = {}
    for product, versions in mapping.items():
        kept: dict[str, list[str]] = {}
        for version, sources in versions.items():
            if product != "django" or django_bounded or _POSITIVE_SOURCES & set(sources):
                kept[version] = list(sources)
        if kept:
            result[product] = kept
    return result


def directory_context(*, today: date) -> model.DirectoryContext:
    """The model's context on `today`: supported releases and the directory's numbers
    (one query)."""
    numbers = Package.objects.annotate(
        star_count=Coalesce("repo_data__stars", Value(0)),
        usage=usage_count_subquery(),
        favorite_count=people_count_subquery(Favorite),
        dependents_count=dependents_count_subquery(),
    ).values_list(
        "star_count", "usage", "favorite_count", "dependents_count", "downloads__last_month"
    )
    stars: list[int] = []
    usage: list[int] = []
    favorites: list[int] = []
    dependents: list[int] = []
    downloads: list[int] = []
    for star_count, users, favorite_count, dependents_count, last_month in numbers:
        stars.append(star_count)
        usage.append(users)
        favorites.append(favorite_count)
        dependents.append(dependents_count)
        if last_month is not None:
            downloads.append(last_month)
    return model.DirectoryContext(
        today=today,
        supported_django=supported_releases("django", today),
        supported_python=supported_releases("python", today),
        stars=tuple(stars),
        usage=tuple(usage),
        favorites=tuple(favorites),
        dependents=tuple(dependents),
        downloads=tuple(downloads),
    )


def _facts(
    package: Package,
    releases: Sequence[model.Release],
    mapping: Mapping[str, Mapping[str, Sequence[str]]],
    open_advisories: int,
    pins: Sequence[str],
) -> model.PackageFacts:
    repo: RepoData | None = getattr(package, "repo_data", None)
    pypi: PyPIData | None = getattr(package, "pypi_data", None)
    replacement = package.replaced_by
    return model.PackageFacts(
        deprecated=replacement is not None,
        finished=package.finished,
        replacement=replacement.title if replacement is not None else "",
        documentation_url=package.documentation_url or (pypi.documentation_url if pypi else ""),
        has_repository=bool(package.repo_url),
        archived=repo.archived if repo else False,
        stars=repo.stars if repo else None,
        forks=repo.forks if repo else None,
        last_commit_at=repo.last_commit_at if repo else None,
        commits_over_52=tuple(repo.commits_over_52) if repo else (),
        contributors=len(repo.participants) if repo and repo.participants else None,
        releases=tuple(releases),
        classifiers=tuple(pypi.classifiers) if pypi else (),
        requires_python=pypi.requires_python if pypi else "",
        license=package_license(
            pypi_license=pypi.license if pypi else "", repo_license=repo.license if repo else ""
        ),
        project_status=pypi.project_status if pypi else "",
        project_status_reason=pypi.project_status_reason if pypi else "",
        pypi_name=package.pypi_name,
        project_urls=dict(pypi.project_urls)
        if pypi and isinstance(pypi.project_urls, dict)
        else {},
        open_advisories=open_advisories,
        compatibility=positive_compatibility(
            mapping,
            django_bounded=requirement_bounded(pypi.requires_dist if pypi else [], "django"),
        ),
        usage=getattr(package, "usage", 0),
        favorites=getattr(package, "favorite_count", 0),
        dependents=getattr(package, "dependents_count", 0),
        outdated_pins=tuple(pins),
        downloads=downloads.last_month if (downloads := downloads_of(package)) else None,
    )


def package_health_facts(
    package_ids: Sequence[int] | None = None, *, today: date | None = None
) -> dict[int, model.PackageFacts]:
    """The model's input for each package (all when `package_ids` is None), six queries.

    Outdated pins are judged against the Django releases in support on `today`.
    """
    packages = Package.objects.select_related(
        "repo_data", "pypi_data", "replaced_by", "downloads"
    ).annotate(
        usage=usage_count_subquery(),
        favorite_count=people_count_subquery(Favorite),
        dependents_count=dependents_count_subquery(),
    )
    releases = Release.objects.order_by("id")
    rows = Compatibility.objects.order_by("id")
    # PyPI lists advisories against the latest version, so every stored one that is not
    # withdrawn affects the latest release.
    advisories = Advisory.objects.filter(withdrawn__isnull=True)
    if package_ids is not None:
        packages = packages.filter(pk__in=package_ids)
        releases = releases.filter(package_id__in=package_ids)
        rows = rows.filter(package_id__in=package_ids)
        advisories = advisories.filter(package_id__in=package_ids)
    by_package: dict[int, list[model.Release]] = defaultdict(list)
    for package_id, version, uploaded_at, yanked, prerelease in releases.values_list(
        "package_id", "version", "uploaded_at", "yanked", "is_prerelease"
    ):
        by_package[package_id].append(model.Release(version, uploaded_at, yanked, prerelease))
    mappings: dict[int, dict[str, dict[str, list[str]]]] = defaultdict(dict)
    for package_id, product, version, sources in rows.values_list(
        "package_id", "product", "version", "sources"
    ):
        mappings[package_id].setdefault(product, {})[version] = list(sources)
    advisory_counts: dict[int, int] = defaultdict(int)
    for package_id in advisories.values_list("package_id", flat=True):
        advisory_counts[package_id] += 1
    pins = outdated_pins(package_ids=package_ids, today=today)
    return {
        package.pk: _facts(
            package,
            by_package[package.pk],
            mappings[package.pk],
            advisory_counts[package.pk],
            [pin.text for pin in pins.get(package.pk, [])],
        )
        for package in packages
    }


@transaction.atomic
def package_health_recompute(
    package_ids: Sequence[int] | None = None, *, today: date | None = None
) -> int:
    """Assess the packages (all when `package_ids` is None) and store their health;
    return how many stored rows were written.

    A constant number of queries whatever the number of packages. A row whose score,
    model, lifecycle, reason, axes and factors are unchanged is not written (its
    `computed_at` stays the time it last changed). A stored lifecycle that changes is
    recorded as a `LifecycleChange` (one more bulk insert). Sends `health_recomputed`
    with the packages whose score or lifecycle is new or changed (receivers may query more).
    """
    today = today or timezone.localdate()
    context = directory_context(today=today)
    facts = package_health_facts(package_ids, today=today)
    stored = PackageHealth.objects.in_bulk(list(facts))
    now = timezone.now()
    new: list[PackageHealth] = []
    changed: list[PackageHealth] = []
    moves: list[LifecycleChange] = []
    shown: list[int] = []  # packages whose score or lifecycle is new or changed
    for package_id, package_facts in facts.items():
        health = model.assess(package_facts, context).as_dict()
        values = {name: health[name] for name in _FIELDS}
        row = stored.get(package_id)
        if row is None:
            new.append(PackageHealth(package_id=package_id, computed_at=now, **values))
            shown.append(package_id)
            continue
        if row.score != values["score"] or row.lifecycle != values["lifecycle"]:
            shown.append(package_id)
        if row.lifecycle != values["lifecycle"]:
            moves.append(
                LifecycleChange(
                    package_id=package_id,
                    previous=row.lifecycle,
                    lifecycle=str(values["lifecycle"]),
                    reason=str(values["lifecycle_reason"]),
                    changed_at=now,
                )
            )
        if any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.computed_at = now
            changed.append(row)
    if new:
        PackageHealth.objects.bulk_create(new)
    if changed:
        PackageHealth.objects.bulk_update(changed, [*_FIELDS, "computed_at"])
    if moves:
        LifecycleChange.objects.bulk_create(moves)
    if new or changed:
        # Bulk writes send no model signals: name the packages whose pages now show other
        # health values (the rules page shows every factor).
        packages_changed([row.package_id for row in (*new, *changed)])
    if shown:
        health_recomputed.send(sender=PackageHealth, package_ids=shown)
    # The change feed lists a package's lifecycle moves (scores move daily with ages and
    # are left out); a bulk update sends no signals, so it is told here.
    changes_record(
        ChangeInfo(Kind.PACKAGE, move.package_id, Action.UPDATE, ["lifecycle"]) for move in moves
    )
    return len(new) + len(changed)


_FIELDS = ("score", "model", "lifecycle", "lifecycle_reason", "axes", "factors")
