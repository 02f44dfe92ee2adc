"""`packagegrid health_stats` and the lifecycle distribution it prints."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from packagegrid.catalog.models import RepoData
from packagegrid.conftest import make_package
from packagegrid.health.model import MODEL_VERSION
from packagegrid.health.models import PackageHealth
from packagegrid.health.scores import package_health_recompute
from packagegrid.health.selectors import health_distribution
from packagegrid.health.tests.support import apply_pypi

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 6)


def _stats() -> str:
    out = StringIO()
    call_command("health_stats", stdout=out)
    return out.getvalue()


def test_it_prints_every_state_with_its_share_and_mean_score() -> None:
    for _ in range(2):
        apply_pypi(make_package())  # released two months ago: active
    archived = make_package()
    apply_pypi(archived)
    RepoData.objects.filter(package=archived).update(archived=True)
    apply_pypi(make_package(), project_status="quarantined")
    make_package()  # never scored below: it is deleted from PackageHealth
    package_health_recompute(today=TODAY)
    PackageHealth.objects.filter(package__slug="django-thing-5").delete()
    means = {
        state: round(sum(scores) / len(scores)) for state, scores in _scores_by_state().items()
    }
    assert _stats() == "\n".join(
        [
            f"5 packages, 4 scored (current health model {MODEL_VERSION})",
            "lifecycle    packages   share  mean score",
            f"active              2   50.0%{means['active']:>12}",
            "stable              0    0.0%           -",
            "stale               0    0.0%           -",
            "abandoned           0    0.0%           -",
            f"archived            1   25.0%{means['archived']:>12}",
            f"deprecated          1   25.0%{means['deprecated']:>12}",
            "yanked              0    0.0%           -",
            "not scored          1",
            "",
        ]
    )


def _scores_by_state() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for lifecycle, score in PackageHealth.objects.values_list("lifecycle", "score"):
        found.setdefault(lifecycle, []).append(score)
    return found


def test_it_says_when_scores_come_from_an_older_model() -> None:
    apply_pypi(make_package())
    apply_pypi(make_package())
    package_health_recompute(today=TODAY)
    PackageHealth.objects.filter(package__slug="django-thing-1").update(model="0")
    assert _stats().endswith("scored by an older model (model 0: 1): run health_recompute\n")


def test_an_empty_directory_prints_zeros() -> None:
    assert _stats().startswith("0 packages, 0 scored")
    assert "active              0       -           -" in _stats()


@pytest.mark.parametrize("count", [2, 12])
def test_it_takes_the_same_queries_for_any_number_of_packages(
    count: int, django_assert_num_queries: Any
) -> None:
    for _ in range(count):
        apply_pypi(make_package())
    package_health_recompute(today=TODAY)
    with django_assert_num_queries(3):
        distribution = health_distribution()
    assert distribution.scored == count


def test_the_demo_datas_distribution_is_the_one_the_readme_shows() -> None:
    """README, "Demo data": the demo packages scored on 2026-12-06."""
    from packagegrid.demo.loader import demo_load

    demo_load()
    package_health_recompute(today=TODAY)
    distribution = health_distribution()
    assert {s.lifecycle: s.packages for s in distribution.states} == {
        "active": 16,
        "stable": 3,
        "stale": 8,
        "abandoned": 157,
        "archived": 0,
        "deprecated": 1,
        "yanked": 1,
    }
    assert (distribution.packages, distribution.unscored) == (186, 0)
