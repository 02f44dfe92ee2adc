"""The health model: a package's lifecycle and its explained 0 to 100 score (pure Python).

`assess(facts, context)` reads what is known about one package (`PackageFacts`) against
the directory it sits in (`DirectoryContext`) and returns a `Health`: a score, the
model version, a lifecycle state with the reason in a sentence, four axes and every
factor with its value, points, maximum and a sentence. `Health.as_dict()` is the
`health` object of API v5 as it is, so a change of formula shows as a new
`MODEL_VERSION` in every stored score.

Nothing here touches the database or the clock: the same facts and context always give
the same result, which is what lets scores be recomputed after a model change and
compared.

Formula (documented for users on /about/health/, keep both in step):

- Expected release interval, from the package's maturity (`maturity`): 6 months for a
  0.x, pre-release-only or unreleased package; 12 months for 1.x, 2.x and
  calendar-versioned ones; 18 months for 3.x and later, or for any package with at
  least 10 releases over at least 5 years. A release or commit within the interval is
  fresh; silence for 3 intervals, or 36 months whichever is shorter, is abandonment.
- Axes, each 0 to 100 from its factors' points over their maximum: maintenance (weight
  35), popularity (25), quality (20), compatibility (20). The score is the weighted
  mean, capped at 25 for deprecated and archived packages and at 50 for yanked ones.
- Popularity includes dependents (model 3): how many of the directory's packages
  require this one outside an extra, as a percentile like stars; and last month's
  downloads (model 3, pypistats.org), as a percentile among the packages whose
  downloads are known, weighing nothing while they are unknown.
- Compatibility includes outdated pins (model 3): a requirement on Django, or on a
  listed package whose own Django requirement, admits no Django still in support. It
  weighs 20 points, all lost, only when there is one; otherwise it weighs nothing, so a
  package is never rewarded for having no Django requirement at all.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

# Bump on any change that can change a score, a lifecycle or an explanation's meaning.
MODEL_VERSION = "3"

AXES = ("maintenance", "popularity", "quality", "compatibility")

# Maintenance leads because a directory's first question is "will this still work next
# year?"; popularity is a strong but lagging signal (a huge package can be abandoned), so
# it weighs less; quality and compatibility are cheap for an author to fix, and share
# the rest.
AXIS_WEIGHTS: Mapping[str, int] = {
    "maintenance": 35,
    "popularity": 25,
    "quality": 20,
    "compatibility": 20,
}

# Silence longer than this many expected intervals is "abandoned", not "stale": three
# missed releases in a row...
ABANDONED_AFTER = 3.0
# ...or longer than this many months whatever the interval: a Django LTS is supported for
# about three years, so a package silent for longer has missed a whole LTS cycle.
ABANDONED_AFTER_MONTHS = 36

# Release intervals in months per maturity tier (see `maturity`).
YOUNG_INTERVAL = 6
MATURE_INTERVAL = 12
ESTABLISHED_INTERVAL = 18
# A history this long counts as established whatever the version number says: many
# Django packages never left 0.x but have shipped for years.
ESTABLISHED_RELEASES = 10
ESTABLISHED_YEARS = 5
# Versions whose major is a year (2024.1) are calendar versions, not "2024.x".
CALVER_MAJOR = 1900

DAYS_PER_MONTH = 365.2425 / 12
DAYS_PER_YEAR = 365.2425


class Lifecycle(StrEnum):
    """Where a package is in its life; exactly one applies (see `lifecycle`)."""

    ACTIVE = "active"
    STABLE = "stable"
    STALE = "stale"
    ABANDONED = "abandoned"
    ARCHIVED = "archived"
    DEPRECATED = "deprecated"
    YANKED = "yanked"


# The score cannot exceed these, whatever the axes say. A deprecated or archived package
# can be very popular and well documented, but the directory must not rank it above what
# replaces it: 25 keeps it in the bottom quarter. A yanked latest release is a breakage
# that the author may still fix, hence a milder cap.
SCORE_CAPS: Mapping[Lifecycle, int] = {
    Lifecycle.DEPRECATED: 25,
    Lifecycle.ARCHIVED: 25,
    Lifecycle.YANKED: 50,
}

FactorValue = int | str | bool | None | tuple[str, ...]


# --- Input -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    """One release of a package on PyPI. `uploaded_at` is None when it has no files."""

    version: str
    uploaded_at: datetime | None
    yanked: bool = False
    prerelease: bool = False


@dataclass(frozen=True)
class PackageFacts:
    """Everything the model reads about one package; unknowns have neutral defaults.

    Curated: `deprecated`, `replacement` (the slug or name of what replaces it),
    `documentation_url`, `finished` (its verified maintainer says it is done).
    Code host: `has_repository`, `archived`, `stars`, `forks`,
    `last_commit_at`, `commits_over_52` (52 weekly counts, oldest first; empty when
    unknown), `contributors` (None when unknown). PyPI: `releases`, `classifiers`,
    `requires_python` ("" when not declared), `license` (normalised by
    `packagegrid.lib.licenses`; "" when none), `project_status` (PyPI's PEP 792
    project status marker: "" when not stated, "active", "archived", "deprecated",
    "quarantined") and `project_status_reason` (PyPI's free text, "" when none),
    `project_urls`, `pypi_name` (the distribution name, "" when unknown),
    `open_advisories` (advisories affecting the latest release, withdrawn ones
    excluded). `compatibility` maps "django"
    and "python" to {feature release: [sources]}, e.g. {"django": {"5.2": ["classifier"]}}.
    Community: `usage`, `favorites`. Directory: `dependents` (packages that require
    this one outside an extra), `outdated_pins` (requirements that keep it off every
    Django in support, as "Django<4" or "django-foo (requires Django<4)").
    Downloads: `downloads`, the last 30 days' downloads (pypistats.org, without
    mirrors), None when unknown.
    """

    deprecated: bool = False
    finished: bool = False
    replacement: str = ""
    documentation_url: str = ""
    has_repository: bool = False
    archived: bool = False
    stars: int | None = None
    forks: int | None = None
    last_commit_at: datetime | None = None
    commits_over_52: tuple[int, ...] = ()
    contributors: int | None = None
    releases: tuple[Release, ...] = ()
    classifiers: tuple[str, ...] = ()
    requires_python: str = ""
    license: str = ""
    project_status: str = ""
    project_status_reason: str = ""
    project_urls: Mapping[str, str] = field(default_factory=dict)
    pypi_name: str = ""
    open_advisories: int = 0
    compatibility: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)
    usage: int = 0
    favorites: int = 0
    dependents: int = 0
    outdated_pins: tuple[str, ...] = ()
    downloads: int | None = None

    @property
    def development_status(self) -> int | None:
        """The `Development Status :: N - ...` classifier's N (the highest if several)."""
        levels = [
            int(c.split("::")[1].strip().split(" ")[0])
            for c in self.classifiers
            if c.startswith("Development Status ::") and c.split("::")[1].strip()[:1].isdigit()
        ]
        return max(levels) if levels else None

    @property
    def typed(self) -> bool:
        """Whether the package declares type hints (see `typed_marker`)."""
        return bool(typed_marker(name=self.pypi_name, classifiers=self.classifiers))


