"""The rules page, /about/health/ and the package page's health panel."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from packagegrid.conftest import make_package
from packagegrid.health import model
from packagegrid.health.models import PackageHealth
from packagegrid.health.scores import package_health_recompute
from packagegrid.health.selectors import factor_value_text

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 6)
RULES_QUERIES = 1  # the package with its stored health joined


@pytest.mark.parametrize("count", [2, 30])
def test_the_rules_page_shows_every_factor_in_one_query(
    client: Any, count: int, django_assert_num_queries: Any
) -> None:
    packages = [make_package() for _ in range(count)]
    package_health_recompute(today=TODAY)
    health = PackageHealth.objects.get(package=packages[0])
    with django_assert_num_queries(RULES_QUERIES):
        response = client.get(f"/packages/p/{packages[0].slug}/rules/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<strong class="health-number">{health.score}</strong>' in page
    assert f"Model version {model.MODEL_VERSION}" in page
    assert health.get_lifecycle_display() in page
    assert 'href="/about/health/"' in page
    for axis in model.AXES:
        assert f'<span class="health-axis-name">{axis.capitalize()}</span>' in page
    rows = page.split('<table class="compact-table" id="factors">')[1].split("</table>")[0]
    assert rows.count("<tr>") == len(health.factors) + 1  # the header row
    for factor in health.factors:
        assert f'<th scope="row">{factor["name"]}</th>' in rows
        assert f"<td>{factor['points']} / {factor['max_points']}</td>" in rows


def test_the_rules_page_of_a_package_never_scored_says_so(client: Any) -> None:
    package = make_package()
    response = client.get(f"/packages/p/{package.slug}/rules/")
    assert response.status_code == 200
    assert "Not scored yet" in response.content.decode()


def test_the_rules_page_is_404_for_an_unknown_slug(client: Any) -> None:
    assert client.get("/packages/p/nope/rules/").status_code == 404
    assert client.get("/packages/p/%00/rules/").status_code == 400  # NulRequestMiddleware


def test_about_health_is_served_without_a_query(
    client: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/about/health/")
    assert response.status_code == 200
    assert f"Model version {model.MODEL_VERSION}</h2>" in response.content.decode()


def test_the_package_page_shows_the_health_panel_and_links_the_rules(client: Any) -> None:
    package = make_package()
    page = client.get(package.get_absolute_url()).content.decode()
    assert "Not scored yet" in page
    package_health_recompute(today=TODAY)
    health = PackageHealth.objects.get(package=package)
    page = client.get(package.get_absolute_url()).content.decode()
    panel = page.split('id="health"')[1].split("</section>")[0]
    assert f'<strong class="health-number">{health.score}</strong>' in panel
    assert health.lifecycle_reason in panel
    assert f'href="/packages/p/{package.slug}/rules/"' in panel
    assert panel.count("<meter") == 4


def test_factor_values_read_as_text() -> None:
    assert factor_value_text(None) == "unknown"
    assert factor_value_text(True) == "yes"
    assert factor_value_text(["4.2", "5.2"]) == "4.2, 5.2"
    assert factor_value_text([]) == "none"
    assert factor_value_text(12345) == "12,345"
    assert factor_value_text(">=3.10") == ">=3.10"
