"""Compatibility from stored facts: which Django, Python and Wagtail feature releases a
package supports, and which sources say so. Pure functions, no database.

The result is the API's `compatibility` mapping, e.g.
`{"django": {"5.2": ["classifiers", "requires_dist"]}, "python": {"3.13": ["classifiers"]}}`:
each product maps the known feature releases that some source names to those sources, in
SOURCES order. A version no source names is absent; a product no source names is absent.

Rules, source by source:

- `classifiers`: `Framework :: Django :: 5.2` names Django 5.2 and `Programming Language ::
  Python :: 3.13` Python 3.13. A major alone (`Framework :: Wagtail :: 7`, `Framework ::
  Django :: 4`) names every known feature release of that major. `Framework :: Django`
  and `Programming Language :: Python :: 3` alone name no version.
- `requires_python`: the specifier names every known Python feature release it admits.
- `requires_dist`: a `Django` (or `wagtail`) requirement without an `extra ==` marker
  names every known feature release it admits. Requirements under an extra are optional
  support, not a requirement, so they are left out. A requirement with no specifier
  names no version.
- `ci`: the versions a repository's test matrix runs (see `packagegrid.health.ci`).

A feature release X.Y is admitted by a specifier when any of X.Y.0 ... X.Y.99 satisfies
it, pre-releases excluded unless the specifier itself names one (PEP 440's default).
So `>=4.2.8,<6` admits 4.2, 5.0, 5.1, 5.2 and `!=3.9.*` leaves 3.9 out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from packagegrid.health.releases import PRODUCTS, known_releases
from packagegrid.lib.pypi_names import normalize_pypi_name

SOURCES = ("classifiers", "requires_python", "requires_dist", "ci")
# The patch releases tried for each feature release; Django's longest-lived series had 25.
PATCH_RANGE = 100
# The PyPI project whose requirement names each product's versions.
REQUIREMENT_NAMES = {"django": "django", "wagtail": "wagtail"}
_CLASSIFIER_PREFIXES = {
    "django": "Framework :: Django ::",
    "python": "Programming Language :: Python ::",
    "wagtail": "Framework :: Wagtail ::",
}

type Compatibility = dict[str, dict[str, list[str]]]


def _versions(product: str) -> list[str]:
    return [release.version for release in known_releases(product)]


def classifier_versions(classifiers: Iterable[str], product: str) -> set[str]:
    """The known feature releases of `product` that `classifiers` name."""
    prefix = _CLASSIFIER_PREFIXES[product]
    known = _versions(product)
    named: set[str] = set()
    for classifier in classifiers:
        if not classifier.startswith(prefix):
            continue
        value = classifier.removeprefix(prefix).strip()
        if value in known:
            named.add(value)
        elif value.isdigit() and product != "python":  # "Python :: 3" names no version
            named.update(v for v in known if v.split(".")[0] == value)
    return named


@lru_cache(maxsize=4096)
def _admitted(specifier: str, versions: tuple[str, ...]) -> frozenset[str]:
    try:
        specifiers = SpecifierSet(specifier)
    except InvalidSpecifier:
        return frozenset()
    return frozenset(
        feature
        for feature in versions
        if any(specifiers.contains(Version(f"{feature}.{patch}")) for patch in range(PATCH_RANGE))
    )


def specifier_versions(specifier: str, product: str) -> set[str]:
    """The known feature releases of `product` that `specifier` admits; none when it is
    empty or invalid (an empty specifier says nothing, it does not admit everything)."""
    if not specifier.strip():
        return set()
    return set(_admitted(specifier.strip(), tuple(_versions(product))))


def _is_optional(marker: Marker | None) -> bool:
    return marker is not None and "extra" in str(marker)


def requirement_versions(requires_dist: Iterable[str], product: str) -> set[str]:
    """The known feature releases of `product` that the non-optional requirement on it admits.

    Unreadable requirements are skipped; several requirements on the product (one per
    Python version marker, say) add up.
    """
    name = REQUIREMENT_NAMES.get(product)
    if name is None:
        return set()
    named: set[str] = set()
    for line in requires_dist:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if normalize_pypi_name(requirement.name) != name or _is_optional(requirement.marker):
            continue
        named |= specifier_versions(str(requirement.specifier), product)
    return named


def compatibility(
    *,
    classifiers: Sequence[str],
    requires_python: str,
    requires_dist: Sequence[str],
    ci: Mapping[str, Iterable[str]] | None = None,
) -> Compatibility:
    """The compatibility mapping of one package's stored facts (see the module docstring).

    `ci` maps a product to the feature releases its test matrix runs; versions not among
    the known releases are dropped.
    """
    found: dict[str, dict[str, list[str]]] = {}

    def add(product: str, versions: Iterable[str], source: str) -> None:
        for version in versions:
            found.setdefault(product, {}).setdefault(version, []).append(source)

    ci = ci or {}
    for product in PRODUCTS:
        known = set(_versions(product))
        add(product, classifier_versions(classifiers, product), "classifiers")
        if product == "python":
            add(product, specifier_versions(requires_python, "python"), "requires_python")
        add(product, requirement_versions(requires_dist, product), "requires_dist")
        add(product, known & set(ci.get(product, ())), "ci")
    order = {product: _versions(product) for product in found}
    return {
        product: {
            version: sorted(sources, key=SOURCES.index)
            for version, sources in sorted(
                versions.items(), key=lambda item: order[product].index(item[0])
            )
        }
        for product, versions in found.items()
    }


def excludes_supported(specifiers: Iterable[str], product: str, supported: frozenset[str]) -> bool:
    """Whether a package's requirements on `product` (their `specifiers`, which add up, as
    one per Python version marker does) are an outdated pin: together they admit some
    known feature release, but none of `supported` (those still in support).

    `<4` on Django is one today; an empty, unreadable or future-only specifier (`>=99`)
    is not: it says nothing about old releases.
    """
    admitted: set[str] = set()
    for specifier in specifiers:
        admitted |= specifier_versions(specifier, product)
    return bool(admitted) and not admitted & supported


def supported_releases(product: str, today: date) -> frozenset[str]:
    """The feature releases of `product` in support on `today`."""
    return frozenset(r.version for r in known_releases(product) if r.supported_on(today))