TYPED_CLASSIFIER = "Typing :: Typed"


def typed_marker(*, name: str, classifiers: Iterable[str]) -> str:
    """How a PyPI project declares that it ships type hints, "" when it does not.

    What PyPI's JSON API shows is all there is: the `Typing :: Typed` classifier, or a
    stub-only distribution, named `<package>-stubs` (PEP 561) or `types-<package>`
    (typeshed's). A `py.typed` file inside a wheel is not in the JSON, so it is not seen.

    >>> typed_marker(name="django-stubs", classifiers=[])
    'stub-only package'
    """
    if TYPED_CLASSIFIER in classifiers:
        return f"{TYPED_CLASSIFIER} classifier"
    normalised = name.lower().replace("_", "-").replace(".", "-")
    if normalised.endswith("-stubs") or normalised.startswith("types-"):
        return "stub-only package"
    return ""


@dataclass(frozen=True)
class DirectoryContext:
    """The day of the assessment and what the rest of the directory looks like.

    `supported_django` and `supported_python` are the feature releases ("5.2", "3.13")
    still in support on `today`. `stars`, `usage`, `favorites` and `dependents` are the
    values of every package in the directory (this one included), kept sorted for
    percentiles; `downloads` those of every package whose downloads are known.
    """

    today: date
    supported_django: frozenset[str]
    supported_python: frozenset[str]
    stars: tuple[int, ...] = ()
    usage: tuple[int, ...] = ()
    favorites: tuple[int, ...] = ()
    dependents: tuple[int, ...] = ()
    downloads: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        # Sorted once here so that every percentile is a binary search.
        for name in ("stars", "usage", "favorites", "dependents", "downloads"):
            object.__setattr__(self, name, tuple(sorted(getattr(self, name))))


