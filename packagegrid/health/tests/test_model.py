"""Unit tests of the health model: every factor, the lifecycle rules, the edge cases."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from packagegrid.health.model import (
    AXES,
    MODEL_VERSION,
    PYPI_REASON_CHARS,
    DirectoryContext,
    Factor,
    Health,
    Lifecycle,
    PackageFacts,
    Release,
    assess,
    latest_release,
    maturity,
    percentile,
    popularity_factors,
    typed_marker,
)

TODAY = date(2026, 12, 6)
NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
DJANGO = frozenset({"5.2", "6.0", "6.1"})
PYTHON = frozenset({"3.10", "3.11", "3.12", "3.13", "3.14"})
CURRENT = {"django": {"5.2": ["classifier"]}, "python": {"3.12": ["requires_python"]}}
OUTDATED = {"django": {"3.2": ["classifier"], "4.2": ["classifier"]}}


def ago(months: float) -> datetime:
    return NOW - timedelta(days=round(months * 30.44))


def release(
    version: str, months: float | None, *, yanked: bool = False, pre: bool = False
) -> Release:
    return Release(
        version, ago(months) if months is not None else None, yanked=yanked, prerelease=pre
    )


def context(**changes: Any) -> DirectoryContext:
    values: dict[str, Any] = {
        "today": TODAY,
        "supported_django": DJANGO,
        "supported_python": PYTHON,
        "stars": (0, 1, 5, 10, 50, 100, 500, 1000, 5000, 20000),
        "usage": (0, 0, 1, 2, 3, 10),
        "favorites": (0, 1, 2),
    }
    values.update(changes)
    return DirectoryContext(**values)


def facts(**changes: Any) -> PackageFacts:
    """A healthy 2.x package; each test changes what it is about."""
    values: dict[str, Any] = {
        "has_repository": True,
        "stars": 500,
        "forks": 40,
        "last_commit_at": ago(1),
        "commits_over_52": (1,) * 52,
        "contributors": 12,
        "releases": (release("2.0", 30), release("2.1", 2)),
        "classifiers": (
            "Framework :: Django :: 5.2",
            "Programming Language :: Python :: 3.12",
            "Typing :: Typed",
        ),
        "requires_python": ">=3.10",
        "license": "MIT",
        "project_urls": {
            "Documentation": "https://pkg.readthedocs.io/",
            "Changelog": "https://github.com/o/pkg/blob/main/CHANGELOG.md",
        },
        "compatibility": CURRENT,
        "usage": 3,
        "favorites": 1,
    }
    values.update(changes)
    return PackageFacts(**values)


def factor(health: Health, name: str) -> Factor:
    (found,) = [f for f in health.factors if f.name == name]
    return found


def assess_(**changes: Any) -> Health:
    return assess(facts(**changes), context())


# --- Maturity and the expected interval ----------------------------------------------------


class TestMaturity:
    def test_it_expects_six_months_of_a_0x_package(self) -> None:
        found = maturity([release("0.4", 1)])
        assert (found.label, found.interval_months) == ("a 0.x package", 6)

    def test_it_expects_twelve_months_of_a_1x_or_2x_package(self) -> None:
        assert maturity([release("1.2", 1)]).interval_months == 12
        assert maturity([release("2.0", 1)]).label == "a 2.x package"

    def test_it_expects_eighteen_months_of_a_3x_package(self) -> None:
        found = maturity([release("3.0", 1), release("4.1", 1)])
        assert (found.label, found.interval_months) == ("a 4.x package", 18)

    def test_a_long_history_counts_as_established_whatever_the_version(self) -> None:
        history = [release(f"0.{n}", 70 - n * 6) for n in range(11)]
        found = maturity(history)
        assert found.interval_months == 18
        assert found.label == "a package with 11 releases over 5 years"

    def test_ten_releases_within_five_years_stay_0x(self) -> None:
        history = [release(f"0.{n}", 50 - n * 5) for n in range(11)]
        assert maturity(history).interval_months == 6

    def test_calendar_versions_are_not_year_point_x(self) -> None:
        found = maturity([release("2024.3", 1)])
        assert (found.label, found.interval_months) == ("a calendar-versioned package", 12)

    def test_pre_releases_only_and_no_release_expect_six_months(self) -> None:
        assert maturity([release("1.0b1", 1, pre=True)]).label == (
            "a package with pre-releases only"
        )
        assert maturity([]).label == "an unreleased package"
        assert maturity([]).interval_months == 6

    def test_non_standard_versions_expect_six_months(self) -> None:
        assert maturity([release("1.0-beta-final-2", 1)]).label == (
            "a package with non-standard versions"
        )

    def test_yanked_releases_do_not_set_the_maturity(self) -> None:
        assert maturity([release("0.9", 3), release("3.0", 1, yanked=True)]).interval_months == 6

    def test_abandonment_is_three_intervals_but_never_over_36_months(self) -> None:
        assert maturity([release("0.1", 1)]).abandoned_months == 18
        assert maturity([release("1.0", 1)]).abandoned_months == 36
        assert maturity([release("5.0", 1)]).abandoned_months == 36


class TestLatestRelease:
    def test_it_is_the_highest_final_version_not_the_last_upload(self) -> None:
        found = latest_release(
            [release("2.0", 3), release("1.9.9", 1), release("3.0b1", 0, pre=True)]
        )
        assert found is not None and found.version == "2.0"

    def test_pre_releases_count_when_there_is_nothing_else(self) -> None:
        found = latest_release([release("1.0a1", 5, pre=True), release("1.0b1", 2, pre=True)])
        assert found is not None and found.version == "1.0b1"

    def test_releases_without_files_are_skipped(self) -> None:
        found = latest_release([release("1.0", 5), release("2.0", None)])
        assert found is not None and found.version == "1.0"

    def test_unparsable_versions_fall_back_to_the_last_upload(self) -> None:
        found = latest_release([release("r1-final", 5), release("r2-final", 2)])
        assert found is not None and found.version == "r2-final"
        assert latest_release([]) is None


# --- Lifecycle -----------------------------------------------------------------------------


class TestLifecycle:
    def test_a_fresh_release_is_active(self) -> None:
        health = assess_()
        assert health.lifecycle == Lifecycle.ACTIVE
        assert health.lifecycle_reason == (
            "Last release 2 months ago, last commit 30 days ago; expected every 12 months for "
            "a 2.x package."
        )

    def test_a_3x_package_with_a_release_14_months_ago_is_fine(self) -> None:
        health = assess_(releases=(release("3.1", 14),), last_commit_at=ago(14))
        assert health.lifecycle == Lifecycle.ACTIVE
        assert factor(health, "release_freshness").explanation == (
            "last release 14 months ago; expected every 18 months for a 3.x package."
        )

    def test_a_0x_package_with_nothing_for_three_years_is_not(self) -> None:
        health = assess_(
            releases=(release("0.1", 36),), last_commit_at=ago(36), compatibility=OUTDATED
        )
        assert health.lifecycle == Lifecycle.ABANDONED
        assert "silent for over 18 months" in health.lifecycle_reason

    def test_recent_commits_keep_a_package_active_without_a_release(self) -> None:
        health = assess_(releases=(release("1.0", 30),), last_commit_at=ago(2))
        assert health.lifecycle == Lifecycle.ACTIVE

    def test_ancient_but_finished_is_stable(self) -> None:
        # A 1.x package silent for 20 months that declares Django 5.2: finished, not dead.
        health = assess_(releases=(release("1.4", 20),), last_commit_at=ago(20))
        assert health.lifecycle == Lifecycle.STABLE
        assert health.lifecycle_reason.startswith("Finished rather than dead: last release 20")
        assert "supports Django 5.2, still in support" in health.lifecycle_reason

    def test_stable_even_beyond_the_abandonment_bound(self) -> None:
        health = assess_(releases=(release("3.0", 48),), last_commit_at=ago(48))
        assert health.lifecycle == Lifecycle.STABLE

    def test_inactive_with_only_unsupported_django_is_stale(self) -> None:
        health = assess_(
            releases=(release("1.4", 20),), last_commit_at=ago(20), compatibility=OUTDATED
        )
        assert health.lifecycle == Lifecycle.STALE
        assert health.lifecycle_reason.endswith("it declares no Django version still in support.")

    def test_inactive_without_any_django_declared_is_stale(self) -> None:
        health = assess_(releases=(release("1.4", 20),), last_commit_at=ago(20), compatibility={})
        assert health.lifecycle == Lifecycle.STALE
        assert health.lifecycle_reason.endswith("it declares no Django version.")

    def test_an_advisory_on_the_latest_release_breaks_stability(self) -> None:
        health = assess_(releases=(release("1.4", 20),), last_commit_at=ago(20), open_advisories=1)
        assert health.lifecycle == Lifecycle.STALE
        assert "security advisory" in health.lifecycle_reason

    def test_a_python_range_excluding_supported_pythons_breaks_stability(self) -> None:
        inactive = {"releases": (release("1.4", 20),), "last_commit_at": ago(20)}
        assert assess_(**inactive, requires_python="<3.9").lifecycle == Lifecycle.STALE
        only_old = {"django": {"5.2": ["classifier"]}, "python": {"3.8": ["classifier"]}}
        assert assess_(**inactive, compatibility=only_old).lifecycle == Lifecycle.STALE

    def test_huge_but_abandoned_is_abandoned(self) -> None:
        health = assess_(
            stars=20000,
            contributors=300,
            releases=(release("4.0", 60),),
            last_commit_at=ago(50),
            compatibility=OUTDATED,
        )
        assert health.lifecycle == Lifecycle.ABANDONED
        assert factor(health, "stars").points == 50

    def test_no_release_and_no_repository_is_abandoned(self) -> None:
        health = assess_(
            releases=(), has_repository=False, last_commit_at=None, stars=None, contributors=None
        )
        assert health.lifecycle == Lifecycle.ABANDONED
        assert health.lifecycle_reason == "No release and no commit date is known."

    def test_pre_releases_only_cannot_be_stable(self) -> None:
        health = assess_(releases=(release("1.0b1", 10, pre=True),), last_commit_at=ago(10))
        assert health.lifecycle == Lifecycle.STALE
        assert "no installable final release" in health.lifecycle_reason

    def test_pre_releases_only_but_fresh_is_active(self) -> None:
        health = assess_(releases=(release("1.0b1", 2, pre=True),), last_commit_at=None)
        assert health.lifecycle == Lifecycle.ACTIVE

    def test_a_yanked_latest_release_is_yanked(self) -> None:
        health = assess_(releases=(release("2.0", 5), release("2.1", 1, yanked=True)))
        assert health.lifecycle == Lifecycle.YANKED
        assert health.lifecycle_reason == (
            "The latest release, 2.1, is yanked; pip installs 2.0 instead."
        )

    def test_a_yanked_release_followed_by_a_fix_is_not_yanked(self) -> None:
        health = assess_(releases=(release("2.1", 3, yanked=True), release("2.1.1", 2)))
        assert health.lifecycle == Lifecycle.ACTIVE

    def test_everything_yanked_says_nothing_can_be_installed(self) -> None:
        health = assess_(releases=(release("1.0", 3, yanked=True),))
        assert health.lifecycle_reason.endswith("no other release can be installed.")
        assert factor(health, "release_freshness").explanation == "all releases are yanked."

    def test_archived_by_the_host_is_archived_even_when_fresh(self) -> None:
        health = assess_(archived=True)
        assert health.lifecycle == Lifecycle.ARCHIVED
        assert "archived by its host" in health.lifecycle_reason

    def test_pypi_project_status_archived_is_archived_with_pypis_reason(self) -> None:
        health = assess_(project_status="archived", project_status_reason="Moved to acme.")
        assert health.lifecycle == Lifecycle.ARCHIVED
        assert health.lifecycle_reason == (
            'PyPI marks the project as archived ("Moved to acme"): no new release can come.'
        )
        assert assess_(project_status="archived").lifecycle_reason == (
            "PyPI marks the project as archived: no new release can come."
        )

    def test_pypi_quarantine_is_deprecated_before_any_other_reason(self) -> None:
        health = assess_(project_status="quarantined", deprecated=True, replacement="acme")
        assert health.lifecycle == Lifecycle.DEPRECATED
        assert health.lifecycle_reason == (
            "PyPI has quarantined the project as unsafe: it cannot be installed; use acme instead."
        )

    def test_pypi_active_or_unknown_status_changes_nothing(self) -> None:
        assert assess_(project_status="active") == assess_(project_status="")

    def test_a_long_pypi_reason_is_cut_in_the_sentence(self) -> None:
        health = assess_(project_status="deprecated", project_status_reason="word " * 100)
        quoted = health.lifecycle_reason.split('"')[1]
        assert len(quoted) == PYPI_REASON_CHARS
        assert quoted.endswith("…")

    @pytest.mark.parametrize(
        ("changes", "why"),
        [
            ({"deprecated": True}, "Marked deprecated by the directory's editors"),
            (
                {"classifiers": ("Development Status :: 7 - Inactive",)},
                "It declares Development Status :: 7 - Inactive",
            ),
            ({"project_status": "deprecated"}, "PyPI marks the project as deprecated"),
            (
                {"project_status": "deprecated", "project_status_reason": "Use acme. "},
                'PyPI marks the project as deprecated ("Use acme")',
            ),
        ],
    )
    def test_deprecated_from_any_source(self, changes: dict[str, Any], why: str) -> None:
        health = assess_(**changes)
        assert health.lifecycle == Lifecycle.DEPRECATED
        assert health.lifecycle_reason == f"{why}; no replacement is named."

    def test_deprecated_points_to_its_replacement_and_wins_over_all(self) -> None:
        health = assess_(
            deprecated=True,
            replacement="django-new",
            archived=True,
            releases=(release("1.0", 2, yanked=True),),
        )
        assert health.lifecycle == Lifecycle.DEPRECATED
        assert health.lifecycle_reason.endswith("; use django-new instead.")

    def test_archived_wins_over_yanked(self) -> None:
        health = assess_(archived=True, releases=(release("1.0", 2, yanked=True),))
        assert health.lifecycle == Lifecycle.ARCHIVED


# --- Maintenance factors -------------------------------------------------------------------


class TestMaintenance:
    def test_release_freshness_is_full_within_the_interval(self) -> None:
        found = factor(assess_(releases=(release("1.0", 11),)), "release_freshness")
        assert (found.value, found.points, found.max_points) == (335, 35, 35)

    def test_release_freshness_falls_linearly_to_zero_when_abandoned(self) -> None:
        # 1.x: full until 12 months, zero from 36; 24 months (731 days) is just past halfway.
        assert factor(assess_(releases=(release("1.0", 24),)), "release_freshness").points == 17
        assert factor(assess_(releases=(release("1.0", 40),)), "release_freshness").points == 0

    def test_release_freshness_ignores_yanked_releases(self) -> None:
        health = assess_(releases=(release("1.0", 11), release("0.9", 1, yanked=True)))
        assert factor(health, "release_freshness").value == 335

    def test_release_freshness_without_releases(self) -> None:
        found = factor(assess_(releases=()), "release_freshness")
        assert (found.value, found.points, found.explanation) == (None, 0, "no release on PyPI.")

    def test_release_freshness_with_releases_that_have_no_files(self) -> None:
        health = assess_(releases=(release("1.0", None),), last_commit_at=ago(20))
        found = factor(health, "release_freshness")
        assert (found.points, found.explanation) == (0, "no release has files to install.")
        assert health.lifecycle == Lifecycle.STALE
        assert "no installable final release" in health.lifecycle_reason

    def test_commit_freshness(self) -> None:
        found = factor(assess_(last_commit_at=ago(30)), "commit_freshness")
        assert found.points == 8  # a quarter of the way from 12 to 36 months: 30 * 0.25
        assert found.explanation == (
            "last commit 2.5 years ago; expected every 12 months for a 2.x package."
        )

    def test_commit_freshness_without_repository_or_date(self) -> None:
        no_repo = factor(assess_(has_repository=False, last_commit_at=None), "commit_freshness")
        assert (no_repo.points, no_repo.explanation) == (0, "no repository known.")
        unknown = factor(assess_(last_commit_at=None), "commit_freshness")
        assert unknown.explanation == "last commit date unknown."

    def test_commit_volume_on_a_log_scale(self) -> None:
        weekly = factor(assess_(commits_over_52=(1,) * 52), "commit_volume")
        assert (weekly.value, weekly.points) == (52, 10)
        few = factor(assess_(commits_over_52=(0,) * 51 + (5,)), "commit_volume")
        assert (few.points, few.explanation) == (5, "5 commits in 1 of the last 52 weeks.")
        none = factor(assess_(commits_over_52=(0,) * 52), "commit_volume")
        assert (none.points, none.explanation) == (0, "no commit in the last 52 weeks.")
        unknown = factor(assess_(commits_over_52=()), "commit_volume")
        assert (unknown.value, unknown.points) == (None, 0)

    def test_contributors_on_a_log_scale(self) -> None:
        one = factor(assess_(contributors=1), "contributors")
        assert (one.points, one.explanation) == (
            7,
            "1 contributor (a bus factor of one); 10 or more earn full points.",
        )
        assert factor(assess_(contributors=4), "contributors").points == 17
        assert factor(assess_(contributors=40), "contributors").points == 25
        assert factor(assess_(contributors=0), "contributors").points == 0
        assert factor(assess_(contributors=None), "contributors").value is None


# --- Popularity factors --------------------------------------------------------------------


class TestPopularity:
    def test_percentile_counts_values_at_or_below(self) -> None:
        assert percentile(10, (0, 1, 5, 10, 50)) == 0.8
        assert percentile(7, (0, 1, 5, 10, 50)) == 0.6
        assert percentile(3, ()) == 1.0

    def test_stars_earn_their_percentile(self) -> None:
        found = factor(assess_(stars=500), "stars")
        assert (found.points, found.max_points) == (35, 50)
        assert (
            found.explanation == "500 stars; 70% of the directory's packages have as many or fewer."
        )

    def test_the_top_package_earns_full_points(self) -> None:
        assert factor(assess_(stars=20000), "stars").points == 50

    def test_zero_earns_nothing_and_unknown_says_so(self) -> None:
        assert factor(assess_(stars=0), "stars").explanation == "no stars yet."
        assert factor(assess_(stars=0), "stars").points == 0
        unknown = factor(assess_(stars=None), "stars")
        assert (unknown.points, unknown.explanation) == (0, "stars unknown: no repository.")

    def test_usage_and_favorites(self) -> None:
        health = assess_(usage=3, favorites=2)
        assert factor(health, "usage").points == 25  # 5 of 6 at or below: 30 * 5/6
        assert factor(health, "favorites").points == 20
        assert factor(health, "usage").explanation.startswith("3 users;")

    def test_context_sorts_the_distributions(self) -> None:
        assert context(stars=(5, 1, 3)).stars == (1, 3, 5)


# --- Quality factors -----------------------------------------------------------------------


class TestQuality:
    def test_a_complete_package_earns_every_quality_point(self) -> None:
        assert assess_().axes["quality"] == 100

    def test_documentation_from_curation_or_project_urls(self) -> None:
        curated = factor(
            assess_(documentation_url="https://docs.example.org/", project_urls={}),
            "documentation",
        )
        assert (curated.points, curated.value) == (20, "https://docs.example.org/")
        by_host = factor(
            assess_(project_urls={"Homepage": "https://pkg.readthedocs.io/"}), "documentation"
        )
        assert by_host.points == 20
        missing = factor(
            assess_(project_urls={"Source": "https://github.com/o/p"}), "documentation"
        )
        assert (missing.points, missing.explanation) == (0, "no documentation link.")

    def test_license(self) -> None:
        assert factor(assess_(license="MIT"), "license").explanation == "licensed MIT."
        assert factor(assess_(license=""), "license").points == 0

    def test_classifiers_score_django_and_python_versions_apart(self) -> None:
        both = factor(assess_(), "classifiers")
        assert (both.points, both.value) == (15, ("5.2", "3.12"))
        assert both.explanation == "classifiers name Django 5.2 and Python 3.12."
        django_only = factor(assess_(classifiers=("Framework :: Django :: 4.2",)), "classifiers")
        assert django_only.points == 8
        bare = factor(
            assess_(classifiers=("Framework :: Django", "Programming Language :: Python :: 3")),
            "classifiers",
        )
        assert (bare.points, bare.explanation) == (
            0,
            "classifiers name no Django version and no Python version.",
        )

    def test_requires_python(self) -> None:
        assert factor(assess_(requires_python=">=3.10"), "requires_python").points == 10
        assert factor(assess_(requires_python=""), "requires_python").points == 0
        invalid = factor(assess_(requires_python=">=3.x"), "requires_python")
        assert (invalid.points, invalid.explanation) == (0, "requires_python '>=3.x' is invalid.")

    def test_typed_by_classifier_or_as_a_stub_only_package(self) -> None:
        by_classifier = factor(assess_(), "typed")
        assert (by_classifier.points, by_classifier.explanation) == (
            10,
            "ships type hints (Typing :: Typed classifier).",
        )
        stubs = factor(assess_(classifiers=(), pypi_name="django-stubs"), "typed")
        assert (stubs.points, stubs.value, stubs.explanation) == (
            10,
            True,
            "ships type hints (stub-only package).",
        )
        untyped = factor(assess_(classifiers=(), pypi_name="django-stubborn"), "typed")
        assert (untyped.points, untyped.value, untyped.explanation) == (
            0,
            False,
            "no type hints declared (no Typing :: Typed).",
        )

    @pytest.mark.parametrize(
        ("name", "classifiers", "marker"),
        [
            ("django-filter", ["Typing :: Typed"], "Typing :: Typed classifier"),
            ("djangorestframework-stubs", [], "stub-only package"),
            ("Django_Stubs", [], "stub-only package"),
            ("types-django-import-export", [], "stub-only package"),
            ("django-types-extra", [], ""),
            ("django-typed-models", ["Framework :: Django"], ""),
            ("", [], ""),
        ],
    )
    def test_typed_marker(self, name: str, classifiers: list[str], marker: str) -> None:
        assert typed_marker(name=name, classifiers=classifiers) == marker

    def test_stable_version_needs_a_final_1_0(self) -> None:
        assert factor(assess_(releases=(release("1.0", 1),)), "stable_version").points == 15
        below = factor(assess_(releases=(release("0.9.2", 1),)), "stable_version")
        assert (below.points, below.value) == (0, "0.9.2")
        pre = factor(assess_(releases=(release("1.0rc1", 1, pre=True),)), "stable_version")
        assert (pre.points, pre.explanation) == (0, "only pre-releases: no stable version.")
        assert factor(assess_(releases=()), "stable_version").explanation == (
            "no release: no stable version."
        )

    def test_changelog_by_label_or_url(self) -> None:
        by_label = factor(
            assess_(project_urls={"Release notes": "https://x.org/notes"}), "changelog"
        )
        assert by_label.points == 15
        by_url = factor(
            assess_(project_urls={"Source": "https://github.com/o/p/releases"}), "changelog"
        )
        assert by_url.points == 15
        assert factor(assess_(project_urls={}), "changelog").points == 0


# --- Compatibility factors -----------------------------------------------------------------


class TestCompatibility:
    def test_one_supported_django_earns_two_thirds_plus_coverage(self) -> None:
        found = factor(assess_(), "django_support")
        assert (found.value, found.points, found.max_points) == (("5.2",), 47, 60)
        assert found.explanation == (
            "supports Django 5.2 (from classifier): 1 of the 3 releases in support (5.2, 6.0, 6.1)."
        )

    def test_all_supported_earns_everything_and_old_ones_are_named(self) -> None:
        compatibility = {
            "django": {v: ["classifier"] for v in ("4.2", "5.2", "6.0", "6.1")},
            "python": {v: ["classifier"] for v in PYTHON},
        }
        health = assess_(compatibility=compatibility)
        assert health.axes["compatibility"] == 100
        assert factor(health, "django_support").explanation.endswith(
            "; also declares 4.2, no longer supported."
        )

    def test_only_unsupported_versions_earn_nothing(self) -> None:
        found = factor(assess_(compatibility=OUTDATED), "django_support")
        assert (found.points, found.explanation) == (
            0,
            "declares Django 3.2, 4.2, none still in support.",
        )

    def test_nothing_declared(self) -> None:
        found = factor(assess_(compatibility={}), "python_support")
        assert (found.value, found.points, found.explanation) == (
            (),
            0,
            "no Python version declared.",
        )


# --- Score, caps and shape -----------------------------------------------------------------


class TestScore:
    def test_score_is_the_weighted_mean_of_the_axes(self) -> None:
        health = assess_()
        axes = health.axes
        expected = (
            35 * axes["maintenance"]
            + 25 * axes["popularity"]
            + 20 * axes["quality"]
            + 20 * axes["compatibility"]
        ) / 100
        assert abs(health.score - expected) <= 0.5
        assert factor(health, "lifecycle_cap").explanation == (
            f"no cap: active packages keep their weighted score of {health.score}."
        )

    @pytest.mark.parametrize(
        ("changes", "cap"),
        [
            ({"deprecated": True}, 25),
            ({"archived": True}, 25),
            ({"project_status": "quarantined"}, 25),
            ({"project_status": "archived"}, 25),
            ({"releases": (release("2.0", 1, yanked=True), release("1.9", 2))}, 50),
        ],
    )
    def test_deprecated_archived_and_yanked_are_capped(
        self, changes: dict[str, Any], cap: int
    ) -> None:
        uncapped = assess_().score
        health = assess_(**changes)
        assert uncapped > cap
        assert health.score == cap
        found = factor(health, "lifecycle_cap")
        assert found.value == cap
        assert found.explanation == (
            f"score capped at {cap} because the package is {health.lifecycle.value} "
            f"(uncapped {uncapped})."
        )

    def test_a_score_below_the_cap_is_kept(self) -> None:
        health = assess(PackageFacts(deprecated=True), context())
        assert health.score < 25
        assert "is below it" in factor(health, "lifecycle_cap").explanation

    def test_empty_facts_give_a_valid_health(self) -> None:
        health = assess(PackageFacts(), context())
        assert health.lifecycle == Lifecycle.ABANDONED
        assert health.score == 0
        assert health.model == MODEL_VERSION

    def test_as_dict_has_exactly_the_published_shape(self) -> None:
        shape = assess_(deprecated=True).as_dict()
        assert list(shape) == [
            "score",
            "model",
            "lifecycle",
            "lifecycle_reason",
            "axes",
            "factors",
        ]
        assert list(shape["axes"]) == list(AXES)  # type: ignore[call-overload]  # shape values are objects
        for item in shape["factors"]:  # type: ignore[attr-defined]  # shape values are objects
            assert list(item) == ["axis", "name", "value", "points", "max_points", "explanation"]
        assert shape["lifecycle"] == "deprecated"
        assert factor(assess_(), "classifiers").as_dict()["value"] == ["5.2", "3.12"]

    def test_it_is_deterministic(self) -> None:
        assert assess_().as_dict() == assess_().as_dict()


def random_facts(rng: random.Random) -> PackageFacts:
    versions = ["0.1", "0.9.2", "1.0", "2.3", "3.0", "4.1", "2024.1", "1.0b1", "weird-1"]
    releases = tuple(
        Release(
            rng.choice(versions),
            rng.choice([None, ago(rng.uniform(-2, 200))]),
            yanked=rng.random() < 0.2,
            prerelease=rng.random() < 0.2,
        )
        for _ in range(rng.randrange(0, 6))
    )
    django = {v: ["classifier"] for v in rng.sample(["3.2", "4.2", "5.2", "6.0", "6.1"], 2)}
    return PackageFacts(
        deprecated=rng.random() < 0.1,
        archived=rng.random() < 0.1,
        has_repository=rng.random() < 0.8,
        stars=rng.choice([None, 0, 3, 40_000]),
        last_commit_at=rng.choice([None, ago(rng.uniform(0, 200))]),
        commits_over_52=rng.choice([(), tuple(rng.randrange(0, 30) for _ in range(52))]),
        contributors=rng.choice([None, 0, 1, 7, 500]),
        releases=releases,
        requires_python=rng.choice(["", ">=3.10", "<3", "nonsense"]),
        license=rng.choice(["", "MIT"]),
        project_status=rng.choice(["", "active", "archived", "deprecated", "quarantined"]),
        project_status_reason=rng.choice(["", "Moved.", "x" * 500]),
        pypi_name=rng.choice(["", "django-stubs", "django-x"]),
        open_advisories=rng.choice([0, 0, 2]),
        compatibility=rng.choice([{}, {"django": django}]),
        usage=rng.choice([0, 5, 10_000]),
        favorites=rng.choice([0, 1]),
    )


def test_every_number_stays_within_its_bounds_on_random_facts() -> None:
    rng = random.Random(20261206)
    for _ in range(500):
        health = assess(random_facts(rng), context())
        assert 0 <= health.score <= 100
        assert set(health.axes) == set(AXES)
        assert all(0 <= value <= 100 for value in health.axes.values())
        assert all(0 <= f.points <= f.max_points for f in health.factors)
        assert health.lifecycle_reason and health.lifecycle_reason.endswith(".")
        cap = factor(health, "lifecycle_cap").value
        if isinstance(cap, int):
            assert health.score <= cap


@pytest.mark.django_db
def test_the_about_page_states_the_formula_of_this_model_version(rf: Any) -> None:
    from django.template.loader import render_to_string

    from packagegrid.health import model

    page = render_to_string("web/about_health.html", request=rf.get("/about/health/"))
    assert f"Model version {model.MODEL_VERSION}</h2>" in page
    for axis, weight in model.AXIS_WEIGHTS.items():
        assert f"<td>{axis.capitalize()}</td><td>{weight}</td>" in page
    for months in (model.YOUNG_INTERVAL, model.MATURE_INTERVAL, model.ESTABLISHED_INTERVAL):
        assert f"<td>{months} months</td>" in page
    assert f"<td>{model.ABANDONED_AFTER_MONTHS} months</td>" in page
    for state, cap in model.SCORE_CAPS.items():
        assert f"at most {cap}" in page, state


def test_it_scores_downloads_as_a_percentile_among_known_downloads() -> None:
    context = DirectoryContext(
        today=date(2026, 12, 6),
        supported_django=frozenset(),
        supported_python=frozenset(),
        downloads=(100, 1_000, 10_000, 1_000_000),
    )
    factors = {f.name: f for f in popularity_factors(PackageFacts(downloads=10_000), context)}
    downloads = factors["downloads"]
    assert (downloads.value, downloads.points, downloads.max_points) == (10_000, 23, 30)  # 22.5
    assert downloads.explanation == (
        "10,000 downloads; 75% of the directory's packages have as many or fewer."
    )


def test_it_leaves_unknown_downloads_out_of_the_popularity_axis() -> None:
    context = DirectoryContext(
        today=date(2026, 12, 6),
        supported_django=frozenset(),
        supported_python=frozenset(),
        stars=(1, 10),
        downloads=(5, 50),
    )
    unknown = assess(PackageFacts(stars=10), context)
    factor = next(f for f in unknown.factors if f.name == "downloads")
    assert (factor.value, factor.points, factor.max_points) == (None, 0, 0)
    # Stars earn their 50 of the 120 points the four known factors (stars, usage,
    # favorites, dependents) can give.
    assert unknown.axes["popularity"] == round(100 * 50 / 120)
    counted = assess(PackageFacts(stars=10, downloads=50), context)
    assert counted.axes["popularity"] == round(100 * (50 + 30) / 150)
