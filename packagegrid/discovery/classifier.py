"""Whether a PyPI project is a Django package, decided from its JSON API document.

Pure functions over plain data (no database, no network). The signals, strongest first:

1. a trove classifier `Framework :: Django`, `Framework :: Wagtail` or
   `Framework :: Django CMS`, or any classifier below them (`Framework :: Django :: 5.2`);
2. a requirement (`requires_dist`) on Django, Django REST framework, Wagtail, django CMS
   or Channels that is a dependency, not only inside an extra;
3. a requirement, again outside an extra, on a project already known to be a Django
   package: one listed in the directory or classified earlier in the same run (a
   `wagtail-*` add-on that only requires `wagtail-modeladmin` is a Django package too);
4. a README (`info.description`) that tells people to add it to `INSTALLED_APPS` or
   `MIDDLEWARE`, or shows `from django` / `import django` at the start of a line.

A requirement is "inside an extra" when its marker mentions `extra` and is false with no
extra selected: `django; extra == "django"` is optional support, not a dependency, while
`django; python_version >= "3.10"` is a dependency. A name that starts with `django-`
decides nothing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement

from packagegrid.lib.pypi_names import normalize_pypi_name

FRAMEWORK_CLASSIFIERS = ("Framework :: Django", "Framework :: Wagtail", "Framework :: Django CMS")
# Normalised (PEP 503) names of the frameworks a Django package depends on.
FRAMEWORK_PROJECTS = frozenset(
    {"django", "djangorestframework", "wagtail", "django-cms", "channels"}
)

_README = re.compile(
    r"\b(?P<setting>INSTALLED_APPS|MIDDLEWARE(?:_CLASSES)?)\b"
    r"|^[ \t>]*(?P<import>from django[.\s]|import django\b)",
    re.MULTILINE,
)
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_EXTRA = re.compile(r"\bextra\b")


class Signal(StrEnum):
    CLASSIFIER = "classifier"
    REQUIREMENT = "requirement"
    KNOWN_DEPENDENCY = "known_dependency"
    README = "readme"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision and the signal that made it; `detail` names the classifier,
    requirement or README line ("" when no signal was found)."""

    is_django: bool
    signal: Signal
    detail: str = ""

    @property
    def reason(self) -> str:
        """One line for people: "classifier Framework :: Django :: 5.2"."""
        if self.signal is Signal.NONE:
            return "no Django signal"
        return f"{self.signal.value.replace('_', ' ')} {self.detail}"


NOT_DJANGO = Verdict(False, Signal.NONE)


def is_framework_classifier(classifier: str) -> bool:
    """`Framework :: Django`, `Framework :: Wagtail`, `Framework :: Django CMS` or below."""
    return any(
        classifier == prefix or classifier.startswith(prefix + " ::")
        for prefix in FRAMEWORK_CLASSIFIERS
    )


def only_in_extra(marker: Marker | None) -> bool:
    """Whether a requirement with `marker` applies only when an extra is selected."""
    if marker is None:
        return False
    if not _EXTRA.search(_QUOTED.sub("", str(marker))):
        return False
    return not marker.evaluate({"extra": ""})


def dependency_names(requires_dist: Iterable[str]) -> list[str]:
    """The normalised names of the requirements that are dependencies (not only inside an
    extra), in order, without repeats; unreadable requirement strings are left out."""
    names: list[str] = []
    for text in requires_dist:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        name = normalize_pypi_name(requirement.name)
        if not only_in_extra(requirement.marker) and name not in names:
            names.append(name)
    return names


def django_package_verdict(
    *,
    classifiers: Iterable[str],
    requires_dist: Iterable[str],
    description: str,
    known: Collection[str] = frozenset(),
) -> Verdict:
    """Decide whether a project is a Django package (see the module docstring).

    `known` holds normalised names of projects known to be Django packages. The first
    signal found, in the module's order, is returned:

    >>> django_package_verdict(
    ...     classifiers=[], requires_dist=['django>=4.2; extra == "django"'], description=""
    ... ).is_django
    False
    """
    for classifier in classifiers:
        if is_framework_classifier(classifier):
            return Verdict(True, Signal.CLASSIFIER, classifier)
    dependencies = dependency_names(requires_dist)
    for name in dependencies:
        if name in FRAMEWORK_PROJECTS:
            return Verdict(True, Signal.REQUIREMENT, name)
    for name in dependencies:
        if name in known:
            return Verdict(True, Signal.KNOWN_DEPENDENCY, name)
    match = _README.search(description)
    if match:
        return Verdict(True, Signal.README, " ".join(match.group(0).split()))
    return NOT_DJANGO


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """What the classifier reads of one PyPI project."""

    name: str
    classifiers: list[str]
    requires_dist: list[str]
    description: str


def django_package_verdicts(
    projects: Iterable[ProjectFacts], *, known: Collection[str] = frozenset()
) -> dict[str, Verdict]:
    """The verdict on each project, by normalised name, with the projects of the same run
    counted as known once accepted.

    Projects are decided in order; those refused are decided again while the accepted set
    grows, so the result does not depend on the order (a project requiring another of the
    same batch is accepted whether it comes before or after it).
    """
    accepted = set(known)
    verdicts: dict[str, Verdict] = {}
    pending = list(projects)
    while pending:
        refused = []
        for project in pending:
            verdict = django_package_verdict(
                classifiers=project.classifiers,
                requires_dist=project.requires_dist,
                description=project.description,
                known=accepted,
            )
            verdicts[normalize_pypi_name(project.name)] = verdict
            if verdict.is_django:
                accepted.add(normalize_pypi_name(project.name))
            else:
                refused.append(project)
        if len(refused) == len(pending):
            break
        pending = refused
    return verdicts