# --- Output ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Factor:
    """One line of the breakdown: what was measured, what it earned and why."""

    axis: str
    name: str
    value: FactorValue
    points: int
    max_points: int
    explanation: str

    def as_dict(self) -> dict[str, object]:
        """The API v5 shape of a factor (tuples become lists)."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {
            "axis": self.axis,
            "name": self.name,
            "value": value,
            "points": self.points,
            "max_points": self.max_points,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Health:
    """The result of `assess`: score 0 to 100, the model version and the explanation."""

    score: int
    model: str
    lifecycle: Lifecycle
    lifecycle_reason: str
    axes: Mapping[str, int]
    factors: tuple[Factor, ...]

    def as_dict(self) -> dict[str, object]:
        """The `health` object of API v5, keys exactly as published."""
        return {
            "score": self.score,
            "model": self.model,
            "lifecycle": self.lifecycle.value,
            "lifecycle_reason": self.lifecycle_reason,
            "axes": {axis: self.axes[axis] for axis in AXES},
            "factors": [factor.as_dict() for factor in self.factors],
        }


@dataclass(frozen=True)
class Maturity:
    """The release interval expected of a package, and how to name its kind in a sentence."""

    label: str
    interval_months: int

    @property
    def interval_days(self) -> float:
        return self.interval_months * DAYS_PER_MONTH

    @property
    def abandoned_months(self) -> float:
        """Silence beyond this is abandonment (see `ABANDONED_AFTER`)."""
        return min(ABANDONED_AFTER * self.interval_months, ABANDONED_AFTER_MONTHS)

    @property
    def abandoned_days(self) -> float:
        return self.abandoned_months * DAYS_PER_MONTH


# --- Entry point -------------------------------------------------------------------------


def assess(facts: PackageFacts, context: DirectoryContext) -> Health:
    """Assess one package: lifecycle, axes, factors and the capped weighted score.

    Deterministic and total: any `PackageFacts` (even all defaults) gives a `Health` with
    every number within its bounds.
    """
    state, reason = lifecycle(facts, context)
    factors = [
        *maintenance_factors(facts, context),
        *popularity_factors(facts, context),
        *quality_factors(facts),
        *compatibility_factors(facts, context),
    ]
    axes = {axis: _axis_score([f for f in factors if f.axis == axis]) for axis in AXES}
    weighted = _round(sum(AXIS_WEIGHTS[a] * axes[a] for a in AXES) / sum(AXIS_WEIGHTS.values()))
    cap = SCORE_CAPS.get(state)
    score = min(weighted, cap) if cap is not None else weighted
    factors.append(_cap_factor(state, cap, weighted))
    return Health(
        score=max(0, min(100, score)),
        model=MODEL_VERSION,
        lifecycle=state,
        lifecycle_reason=reason,
        axes=axes,
        factors=tuple(factors),
    )


# --- Releases and maturity ---------------------------------------------------------------


def parse_version(text: str) -> Version | None:
    """PEP 440 version, or None for the non-standard strings old packages used."""
    try:
        return Version(text)
    except InvalidVersion:
        return None


def latest_release(releases: Iterable[Release]) -> Release | None:
    """The release pip would consider newest: the highest final version, yanked or not.

    Pre-releases count only when there is no final release, and releases without files
    only when none has files. Non-PEP 440 versions cannot be ordered, so they count only
    when no version parses; then the last uploaded wins.
    """
    items = list(releases)
    items = [r for r in items if r.uploaded_at is not None] or items
    candidates = [r for r in items if not r.prerelease] or items
    parsed = [(v, r) for r in candidates if (v := parse_version(r.version)) is not None]
    if parsed:
        return max(parsed, key=lambda pair: pair[0])[1]
    dated = [r for r in candidates if r.uploaded_at is not None]
    if dated:
        return max(dated, key=lambda r: _utc(r.uploaded_at))
    return candidates[0] if candidates else None


def last_upload(releases: Iterable[Release]) -> date | None:
    """Day of the most recent upload of a release that is not yanked (pre-releases too)."""
    days = [_day(r.uploaded_at) for r in releases if not r.yanked and r.uploaded_at is not None]
    return max(days) if days else None


def maturity(releases: Sequence[Release]) -> Maturity:
    """The release interval to expect, from the latest version and the release history.

    - No release, or only pre-releases: 6 months. Nothing stable has shipped, so a
      project that goes quiet for long has most likely been dropped.
    - 3.x and later, or at least 10 final releases over at least 5 years: 18 months. The
      API has settled; one release per one or two Django feature releases (every 8
      months) is what such packages show.
    - 1.x, 2.x, and calendar versions: 12 months.
    - 0.x and non-standard versions: 6 months. A 0.x API is still moving.

    >>> maturity([Release("3.1", None)]).label
    'a 3.x package'
    """
    usable = [r for r in releases if not r.yanked] or list(releases)
    if not usable:
        return Maturity("an unreleased package", YOUNG_INTERVAL)
    finals = [r for r in usable if not r.prerelease]
    if not finals:
        return Maturity("a package with pre-releases only", YOUNG_INTERVAL)
    latest = latest_release(finals)
    version = parse_version(latest.version) if latest else None
    major = version.major if version is not None else None
    if major is not None and 3 <= major < CALVER_MAJOR:
        return Maturity(f"a {major}.x package", ESTABLISHED_INTERVAL)
    dates = sorted(_day(r.uploaded_at) for r in finals if r.uploaded_at is not None)
    if len(finals) >= ESTABLISHED_RELEASES and dates:
        years = (dates[-1] - dates[0]).days / DAYS_PER_YEAR
        if years >= ESTABLISHED_YEARS:
            return Maturity(
                f"a package with {len(finals)} releases over {math.floor(years)} years",
                ESTABLISHED_INTERVAL,
            )
    if major is not None and major >= CALVER_MAJOR:
        return Maturity("a calendar-versioned package", MATURE_INTERVAL)
    if major in (1, 2):
        return Maturity(f"a {major}.x package", MATURE_INTERVAL)
    if major == 0:
        return Maturity("a 0.x package", YOUNG_INTERVAL)
    return Maturity("a package with non-standard versions", YOUNG_INTERVAL)


# --- Lifecycle ---------------------------------------------------------------------------


def lifecycle(facts: PackageFacts, context: DirectoryContext) -> tuple[Lifecycle, str]:
    """The package's lifecycle state and the reason, as one sentence.

    Precedence, first match wins:
    1. deprecated: PyPI's project status "quarantined" (held as unsafe, nothing can be
       installed), curated as deprecated, `Development Status :: 7 - Inactive`, or
       PyPI's project status "deprecated"; the reason names the replacement. First
       because it tells the reader what to use instead.
    2. archived: the code host made the repository read-only, or PyPI's project status
       is "archived". A decision by the owner, stronger than any activity measure.
    3. yanked: the latest release is yanked: what pip would install is withdrawn.
    3b. stable, when its verified maintainer marked the package finished and nothing
       signals breakage (the conditions of 5 but for the inactivity): their word that
       it is done, not dead, weighs more than the calendar.
    4. active: a release or a commit within the expected interval (`maturity`).
    5. stable: no release or commit within the interval, but a release that is not
       yanked supports a Django still in support, and nothing signals breakage (no
       advisory on the latest release, no declared Python range that excludes every
       supported Python). Finished, not dead: it comes before stale and abandoned, as
       an old package that still works is the case this state exists for.
    6. abandoned: nothing for more than `Maturity.abandoned_months`, or nothing dated.
    7. stale: otherwise.
    """
    deprecated = _deprecation(facts)
    if deprecated:
        instead = (
            f"use {facts.replacement} instead" if facts.replacement else "no replacement is named"
        )
        return Lifecycle.DEPRECATED, f"{deprecated}; {instead}."
    if facts.archived:
        return Lifecycle.ARCHIVED, "The repository is archived by its host: it is read-only."
    if facts.project_status == "archived":
        return Lifecycle.ARCHIVED, (
            f"PyPI marks the project as archived{_pypi_reason(facts)}: no new release can come."
        )
    latest = latest_release(facts.releases)
    if latest is not None and latest.yanked:
        fallback = latest_release(r for r in facts.releases if not r.yanked)
        then = (
            f"pip installs {fallback.version} instead"
            if fallback
            else "no other release can be installed"
        )
        return Lifecycle.YANKED, f"The latest release, {latest.version}, is yanked; {then}."

    if facts.finished and _stability_problem(facts, context) is None:
        django = ", ".join(_supported(facts, "django", context.supported_django))
        return Lifecycle.STABLE, _sentence(
            f"Marked finished by its verified maintainer; it supports Django {django}, still "
            "in support, and shows no sign of breakage"
        )
    expected = maturity(facts.releases)
    released, committed = last_upload(facts.releases), _commit_day(facts)
    signs = [d for d in (released, committed) if d is not None]
    if not signs:
        return Lifecycle.ABANDONED, "No release and no commit date is known."
    age = _age(max(signs), context)
    activity = _activity_sentence(released, committed, context)
    expectation = f"expected every {expected.interval_months} months for {expected.label}"
    if age <= expected.interval_days:
        return Lifecycle.ACTIVE, _sentence(f"{activity}; {expectation}")
    problem = _stability_problem(facts, context)
    if problem is None:
        django = ", ".join(_supported(facts, "django", context.supported_django))
        return Lifecycle.STABLE, _sentence(
            f"Finished rather than dead: {activity}, beyond the {expected.interval_months} "
            f"months expected for {expected.label}, but it supports Django {django}, still "
            "in support, and shows no sign of breakage"
        )
    if age > expected.abandoned_days:
        return Lifecycle.ABANDONED, _sentence(
            f"{activity}: silent for over {expected.abandoned_months:g} months, while a release "
            f"is {expectation}; {problem}"
        )
    return Lifecycle.STALE, _sentence(f"{activity}; {expectation}; {problem}")


def _deprecation(facts: PackageFacts) -> str:
    """Why the package counts as deprecated, or "" when it does not."""
    if facts.project_status == "quarantined":
        return (
            f"PyPI has quarantined the project as unsafe{_pypi_reason(facts)}: "
            "it cannot be installed"
        )
    if facts.deprecated:
        return "Marked deprecated by the directory's editors"
    if facts.development_status == 7:
        return "It declares Development Status :: 7 - Inactive"
    if facts.project_status == "deprecated":
        return f"PyPI marks the project as deprecated{_pypi_reason(facts)}"
    return ""


# PyPI's status reason is free text from the index; the lifecycle sentence quotes at most
# this much of it (the rules page and API carry the sentence, not the whole text).
PYPI_REASON_CHARS = 200


def _pypi_reason(facts: PackageFacts) -> str:
    """' ("<PyPI's reason>")' for a lifecycle sentence, "" when PyPI gave none."""
    reason = " ".join(facts.project_status_reason.split()).rstrip(".")
    if not reason:
        return ""
    if len(reason) > PYPI_REASON_CHARS:
        reason = reason[: PYPI_REASON_CHARS - 1].rstrip() + "…"
    return f' ("{reason}")'


