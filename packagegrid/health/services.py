"""Writes of health facts: advisories and stored compatibility, from what PyPI said."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from packagegrid.catalog.models import Package, PyPIData
from packagegrid.fetchers.state_services import package_record_success
from packagegrid.fetchers.types import AdvisoryInfo
from packagegrid.health.ci import merge
from packagegrid.health.ci_client import CIFetch
from packagegrid.health.compatibility import compatibility
from packagegrid.health.models import (
    Advisory,
    CIMatrix,
    Compatibility,
    ProductSupport,
    support_versions,
)
from packagegrid.health.releases import feature_key


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
    if gone or new:  # the versions named changed, not just their sources
        _product_support_write([package.pk], {package.pk: package.reviewed}, list(wanted))
    return bool(gone or new or updated)


# Package ids per batch of `product_support_store` (SQLite allows 32,766 parameters).
SUPPORT_BATCH = 5000


def product_support_store(*, package_ids: Iterable[int]) -> None:
    """Rewrite the `ProductSupport` rows of these packages from their compatibility rows
    and `reviewed` flags (four queries per SUPPORT_BATCH packages), for writers that change
    compatibility rows in bulk; `package_apply_compatibility` keeps its package's rows."""
    ids = list(package_ids)
    for start in range(0, len(ids), SUPPORT_BATCH):
        batch = ids[start : start + SUPPORT_BATCH]
        listed = dict(Package.objects.filter(pk__in=batch).values_list("pk", "reviewed"))
        rows = Compatibility.objects.filter(package_id__in=batch)
        named = list(rows.values_list("package_id", "product", "version"))
        _product_support_write(batch, listed, [(p, v) for _, p, v in named], owners=named)


def product_support_list(*, package_id: int) -> None:
    """Count a package that became listed (reviewed) on the readiness pages (one query)."""
    ProductSupport.objects.filter(package_id=package_id).update(listed=True)


def _product_support_write(
    package_ids: list[int],
    listed: Mapping[int, bool],
    named: list[tuple[str, str]],
    *,
    owners: list[tuple[int, str, str]] | None = None,
) -> None:
    """Replace the rows of `package_ids` (two queries): `named` holds the (product,
    version) pairs of the one package given, or `owners` (package, product, version)
    triples of several."""
    triples = owners if owners is not None else [(package_ids[0], p, v) for p, v in named]
    versions: dict[tuple[int, str], list[str]] = {}
    for package_id, product, version in triples:
        versions.setdefault((package_id, product), []).append(version)
    ProductSupport.objects.filter(package_id__in=package_ids).delete()
    ProductSupport.objects.bulk_create(
        ProductSupport(
            package_id=package_id,
            product=product,
            versions=support_versions(sorted(found, key=feature_key)),
            listed=listed[package_id],
        )
        for (package_id, product), found in sorted(versions.items())
        if package_id in listed
    )


@transaction.atomic
def package_apply_ci(*, package: Package, fetch: CIFetch, now: datetime | None = None) -> bool:
    """Store what the CI files say and recompute the package's compatibility; return
    whether the stored versions changed.

    A file answered 304 keeps its stored versions; a file no longer found is dropped.
    Records success (and the ETags) on the package's "github_ci" FetchState.
    """
    now = now or timezone.now()
    matrix, _ = CIMatrix.objects.get_or_create(package=package)
    stored: dict[str, dict[str, list[str]]] = matrix.files if isinstance(matrix.files, dict) else {}
    files: dict[str, dict[str, list[str]]] = {}
    for path, versions in fetch.files.items():
        if versions is None:
            if path in stored:
                files[path] = stored[path]
        else:
            files[path] = {product: sorted(found) for product, found in versions.items()}
    union = merge({p: set(v) for p, v in found.items()} for found in files.values())
    values = {product: sorted(union[product], key=_version_key) for product in union}
    changed = files != stored or any(getattr(matrix, p) != v for p, v in values.items())
    if changed:
        matrix.files = files
        for product, named in values.items():
            setattr(matrix, product, named)
        matrix.fetched_at = now
        matrix.save()
        pypi = PyPIData.objects.filter(package=package).first()
        package_apply_compatibility(
            package=package,
            classifiers=pypi.classifiers if pypi else [],
            requires_python=pypi.requires_python if pypi else "",
            requires_dist=pypi.requires_dist if pypi else [],
            ci=values,
        )
    package_record_success(package=package, source="github_ci", etags=fetch.etags, now=now)
    return changed


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))
