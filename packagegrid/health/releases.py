"""The known feature releases of Django, Python and Wagtail, with their support dates.

They ship as data (`data/releases.json`) so that compatibility and readiness work without
the network; `update_release_data` adds new feature releases from PyPI's release lists
(`releases_merge_pypi`). A feature release is "X.Y" ("5.2", "3.13", "7.1").

End-of-support dates are the projects' own where known; for a new release they follow
each project's published policy (`end_of_support_policy`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from packaging.version import InvalidVersion, Version

DATA_FILE = Path(__file__).parent / "data" / "releases.json"
PRODUCTS = ("django", "python", "wagtail")
# The PyPI project of each product whose releases are published there.
PYPI_PROJECTS = {"django": "Django", "wagtail": "wagtail"}
# Wagtail's long-term support releases (https://github.com/wagtail/wagtail/wiki/Release-schedule).
WAGTAIL_LTS = frozenset({"2.3", "2.7", "2.11", "2.15", "4.1", "5.2", "6.3", "7.0"})


@dataclass(frozen=True)
class ProductRelease:
    product: str  # "django", "python" or "wagtail"
    version: str  # the feature release, "5.2"
    released: date
    end_of_support: date
    lts: bool = False

    @property
    def key(self) -> tuple[int, ...]:
        return feature_key(self.version)

    def supported_on(self, day: date) -> bool:
        return self.released <= day <= self.end_of_support


def feature_key(version: str) -> tuple[int, ...]:
    """Sort key of a feature release: "3.9" < "3.10"."""
    return tuple(int(part) for part in version.split("."))


def feature_release(version: str) -> str | None:
    """The feature release "X.Y" a PEP 440 version belongs to; None when it is not one.

    >>> feature_release("5.2.8"), feature_release("6.0a1"), feature_release("nonsense")
    ('5.2', '6.0', None)
    """
    try:
        parsed = Version(version)
    except InvalidVersion:
        return None
    release = (*parsed.release, 0)
    return f"{release[0]}.{release[1]}"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


def _is_lts(product: str, version: str) -> bool:
    if product == "django":
        return version.endswith(".2")
    return product == "wagtail" and version in WAGTAIL_LTS


def end_of_support_policy(
    product: str, version: str, *, released: date, next_released: date | None
) -> date:
    """The end of support a project's policy gives a feature release, when none is known.

    - Django (https://www.djangoproject.com/download/#supported-versions): an x.2 release
      is LTS, supported three years; any other about eight months after the next feature
      release (or, while that is not out, eight months after it is due: Django ships one
      every eight months).
    - Python (PEP 602): five years after its release.
    - Wagtail: an LTS release about 15 months, any other until about 6 months after its
      release (roughly two feature releases later, which is when security fixes stop).
      Approximate: Wagtail publishes exact dates release by release.
    """
    if product == "django":
        if version.endswith(".2"):
            return _add_months(released, 36)
        return _add_months(next_released or _add_months(released, 8), 8)
    if product == "python":
        return _add_months(released, 60)
    if version in WAGTAIL_LTS:
        return _add_months(released, 15)
    return _add_months(released, 6)


def _parse(data: Mapping[str, Sequence[Mapping[str, object]]]) -> dict[str, list[ProductRelease]]:
    parsed: dict[str, list[ProductRelease]] = {}
    for product in PRODUCTS:
        rows = [
            ProductRelease(
                product=product,
                version=str(row["version"]),
                released=date.fromisoformat(str(row["released"])),
                end_of_support=date.fromisoformat(str(row["end_of_support"])),
                lts=bool(row.get("lts", False)),
            )
            for row in data.get(product, [])
        ]
        parsed[product] = sorted(rows, key=lambda r: r.key)
    return parsed


def releases_read(path: Path) -> dict[str, list[ProductRelease]]:
    """Every product's releases in a release data file, oldest first."""
    return _parse(json.loads(path.read_text(encoding="utf-8")))


@cache
def _load() -> dict[str, list[ProductRelease]]:
    return releases_read(DATA_FILE)


def known_releases(product: str) -> list[ProductRelease]:
    """The known feature releases of `product`, oldest first ([] for an unknown product)."""
    return list(_load().get(product, []))


def known_release(product: str, version: str) -> ProductRelease | None:
    return next((r for r in _load().get(product, []) if r.version == version), None)


def release_spans(product: str, versions: Iterable[str]) -> list[tuple[str, str]]:
    """`versions` (feature releases of `product`) as runs of consecutive known releases,
    oldest first: each run is (first, last), the same version twice for a run of one.

    A version that is not a known release makes a run of its own.

    >>> release_spans("django", ["5.2", "4.2", "5.0", "5.1", "3.2"])
    [('3.2', '3.2'), ('4.2', '5.2')]
    """
    index = {release.version: i for i, release in enumerate(known_releases(product))}
    spans: list[tuple[str, str]] = []
    previous = None
    for version in sorted(set(versions), key=feature_key):
        position = index.get(version)
        if spans and position is not None and previous is not None and position == previous + 1:
            spans[-1] = (spans[-1][0], version)
        else:
            spans.append((version, version))
        previous = position
    return spans


def releases_merge_pypi(
    product: str,
    existing: Sequence[ProductRelease],
    upload_times: Mapping[str, Iterable[datetime]],
) -> tuple[list[ProductRelease], list[str]]:
    """Add the feature releases PyPI lists that `existing` lacks; return (all, added versions).

    `upload_times` maps each version on PyPI to its files' upload times. A feature release
    X.Y is out when a final X.Y or X.Y.0 has a file; its date is that file's first
    upload. Pre-releases, yanked-only and other non-final versions are not releases.
    Known rows are kept as they are; versions older than the oldest known are not added.
    Each new row's end of support comes from `end_of_support_policy`; the previous newest
    release's policy date is recomputed when it was derived from "next release due".
    """
    firsts: dict[str, date] = {}
    for version, times in upload_times.items():
        try:
            parsed = Version(version)
        except InvalidVersion:
            continue
        stamps = list(times)
        if parsed.is_prerelease or parsed.is_devrelease or not stamps:
            continue
        if len(parsed.release) > 2 and any(parsed.release[2:]):  # X.Y.1 is not X.Y's start
            continue
        feature = f"{parsed.release[0]}.{parsed.release[1] if len(parsed.release) > 1 else 0}"
        first = min(stamps).date()
        firsts[feature] = min(first, firsts.get(feature, first))
    known = {r.version for r in existing}
    oldest = min((r.key for r in existing), default=(0, 0))
    added = sorted(
        (v for v in firsts if v not in known and feature_key(v) > oldest), key=feature_key
    )
    rows = list(existing)
    for version in added:
        rows.append(
            ProductRelease(
                product=product,
                version=version,
                released=firsts[version],
                end_of_support=date.max,  # set below, once the next release is known
                lts=_is_lts(product, version),
            )
        )
    rows.sort(key=lambda r: r.key)
    finished: list[ProductRelease] = []
    for index, row in enumerate(rows):
        if row.version in added:
            following = rows[index + 1].released if index + 1 < len(rows) else None
            row = ProductRelease(
                product=row.product,
                version=row.version,
                released=row.released,
                end_of_support=end_of_support_policy(
                    product, row.version, released=row.released, next_released=following
                ),
                lts=row.lts,
            )
        finished.append(row)
    return finished, added


def releases_dump(releases: Mapping[str, Sequence[ProductRelease]]) -> str:
    """The JSON text of `data/releases.json` for `releases` (stable order, one row a line)."""
    lines = ["{"]
    for p_index, product in enumerate(PRODUCTS):
        lines.append(f'  "{product}": [')
        rows = releases.get(product, [])
        for index, row in enumerate(rows):
            body = json.dumps(
                {
                    "version": row.version,
                    "released": row.released.isoformat(),
                    "end_of_support": row.end_of_support.isoformat(),
                    "lts": row.lts,
                }
            )
            lines.append(f"    {body}{',' if index + 1 < len(rows) else ''}")
        lines.append(f"  ]{',' if p_index + 1 < len(PRODUCTS) else ''}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def releases_reload() -> None:
    """Forget the cached data file (after `update_release_data` rewrote it, and in tests)."""
    _load.cache_clear()