def _stability_problem(facts: PackageFacts, context: DirectoryContext) -> str | None:
    """Why an inactive package is not `stable`, or None when it qualifies."""
    installable = (r for r in facts.releases if r.uploaded_at is not None and not r.yanked)
    if not any(not r.prerelease for r in installable):
        return "it has no installable final release"
    if not _supported(facts, "django", context.supported_django):
        if facts.compatibility.get("django"):
            return "it declares no Django version still in support"
        return "it declares no Django version"
    if facts.open_advisories:
        return "a security advisory affects its latest release"
    declared_python = facts.compatibility.get("python")
    if declared_python and not _supported(facts, "python", context.supported_python):
        return "it declares no Python version still in support"
    if not _admits_any(facts.requires_python, context.supported_python):
        return f"requires_python {facts.requires_python} excludes every supported Python"
    return None


def _activity_sentence(released: date | None, committed: date | None, ctx: DirectoryContext) -> str:
    release = f"last release {_ago(_age(released, ctx))}" if released else "no release"
    commit = f"last commit {_ago(_age(committed, ctx))}" if committed else "no known commit"
    return f"{release}, {commit}"


# --- Maintenance -------------------------------------------------------------------------


def maintenance_factors(facts: PackageFacts, context: DirectoryContext) -> list[Factor]:
    """Release and commit freshness against the expected interval, commits, contributors."""
    expected = maturity(facts.releases)
    expectation = f"expected every {expected.interval_months} months for {expected.label}"
    factors = []

    released = last_upload(facts.releases)
    if released is None:
        if not facts.releases:
            why = "no release on PyPI"
        elif all(r.yanked for r in facts.releases):
            why = "all releases are yanked"
        else:
            why = "no release has files to install"
        factors.append(Factor("maintenance", "release_freshness", None, 0, 35, f"{why}."))
    else:
        days = _age(released, context)
        factors.append(
            Factor(
                "maintenance",
                "release_freshness",
                days,
                _freshness_points(days, expected, 35),
                35,
                f"last release {_ago(days)}; {expectation}.",
            )
        )

    committed = _commit_day(facts)
    if committed is None:
        why = "last commit date unknown" if facts.has_repository else "no repository known"
        factors.append(Factor("maintenance", "commit_freshness", None, 0, 30, f"{why}."))
    else:
        days = _age(committed, context)
        factors.append(
            Factor(
                "maintenance",
                "commit_freshness",
                days,
                _freshness_points(days, expected, 30),
                30,
                f"last commit {_ago(days)}; {expectation}.",
            )
        )

    if len(facts.commits_over_52) == 0:
        factors.append(
            Factor("maintenance", "commit_volume", None, 0, 10, "weekly commit counts unknown.")
        )
    else:
        commits = sum(facts.commits_over_52)
        weeks = sum(1 for week in facts.commits_over_52 if week)
        # Log scale: one commit a week is full marks; 5 commits already earn 40%.
        points = _round(10 * min(1.0, math.log1p(commits) / math.log1p(52)))
        text = (
            f"{commits} {_plural(commits, 'commit')} in {weeks} of the last 52 weeks."
            if commits
            else "no commit in the last 52 weeks."
        )
        factors.append(Factor("maintenance", "commit_volume", commits, points, 10, text))

    if facts.contributors is None:
        why = "contributors unknown" if facts.has_repository else "no repository known"
        factors.append(Factor("maintenance", "contributors", None, 0, 25, f"{why}."))
    else:
        count = facts.contributors
        # Log scale: the second maintainer matters more than the eleventh; 10+ is full.
        points = _round(25 * min(1.0, math.log1p(count) / math.log1p(10)))
        bus = " (a bus factor of one)" if count == 1 else ""
        factors.append(
            Factor(
                "maintenance",
                "contributors",
                count,
                points,
                25,
                f"{count} {_plural(count, 'contributor')}{bus}; 10 or more earn full points.",
            )
        )
    return factors


