"""Writes of health facts: advisories and stored compatibility, from what PyPI said."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction

from packagegrid.catalog.models import Package
from packagegrid.fetchers.types import AdvisoryInfo
from packagegrid.health.compatibility import compatibility
from packagegrid.health.models import Advisory, CIMatrix, Compatibility


@transaction.atomic
def package_apply_advisories(*, package: Package, advisories: Sequence[AdvisoryInfo]) -> bool:
    """Make the package's stored advisories exactly `advisories`; return whether any changed.

    PyPI lists the advisories against the latest version, so one that is no longer listed
    (the latest release fixed it) is deleted. Rows whose values are unchanged are not
    written. Withdrawn advisories are stored with their date; readers leave them out.
    """
    stored = {a.advisory_id: a for a in Advisory.objects.filter(package=package)}
    wanted = {a.id: a for a in advisories}
    changed = False
    gone = [a.pk for advisory_id, a in stored.items() if advisory_id not in wanted]
    if gone:
        Advisory.objects.filter(pk__in=gone).delete()
        changed = True
    for advisory_id, info in wanted.items():
        values = {
            "aliases": info.aliases,
            "summary": info.summary,
            "fixed_in": info.fixed_in,
            "link": info.link,
            "withdrawn": info.withdrawn,
        }
        row = stored.get(advisory_id)
        if row is None:
            Advisory.objects.create(package=package, advisory_id=advisory_id, **values)
            changed = True
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=list(values))
            changed = True
    return changed


@transaction.atomic
def package_apply_compatibility(
    *,
    package: Package,
    classifiers: Sequence[str],
    requires_python: str,
    requires_dist: Sequence[str],
    ci: Mapping[str, Iterable[str]] | None = None,
) -> bool:
    """Recompute and store the package's compatibility rows; return whether any changed.

    One `Compatibility` row per (product, feature release) that a source names, with its
    sources (see `packagegrid.health.compatibility.compatibility`). `ci` None reads the
    stored `CIMatrix`. Unchanged rows are not written; rows no source names any more are
    deleted.
    """
    if ci is None:
        matrix = CIMatrix.objects.filter(package=package).first()
        ci = matrix.versions() if matrix else {}
    mapping = compatibility(
        classifiers=classifiers, requires_python=requires_python, requires_dist=requires_dist, ci=ci
    )
    wanted = {
        (product, version): sources
        for product, versions in mapping.items()
        for version, sources in versions.items()
    }
    stored = {(c.product, c.version): c for c in Compatibility.objects.filter(package=package)}
    gone = [row.pk for key, row in stored.items() if key not in wanted]
    new = [
        Compatibility(package=package, product=product, version=version, sources=sources)
        for (product, version), sources in wanted.items()
        if (product, version) not in stored
    ]
    updated = []
    for key, sources in wanted.items():
        row = stored.get(key)
        if row is not None and row.sources != sources:
            row.sources = sources
            updated.append(row)
    if gone:
        Compatibility.objects.filter(pk__in=gone).delete()
    if new:
        Compatibility.objects.bulk_create(new)
    if updated:
        Compatibility.objects.bulk_update(updated, ["sources"])
    return bool(gone or new or updated)
