"""The ad-hoc comparison /compare/<slug>,<slug>[,...]/."""

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from packagegrid.conftest import (
    add_to_grid,
    make_downloads,
    make_feature,
    make_grid,
    make_package,
    make_release,
    make_usage,
    set_cell,
)
from packagegrid.grids.selectors import COMPARE_MAX_PACKAGES, package_comparison
from packagegrid.health.models import PackageHealth
from packagegrid.health.scores import package_health_recompute
from packagegrid.health.tests.support import advisory, apply_pypi

pytestmark = pytest.mark.django_db

# The packages with their joins, their Django and Python compatibility, advisories and
# latest releases, then their grids.
COMPARE_QUERIES = 5
DASH = " \N{EN DASH} "  # between the ends of a run of releases
CLASSIFIERS = [
    "Framework :: Django :: 4.2",
    "Framework :: Django :: 5.0",
    "Framework :: Django :: 5.1",
    "Framework :: Django :: 5.2",
    "Programming Language :: Python :: 3.13",
]


def test_it_shows_the_packages_side_by_side_in_the_order_given(client: Client) -> None:
    alpha = make_package(title="Alpha", slug="alpha", repo={"stars": 1234, "license": "MIT"})
    bravo = make_package(
        title="Bravo", slug="bravo", repo={"archived": True}, pypi={"latest_version": "2.0"}
    )
    make_release(bravo, "2.0", days_ago=3)
    make_usage(alpha, 2)
    response = client.get("/compare/bravo,alpha/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Compare packages</h1>" in html
    assert html.index(">Bravo</a>") < html.index(">Alpha</a>")
    assert f'<a href="{alpha.get_absolute_url()}">Alpha</a>' in html
    for row in ("Description", "Category", "Stars", "Forks", "Last commit", "Latest release"):
        assert f'<th scope="row">{row}</th>' in html
    assert '<th scope="row">License</th>' in html
    assert '<th scope="row">Users</th>' in html
    assert '<th scope="row">Commits, 52 weeks</th>' in html
    assert "1,234" in html
    assert "MIT" in html
    assert '<span class="version">2.0</span>' in html
    assert '<span class="badge badge-warn">archived</span>' in html
    assert 'class="sparkline"' in html
    assert "Not found" not in html


def test_it_shows_health_lifecycle_compatibility_and_the_latest_release(client: Client) -> None:
    alpha = make_package(title="Alpha", slug="alpha")
    apply_pypi(alpha, classifiers=CLASSIFIERS, version="3.1")
    package_health_recompute()
    bravo = make_package(title="Bravo", slug="bravo", pypi={"latest_version": "0.2"})
    make_release(bravo, "0.2", yanked=True)
    health = PackageHealth.objects.get(package=alpha)
    html = client.get("/compare/alpha,bravo/").content.decode()
    assert f'<td class="num"><a href="/packages/p/alpha/rules/">{health.score}</a></td>' in html
    assert '<td class="num"><span class="muted">Not scored</span></td>' in html
    assert f'data-lifecycle="{health.lifecycle}">{health.get_lifecycle_display()}</span>' in html
    assert f'<span class="lifecycle-reason">{health.lifecycle_reason}</span>' in html
    assert (
        f'<td><a href="/readiness/django/4.2/">4.2</a>{DASH}'
        '<a href="/readiness/django/5.2/">5.2</a></td>'
    ) in html
    assert '<td><a href="/readiness/python/3.13/">3.13</a></td>' in html
    assert html.count('<td><span class="muted">None declared</span></td>') == 2  # Bravo's
    assert '<span class="version">3.1</span><br>' in html
    assert '<span class="version">0.2</span> <span class="badge badge-warn">Yanked</span>' in html


def test_it_shows_the_advisory_banner_only_for_affected_latest_releases(client: Client) -> None:
    alpha = make_package(title="Alpha", slug="alpha")
    apply_pypi(alpha, advisories=[advisory("GHSA-open", summary="SQL injection.")])
    bravo = make_package(title="Bravo", slug="bravo")
    apply_pypi(
        bravo,
        advisories=[
            advisory("GHSA-withdrawn", withdrawn=timezone.now()),
            advisory("GHSA-fixed", fixed_in=["1.9", "2.0"]),
        ],
    )
    html = client.get("/compare/bravo,alpha/").content.decode()
    banner = html.split('id="advisories">')[1].split("</div>")[0]
    assert "against the latest release of 1 package:" in banner
    assert ">GHSA-open</a> (CVE-2026-0001): SQL injection." in banner
    assert "Fixed in 2.0.1." in banner
    assert "GHSA-withdrawn" not in html
    assert "GHSA-fixed" not in html
    assert html.count('href="#advisories">advisory</a>') == 1
    html = client.get("/compare/bravo/").content.decode()
    assert 'id="advisories"' not in html


def test_it_lists_unknown_slugs_as_not_found(client: Client) -> None:
    make_package(title="Alpha", slug="alpha")
    html = client.get("/compare/alpha,nope,also-nope/").content.decode()
    assert "<strong>Not found:</strong>" in html
    assert "<code>nope</code>, <code>also-nope</code>" in html
    assert ">Alpha</a>" in html


def test_it_is_404_when_no_package_exists(client: Client) -> None:
    response = client.get("/compare/nope,nada/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "None of these packages exist." in html
    assert "<code>nope</code>, <code>nada</code>" in html


def test_it_ignores_repeats_spaces_and_empty_names(client: Client) -> None:
    make_package(title="Alpha", slug="alpha")
    html = client.get("/compare/alpha,,%20alpha%20,/").content.decode()
    assert html.count(">Alpha</a>") == 1
    assert "1 package side by side" in html


def test_it_refuses_more_than_the_limit_with_a_clear_message(client: Client) -> None:
    slugs = ",".join(f"p{n}" for n in range(COMPARE_MAX_PACKAGES + 1))
    response = client.get(f"/compare/{slugs}/")
    assert response.status_code == 400
    html = response.content.decode()
    assert f"A comparison shows at most {COMPARE_MAX_PACKAGES} packages" in html
    assert f"this address names {COMPARE_MAX_PACKAGES + 1}" in html
    assert '<table class="comparison">' not in html


def test_it_refuses_an_address_naming_no_package(client: Client) -> None:
    response = client.get("/compare/,,/")
    assert response.status_code == 400
    assert "Name the packages to compare" in response.content.decode()


def test_it_escapes_titles_and_descriptions(client: Client) -> None:
    make_package(title="<i>T</i>", slug="t", repo={"description": "<script>alert(1)</script>"})
    html = client.get("/compare/t,%3Cb%3E/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;i&gt;T&lt;/i&gt;" in html
    assert "<code>&lt;b&gt;</code>" in html


def test_it_refuses_a_nul_character(client: Client) -> None:
    assert client.get("/compare/a%00b/").status_code == 400  # NUL middleware


@pytest.mark.parametrize("count", [2, COMPARE_MAX_PACKAGES])
def test_it_takes_the_same_queries_for_2_or_25_packages(
    client: Client, count: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    packages = [make_package(slug=f"pkg-{n}") for n in range(count)]
    for package in packages:
        make_usage(package)
        make_downloads(package, last_month=12_345, weeks=[1, 2])
        apply_pypi(package, classifiers=CLASSIFIERS, advisories=[advisory()])
    package_health_recompute()
    slugs = ",".join(package.slug for package in packages)
    with django_assert_num_queries(COMPARE_QUERIES):
        response = client.get(f"/compare/{slugs}/")
    html = response.content.decode()
    assert html.count('<th scope="col">') == count
    assert html.count('<td class="num">12,345</td>') == count
    assert html.count("lifecycle-reason") == count
    assert html.count('href="/readiness/django/5.2/"') == count
    assert html.count('href="/readiness/python/3.13/"') == count
    assert html.count("GHSA-aaaa-bbbb-cccc</a>") == count


def test_it_keeps_the_order_and_reports_missing_slugs_in_the_selector() -> None:
    make_package(slug="b")
    make_package(slug="a")
    comparison = package_comparison(slugs=["a", "x", "b"])
    assert [column.package.slug for column in comparison.columns] == ["a", "b"]
    assert comparison.not_found == ["x"]
    assert comparison.shared_grids == []


def test_it_adds_the_feature_rows_of_the_grids_the_packages_share(client: Client) -> None:
    alpha = make_package(title="Alpha", slug="alpha")
    bravo = make_package(title="Bravo", slug="bravo")
    charlie = make_package(title="Charlie", slug="charlie")
    shared = make_grid(title="Login")
    add_to_grid(shared, alpha, bravo)
    two_factor = make_feature(shared, "Two-factor")
    set_cell(shared, alpha, two_factor, "✓ TOTP")
    set_cell(shared, bravo, two_factor, "✗")
    alone = make_grid(title="Only alpha")
    add_to_grid(alone, alpha, charlie)
    make_feature(alone, "Not shown to bravo")
    unrelated = make_grid(title="Unrelated")
    add_to_grid(unrelated, alpha)
    make_feature(unrelated, "Lonely feature")

    comparison = package_comparison(slugs=["bravo", "alpha"])
    assert [group.grid.title for group in comparison.shared_grids] == ["Login"]
    (row,) = comparison.shared_grids[0].rows
    assert row.feature.title == "Two-factor"
    assert row.cells == ["✗", "✓ TOTP"]  # in the order of the columns

    html = client.get("/compare/bravo,alpha/").content.decode()
    assert f'Features from the grid <a href="{shared.get_absolute_url()}">Login</a>' in html
    assert "Two-factor" in html
    assert "TOTP" in html
    assert "Lonely feature" not in html
    assert "Not shown to bravo" not in html

    html = client.get("/compare/alpha,bravo,charlie/").content.decode()
    assert "Features from the grid" in html
    assert "Not shown to bravo" in html  # alpha and charlie share it


@pytest.mark.parametrize("grids", [1, 6])
def test_shared_grid_rows_take_a_constant_number_of_queries(
    client: Client, grids: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    packages = [make_package(slug=f"pkg-{n}") for n in range(3)]
    for _ in range(grids):
        grid = make_grid()
        add_to_grid(grid, *packages)
        for feature in (make_feature(grid), make_feature(grid)):
            for package in packages:
                set_cell(grid, package, feature, "✓")
    with django_assert_num_queries(COMPARE_QUERIES + 2):  # shared features, cells
        response = client.get("/compare/pkg-0,pkg-1,pkg-2/")
    assert response.content.decode().count('<tr class="feature">') == 2 * grids


def test_the_compare_tray_form_redirects_to_the_comparison(client: Client) -> None:
    response = client.get("/compare/?p=alpha&p=bravo&p=alpha&p=a/b")
    assert response.status_code == 302
    assert response["Location"] == "/compare/alpha,bravo/"


def test_the_compare_page_without_packages_explains_how_to_pick_them(client: Client) -> None:
    response = client.get("/compare/")
    assert response.status_code == 200
    assert "Tick “Compare”" in response.content.decode()


def test_it_shows_last_months_downloads_or_unknown(client: Client) -> None:
    counted = make_package(slug="counted")
    make_package(slug="uncounted")
    make_downloads(counted, last_week=300, last_month=1_204_517)

    html = client.get("/compare/counted,uncounted/").content.decode()

    row = html.split('<th scope="row">Downloads, last month</th>')[1].split("</tr>")[0]
    assert '<td class="num">1,204,517</td>' in row
    assert '<td class="num"><span class="muted">Unknown</span></td>' in row