def _freshness_points(age_days: int, expected: Maturity, max_points: int) -> int:
    """Full points within the interval, none once abandoned (`Maturity.abandoned_days`).

    Linear in between, so that points reach 0 exactly where the lifecycle says abandoned.
    """
    if age_days <= expected.interval_days:
        return max_points
    span = expected.abandoned_days - expected.interval_days
    share = max(0.0, (expected.abandoned_days - age_days) / span)
    return _round(max_points * share)


# --- Popularity --------------------------------------------------------------------------


def popularity_factors(facts: PackageFacts, context: DirectoryContext) -> list[Factor]:
    """Stars, usage, favorites and dependents as percentiles within the directory.

    Dependents weigh like favorites: a package other packages require is depended on by
    every project that installs them, a strong signal, but one only the directory's
    packages can give (most Django projects are not listed), so it cannot lead.

    A percentile rank depends only on the order of values, so it is the same on a log
    scale as on a linear one: going from 10 to 100 stars can count as much as going from
    1,000 to 10,000. Zero earns nothing, however many packages also have zero.
    """
    return [
        _percentile_factor("stars", facts.stars, context.stars, 50, "star"),
        _percentile_factor("usage", facts.usage, context.usage, 30, "user"),
        _percentile_factor("favorites", facts.favorites, context.favorites, 20, "favorite"),
        _dependents_factor(facts, context),
        _downloads_factor(facts, context),
    ]


def _dependents_factor(facts: PackageFacts, context: DirectoryContext) -> Factor:
    found = _percentile_factor("dependents", facts.dependents, context.dependents, 20, "dependent")
    if facts.dependents <= 0:
        return found
    share = percentile(facts.dependents, context.dependents)
    return Factor(
        found.axis,
        found.name,
        found.value,
        found.points,
        found.max_points,
        f"required by {facts.dependents:,} {_plural(facts.dependents, 'package')} in the "
        f"directory; {_round(100 * share)}% of the directory's packages have as many "
        f"dependents or fewer.",
    )


# Downloads say who installs a package, curated or not; CI and mirrors inflate them, so they
# weigh less than stars. Unknown downloads (the optional source is off, or pypistats has
# not answered yet) count for nothing either way: the factor's maximum is then 0, so the
# axis is the other factors' score.
DOWNLOADS_POINTS = 30


def _downloads_factor(facts: PackageFacts, context: DirectoryContext) -> Factor:
    """Last month's downloads as a percentile among the packages whose downloads are known.

    Like stars, a percentile rank is the same on a log scale: 100 to 1,000 downloads a
    month can count as much as 100,000 to 1,000,000.
    """
    if facts.downloads is None:
        return Factor("popularity", "downloads", None, 0, 0, "downloads unknown: not counted.")
    return _percentile_factor(
        "downloads", facts.downloads, context.downloads, DOWNLOADS_POINTS, "download"
    )


def percentile(value: int, distribution: Sequence[int]) -> float:
    """Share (0 to 1) of `distribution` (sorted) at or below `value`; 1.0 when it is empty."""
    if not distribution:
        return 1.0
    return bisect_right(distribution, value) / len(distribution)


def _percentile_factor(
    name: str, value: int | None, distribution: Sequence[int], max_points: int, noun: str
) -> Factor:
    if value is None:
        return Factor("popularity", name, None, 0, max_points, f"{name} unknown: no repository.")
    if value <= 0:
        return Factor("popularity", name, 0, 0, max_points, f"no {noun}s yet.")
    share = percentile(value, distribution)
    return Factor(
        "popularity",
        name,
        value,
        _round(max_points * share),
        max_points,
        f"{value:,} {_plural(value, noun)}; {_round(100 * share)}% of the directory's "
        f"packages have as many or fewer.",
    )


# --- Quality -----------------------------------------------------------------------------

_DOC_KEYS = ("documentation", "docs", "doc", "read the docs", "readthedocs", "manual", "guide")
_DOC_HOSTS = ("readthedocs.io", "readthedocs.org", "rtfd.io", "://docs.", ".github.io")
_CHANGELOG_KEYS = (
    "changelog",
    "change log",
    "changes",
    "release notes",
    "releases",
    "history",
    "what's new",
    "whats new",
    "news",
)
_CHANGELOG_PATHS = ("changelog", "changes", "history", "/releases", "release-notes", "news")


def quality_factors(facts: PackageFacts) -> list[Factor]:
    """Documentation, licence, classifiers, requires_python, typing, 1.0, changelog."""
    return [
        _documentation_factor(facts),
        _license_factor(facts),
        _classifiers_factor(facts),
        _requires_python_factor(facts),
        _typed_factor(facts),
        _stable_version_factor(facts),
        _changelog_factor(facts),
    ]


def _documentation_factor(facts: PackageFacts) -> Factor:
    url = facts.documentation_url or _project_url(facts, _DOC_KEYS, _DOC_HOSTS)
    if url:
        return Factor("quality", "documentation", url, 20, 20, f"documentation at {url}.")
    return Factor("quality", "documentation", None, 0, 20, "no documentation link.")


def _license_factor(facts: PackageFacts) -> Factor:
    if facts.license:
        return Factor("quality", "license", facts.license, 15, 15, f"licensed {facts.license}.")
    return Factor("quality", "license", None, 0, 15, "no licence declared on PyPI.")


def _classifiers_factor(facts: PackageFacts) -> Factor:
    django = _classifier_versions(facts.classifiers, "Framework :: Django ::")
    python = _classifier_versions(facts.classifiers, "Programming Language :: Python ::")
    python = tuple(v for v in python if "." in v)
    points = (8 if django else 0) + (7 if python else 0)
    said = []
    said.append(f"Django {', '.join(django)}" if django else "no Django version")
    said.append(f"Python {', '.join(python)}" if python else "no Python version")
    return Factor(
        "quality",
        "classifiers",
        django + python,
        points,
        15,
        f"classifiers name {' and '.join(said)}.",
    )


def _requires_python_factor(facts: PackageFacts) -> Factor:
    spec = facts.requires_python.strip()
    if not spec:
        return Factor("quality", "requires_python", None, 0, 10, "no requires_python declared.")
    try:
        SpecifierSet(spec)
    except InvalidSpecifier:
        return Factor(
            "quality", "requires_python", spec, 0, 10, f"requires_python {spec!r} is invalid."
        )
    return Factor("quality", "requires_python", spec, 10, 10, f"requires_python {spec}.")


def _typed_factor(facts: PackageFacts) -> Factor:
    how = typed_marker(name=facts.pypi_name, classifiers=facts.classifiers)
    if how:
        return Factor("quality", "typed", True, 10, 10, f"ships type hints ({how}).")
    return Factor(
        "quality", "typed", False, 0, 10, f"no type hints declared (no {TYPED_CLASSIFIER})."
    )


def _stable_version_factor(facts: PackageFacts) -> Factor:
    latest = latest_release([r for r in facts.releases if not r.prerelease and not r.yanked])
    if latest is None:
        why = "only pre-releases" if facts.releases else "no release"
        return Factor("quality", "stable_version", None, 0, 15, f"{why}: no stable version.")
    version = parse_version(latest.version)
    if version is not None and version.major >= 1:
        return Factor(
            "quality",
            "stable_version",
            latest.version,
            15,
            15,
            f"latest version {latest.version} is 1.0 or later.",
        )
    return Factor(
        "quality",
        "stable_version",
        latest.version,
        0,
        15,
        f"latest version {latest.version} is below 1.0: the API is not declared stable.",
    )


def _changelog_factor(facts: PackageFacts) -> Factor:
    url = _project_url(facts, _CHANGELOG_KEYS, _CHANGELOG_PATHS)
    if url:
        return Factor("quality", "changelog", url, 15, 15, f"changelog at {url}.")
    return Factor("quality", "changelog", None, 0, 15, "no changelog link.")


def _project_url(facts: PackageFacts, keys: Sequence[str], in_url: Sequence[str]) -> str:
    """The first project URL labelled with one of `keys`, else whose URL contains `in_url`."""
    for label, url in facts.project_urls.items():
        if any(key in label.lower() for key in keys) and url.startswith("http"):
            return url
    for url in facts.project_urls.values():
        if any(part in url.lower() for part in in_url):
            return url
    return ""


def _classifier_versions(classifiers: Iterable[str], prefix: str) -> tuple[str, ...]:
    versions = {
        c.removeprefix(prefix).strip().split(" ")[0] for c in classifiers if c.startswith(prefix)
    }
    return tuple(sorted((v for v in versions if parse_version(v)), key=Version))


# --- Compatibility -----------------------------------------------------------------------


def compatibility_factors(facts: PackageFacts, context: DirectoryContext) -> list[Factor]:
    """Support for a Django and a Python still in support, from the compatibility mapping.

    Supporting one supported release earns two thirds of the points (it is usable
    today); the rest grows with the share of supported releases covered.
    """
    return [
        _support_factor(facts, "django", "Django", context.supported_django, 60, 40),
        _support_factor(facts, "python", "Python", context.supported_python, 40, 25),
        _pins_factor(facts, context),
    ]


# What an outdated pin costs: it weighs this much only when there is one (see the module
# docstring), so that packages without Django requirements are not rewarded.
OUTDATED_PIN_POINTS = 20


def _pins_factor(facts: PackageFacts, context: DirectoryContext) -> Factor:
    if not facts.outdated_pins:
        return Factor(
            "compatibility",
            "outdated_pins",
            (),
            0,
            0,
            "no requirement pins Django below the releases in support.",
        )
    supported = ", ".join(_sorted_versions(context.supported_django))
    return Factor(
        "compatibility",
        "outdated_pins",
        facts.outdated_pins,
        0,
        OUTDATED_PIN_POINTS,
        f"{', '.join(facts.outdated_pins)} "
        f"{'excludes' if len(facts.outdated_pins) == 1 else 'exclude'} every Django in "
        f"support ({supported}).",
    )


def _support_factor(
    facts: PackageFacts,
    key: str,
    label: str,
    supported: frozenset[str],
    max_points: int,
    base: int,
) -> Factor:
    name = f"{key}_support"
    declared = _sorted_versions(facts.compatibility.get(key, {}))
    covered = _supported(facts, key, supported)
    if not declared:
        return Factor("compatibility", name, (), 0, max_points, f"no {label} version declared.")
    old = [v for v in declared if v not in supported]
    old_text = f"; also declares {', '.join(old)}, no longer supported" if old else ""
    if not covered:
        return Factor(
            "compatibility",
            name,
            (),
            0,
            max_points,
            f"declares {label} {', '.join(declared)}, none still in support.",
        )
    share = len(covered) / len(supported)
    sources = sorted({s for v in covered for s in facts.compatibility[key][v]})
    source_text = f" (from {', '.join(sources)})" if sources else ""
    return Factor(
        "compatibility",
        name,
        tuple(covered),
        _round(base + (max_points - base) * share),
        max_points,
        f"supports {label} {', '.join(covered)}{source_text}: {len(covered)} of the "
        f"{len(supported)} releases in support ({', '.join(_sorted_versions(supported))})"
        f"{old_text}.",
    )


def _supported(facts: PackageFacts, key: str, supported: frozenset[str]) -> tuple[str, ...]:
    """Declared versions under `key` that are in `supported`, in version order."""
    return _sorted_versions(v for v in facts.compatibility.get(key, {}) if v in supported)


def _admits_any(requires_python: str, supported: frozenset[str]) -> bool:
    """Whether `requires_python` allows at least one supported Python (true if unreadable)."""
    if not requires_python.strip() or not supported:
        return True
    try:
        spec = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return True
    return any(spec.contains(f"{v}.0", prereleases=True) for v in supported)


def _sorted_versions(versions: Iterable[str]) -> tuple[str, ...]:
    """Versions in PEP 440 order; any that do not parse come last, alphabetically."""

    def key(text: str) -> tuple[bool, Version, str]:
        parsed = parse_version(text)
        return (parsed is None, parsed or Version("0"), text)

    return tuple(sorted(set(versions), key=key))


# --- Scoring and wording -----------------------------------------------------------------


def _axis_score(factors: Sequence[Factor]) -> int:
    maximum = sum(f.max_points for f in factors)
    return _round(100 * sum(f.points for f in factors) / maximum) if maximum else 0


def _cap_factor(state: Lifecycle, cap: int | None, uncapped: int) -> Factor:
    """The cap as a line of the breakdown, so that a capped score explains itself."""
    if cap is None:
        text = f"no cap: {state.value} packages keep their weighted score of {uncapped}."
    elif uncapped > cap:
        text = f"score capped at {cap} because the package is {state.value} (uncapped {uncapped})."
    else:
        text = f"{state.value} packages are capped at {cap}; the weighted {uncapped} is below it."
    return Factor("lifecycle", "lifecycle_cap", cap, 0, 0, text)


def _commit_day(facts: PackageFacts) -> date | None:
    return _day(facts.last_commit_at) if facts.last_commit_at is not None else None


def _age(day: date | None, context: DirectoryContext) -> int:
    """Whole days from `day` to the assessment day; never negative."""
    return max(0, (context.today - day).days) if day is not None else 0


def _ago(days: int) -> str:
    """'today', '12 days ago', '14 months ago', '3.5 years ago'."""
    if days == 0:
        return "today"
    if days < 60:
        return f"{days} {_plural(days, 'day')} ago"
    months = _round(days / DAYS_PER_MONTH)
    if months < 24:
        return f"{months} months ago"
    years = f"{days / DAYS_PER_YEAR:.1f}".removesuffix(".0")
    return f"{years} years ago"


def _day(moment: datetime | None) -> date:
    assert moment is not None  # callers filter out undated releases
    return _utc(moment).date()


def _utc(moment: datetime | None) -> datetime:
    assert moment is not None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


def _round(value: float) -> int:
    """Half-up rounding, so 12.5 is 13 everywhere (round() would give 12)."""
    return math.floor(value + 0.5)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."
