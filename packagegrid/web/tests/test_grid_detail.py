"""The grid page and its comparison selector."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import Package
from packagegrid.conftest import (
    add_to_grid,
    make_downloads,
    make_feature,
    make_full_grid,
    make_grid,
    make_package,
    make_release,
    make_usage,
    set_cell,
)
from packagegrid.grids.models import Grid
from packagegrid.grids.selectors import grid_comparison
from packagegrid.health.models import PackageHealth
from packagegrid.health.scores import package_health_recompute
from packagegrid.health.tests.support import advisory, apply_pypi

pytestmark = pytest.mark.django_db

# The grid, then the selector: its packages with joins, their Django and Python
# compatibility, advisories and latest releases, the features, the cells.
SELECTOR_QUERIES = 6
GRID_QUERIES = 1 + SELECTOR_QUERIES


def _grid_with(*packages: Package) -> Grid:
    grid = make_grid(title="Payments", slug="payments", description="Take money")
    add_to_grid(grid, *packages)
    return grid


def test_it_shows_all_packages_as_columns_with_standard_rows(client: Client) -> None:
    packages = [make_package(title=f"Pkg {i:02d}", repo={"stars": i}) for i in range(12)]
    grid = _grid_with(*packages)
    response = client.get(grid.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Payments</h1>" in html
    for package in packages:  # no cap at 10 packages
        assert f'href="{package.get_absolute_url()}">{package.title}</a>' in html
    for row in ("Description", "Category", "Stars", "Forks", "Last commit", "Latest release"):
        assert f'<th scope="row">{row}</th>' in html
    assert '<th scope="row">License</th>' in html
    assert '<th scope="row">Users</th>' in html


def test_it_renders_features_and_cells_with_shorthand(client: Client) -> None:
    alpha = make_package(title="Alpha", repo={"stars": 2})
    bravo = make_package(title="Bravo", repo={"stars": 1})
    grid = _grid_with(alpha, bravo)
    feature = make_feature(grid, "Async", description="Supports async views")
    set_cell(grid, alpha, feature, "yes")
    set_cell(grid, bravo, feature, "-")
    other = make_feature(grid, "Notes")
    set_cell(grid, alpha, other, "Partial &amp; slow")
    html = client.get(grid.get_absolute_url()).content.decode()
    assert "Supports async views" in html
    assert '<span class="mark mark-yes" aria-hidden="true">✓</span>' in html
    assert '<span class="visually-hidden">Yes</span>' in html
    assert '<span class="mark mark-no" aria-hidden="true">✗</span>' in html
    assert '<span class="visually-hidden">No</span>' in html
    # Cells are Markdown, where "&amp;" is the entity for "&" (shown escaped once).
    assert "Partial &amp; slow" in html


def test_it_escapes_a_script_in_a_cell_and_a_description(client: Client) -> None:
    package = make_package(repo={"description": "<script>alert('d')</script>"})
    grid = _grid_with(package)
    set_cell(grid, package, make_feature(grid, "<b>Bold</b>"), "<script>alert('c')</script>")
    html = client.get(grid.get_absolute_url()).content.decode()
    assert "<script>alert(" not in html
    assert "<b>Bold</b>" not in html
    assert "&lt;script&gt;alert('c')&lt;/script&gt;" in html  # cell: Markdown, HTML as text
    assert "&lt;script&gt;alert(&#x27;d&#x27;)&lt;/script&gt;" in html


def test_the_header_and_standard_rows_built_in_python_escape_every_value(
    alice_client: Client,
) -> None:
    """Titles, slugs, licenses and lifecycle reasons with markup in them, for an editor
    (whose header also carries the remove links)."""
    hostile = "<b>\"x\"&'y'</b>"
    escaped = "&lt;b&gt;&quot;x&quot;&amp;&#x27;y&#x27;&lt;/b&gt;"
    package = make_package(title=hostile, slug="odd'slug", repo={"license": hostile})
    PackageHealth.objects.create(
        package=package,
        score=50,
        model="1",
        lifecycle="stale",
        lifecycle_reason=hostile,
        computed_at=timezone.now(),
    )
    grid = _grid_with(package)
    html = alice_client.get(grid.get_absolute_url()).content.decode()
    assert "<b>" not in html
    assert html.count(escaped) >= 5  # title, remove link (twice), lifecycle reason, license
    assert 'href="/packages/p/odd&#x27;slug/"' in html
    assert 'href="/packages/p/odd&#x27;slug/rules/"' in html
    assert 'href="/grids/payments/packages/odd&#x27;slug/remove/"' in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("stars", ["Bravo", "Alpha", "Charlie"]),
        ("forks", ["Charlie", "Alpha", "Bravo"]),
        ("last_commit", ["Alpha", "Charlie", "Bravo"]),
        ("usage", ["Charlie", "Bravo", "Alpha"]),
        ("title", ["Alpha", "Bravo", "Charlie"]),
        ("junk", ["Bravo", "Alpha", "Charlie"]),
    ],
)
def test_it_sorts_packages(client: Client, sort: str, expected: list[str]) -> None:
    now = timezone.now()
    alpha = make_package(title="Alpha", repo={"stars": 5, "forks": 2, "last_commit_at": now})
    bravo = make_package(
        title="Bravo", repo={"stars": 9, "forks": 1, "last_commit_at": now - timedelta(days=100)}
    )
    charlie = make_package(
        title="Charlie", repo={"stars": 1, "forks": 7, "last_commit_at": now - timedelta(days=10)}
    )
    make_usage(charlie, 2)
    make_usage(bravo, 1)
    grid = _grid_with(alpha, bravo, charlie)
    html = client.get(grid.get_absolute_url(), {"sort": sort}).content.decode()
    # A column head is the first link to its package on the page.
    positions = [html.index(f">{title}</a>") for title in expected]
    assert positions == sorted(positions)


def test_selector_builds_cells_in_column_order(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    alpha = make_package(title="Alpha", repo={"stars": 1})
    bravo = make_package(title="Bravo", fetched=False, repo={"stars": 2})
    grid = _grid_with(alpha, bravo)
    first = make_feature(grid, "First")
    second = make_feature(grid, "Second")
    set_cell(grid, alpha, first, "a1")
    set_cell(grid, bravo, first, "b1")
    set_cell(grid, alpha, second, "a2")
    with django_assert_num_queries(SELECTOR_QUERIES):
        comparison = grid_comparison(grid=grid, sort="title")
    assert comparison.sort == "title"
    assert [column.package.title for column in comparison.columns] == ["Alpha", "Bravo"]
    assert comparison.columns[1].repo is None
    assert [row.feature.title for row in comparison.rows] == ["First", "Second"]
    assert [row.cells for row in comparison.rows] == [["a1", "b1"], ["a2", ""]]


def test_selector_falls_back_to_the_default_sort() -> None:
    grid = _grid_with(
        make_package(title="Low", repo={"stars": 1}), make_package(title="High", repo={"stars": 5})
    )
    comparison = grid_comparison(grid=grid, sort="'; DROP TABLE grids_grid; --")
    assert comparison.sort == "health"
    assert [column.package.title for column in comparison.columns] == ["High", "Low"]


def test_it_says_so_when_the_grid_is_empty(client: Client) -> None:
    grid = make_grid()
    html = client.get(grid.get_absolute_url()).content.decode()
    assert "This grid has no packages yet." in html


def test_it_is_404_for_an_unknown_slug(client: Client) -> None:
    assert client.get("/grids/g/nope/").status_code == 404
    assert client.get("/grids/g/%00/").status_code == 400


@pytest.mark.parametrize(("packages", "features"), [(3, 2), (25, 20)])
@pytest.mark.parametrize("sort", ["stars", "usage"])
def test_it_takes_a_constant_number_of_queries(
    client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    packages: int,
    features: int,
    sort: str,
) -> None:
    grid = make_full_grid(packages=packages, features=features, slug="big")
    for package in grid.packages.all():
        make_downloads(package, last_month=4_321, weeks=[5, 6])
    with django_assert_num_queries(GRID_QUERIES):
        response = client.get("/grids/g/big/", {"sort": sort})
    assert response.status_code == 200
    assert response.content.decode().count("mark-yes") == packages * features
    assert response.content.decode().count('<td class="num">4,321</td>') == packages


def test_it_shows_a_package_that_was_never_fetched(client: Client) -> None:
    grid = _grid_with(make_package(title="Fetched"), make_package(title="Not yet", fetched=False))
    response = client.get(grid.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert ">Not yet</a>" in html
    assert "No commit data" in html


# Health, lifecycle, compatibility, latest release and advisories ----------------------

DASH = " \N{EN DASH} "  # between the ends of a run of releases
DJANGO_AND_PYTHON = [
    "Framework :: Django :: 3.2",
    "Framework :: Django :: 4.2",
    "Framework :: Django :: 5.0",
    "Framework :: Django :: 5.1",
    "Framework :: Django :: 5.2",
    "Programming Language :: Python :: 3.12",
    "Programming Language :: Python :: 3.13",
]


def _row(html: str, label: str) -> list[str]:
    """The cells of the standard row `label`, as HTML, in column order."""
    row = html.split(f'<th scope="row">{label}</th>', 1)[1].split("</tr>", 1)[0]
    return re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.DOTALL)


def _score(
    package: Package,
    score: int,
    *,
    lifecycle: str = "active",
    reason: str = "Released 2 months ago.",
) -> PackageHealth:
    return PackageHealth.objects.create(
        package=package,
        score=score,
        model="test",
        lifecycle=lifecycle,
        lifecycle_reason=reason,
        axes={},
        factors=[],
        computed_at=timezone.now(),
    )


def test_it_shows_the_health_score_and_lifecycle_with_its_reason(client: Client) -> None:
    alpha = make_package(title="Alpha", slug="alpha")
    bravo = make_package(title="Bravo", slug="bravo")
    charlie = make_package(title="Charlie", slug="charlie")
    _score(alpha, 88, reason="Released 2 months ago; expected every 6 months.")
    _score(bravo, 31, lifecycle="abandoned", reason="No commit or release in 6 years.")
    html = client.get(_grid_with(alpha, bravo, charlie).get_absolute_url()).content.decode()
    assert _row(html, "Health") == [
        '<a href="/packages/p/alpha/rules/">88</a>',
        '<a href="/packages/p/bravo/rules/">31</a>',
        '<span class="muted">Not scored</span>',
    ]
    assert _row(html, "Lifecycle") == [
        '<span class="badge lifecycle-badge" data-lifecycle="active">Active</span>'
        '<span class="lifecycle-reason">Released 2 months ago; expected every 6 months.</span>',
        '<span class="badge badge-warn lifecycle-badge" data-lifecycle="abandoned">Abandoned</span>'
        '<span class="lifecycle-reason">No commit or release in 6 years.</span>',
        '<span class="muted">Unknown</span>',
    ]


def test_it_shows_supported_django_and_python_releases_linking_to_readiness(client: Client) -> None:
    alpha = make_package(title="Alpha", repo={"stars": 2})
    apply_pypi(alpha, classifiers=DJANGO_AND_PYTHON)
    bravo = make_package(title="Bravo", repo={"stars": 1})
    response = client.get(_grid_with(alpha, bravo).get_absolute_url(), {"sort": "stars"})
    html = response.content.decode()
    # 4.0 and 4.1 are missing: 3.2 stands alone, 4.2 to 5.2 is one run.
    assert _row(html, "Django") == [
        '<a href="/readiness/django/3.2/">3.2</a>, <a href="/readiness/django/4.2/">4.2</a>'
        f'{DASH}<a href="/readiness/django/5.2/">5.2</a>',
        '<span class="muted">None declared</span>',
    ]
    assert _row(html, "Python") == [
        f'<a href="/readiness/python/3.12/">3.12</a>{DASH}'
        '<a href="/readiness/python/3.13/">3.13</a>',
        '<span class="muted">None declared</span>',
    ]


def test_it_shows_the_latest_release_with_its_date_and_marks_it_yanked(client: Client) -> None:
    alpha = make_package(title="Alpha", repo={"stars": 4}, pypi={"latest_version": "2.0"})
    make_release(alpha, "2.0", days_ago=3)
    make_release(alpha, "1.0", days_ago=400)
    bravo = make_package(title="Bravo", repo={"stars": 3}, pypi={"latest_version": "1.1"})
    make_release(bravo, "1.1", days_ago=20, yanked=True)
    charlie = make_package(
        title="Charlie", repo={"stars": 2}, pypi={"latest_version": "0.9"}
    )  # no release stored
    delta = make_package(title="Delta", fetched=False, repo={"stars": 1})
    grid = _grid_with(alpha, bravo, charlie, delta)
    html = client.get(grid.get_absolute_url(), {"sort": "stars"}).content.decode()
    cells = _row(html, "Latest release")
    assert cells[0].startswith('<span class="version">2.0</span><br><span class="muted small">')
    assert ">3 days ago</time>" in cells[0]
    assert "Yanked" not in cells[0]
    assert cells[1].startswith(
        '<span class="version">1.1</span> <span class="badge badge-warn">Yanked</span><br>'
    )
    assert ">2 weeks ago</time>" in cells[1]
    assert cells[2:] == ['<span class="version">0.9</span>', '<span class="muted">Unknown</span>']


def test_it_shows_a_banner_for_advisories_against_the_latest_release(client: Client) -> None:
    alpha = make_package(title="Alpha", repo={"stars": 3})
    apply_pypi(
        alpha,
        advisories=[
            advisory(
                "GHSA-aaaa-bbbb-cccc",
                aliases=["CVE-2026-0001"],
                summary="Cross-site scripting in <the> widget.",
                fixed_in=["2.0.1", "2.1"],
            )
        ],
    )
    bravo = make_package(title="Bravo", repo={"stars": 2})
    apply_pypi(
        bravo,
        advisories=[
            advisory("GHSA-gone", withdrawn=timezone.now()),
            advisory("GHSA-past", fixed_in=["1.5"]),  # 2.0, the latest, is past the fix
        ],
    )
    charlie = make_package(title="Charlie", repo={"stars": 1})
    grid = _grid_with(alpha, bravo, charlie)
    html = client.get(grid.get_absolute_url(), {"sort": "stars"}).content.decode()
    banner = html.split('<div class="notice notice-warn" role="note" id="advisories">')[1]
    banner = banner.split("</div>")[0]
    assert "against the latest release of 1 package:" in banner
    assert f'<a href="{alpha.get_absolute_url()}">Alpha</a> <span class="version">2.0</span>' in (
        banner
    )
    assert (
        '<a href="https://osv.dev/vulnerability/GHSA-aaaa-bbbb-cccc" rel="noopener nofollow">'
        "GHSA-aaaa-bbbb-cccc</a> (CVE-2026-0001): Cross-site scripting in &lt;the&gt; widget."
    ) in banner
    assert "Fixed in 2.0.1, 2.1." in banner
    assert "GHSA-gone" not in html
    assert "GHSA-past" not in html
    assert "Bravo" not in banner
    # The affected column's head points at the banner.
    assert html.count('<a class="badge badge-warn" href="#advisories">advisory</a>') == 1
    assert html.index('href="#advisories"') < html.index(">Bravo</a>")


def test_it_shows_no_banner_when_no_latest_release_is_affected(client: Client) -> None:
    package = make_package()
    apply_pypi(
        package,
        advisories=[
            advisory("GHSA-gone", withdrawn=timezone.now()),
            advisory("GHSA-past", fixed_in=["2.0"]),  # fixed in the latest version itself
        ],
    )
    html = client.get(_grid_with(package).get_absolute_url()).content.decode()
    assert 'id="advisories"' not in html
    assert "Security advisories" not in html


def test_it_orders_packages_by_health_score_then_stars_then_title_by_default(
    client: Client,
) -> None:
    packages = {
        "Low": (40, 900),
        "High": (90, 1),
        "Tie b": (70, 5),
        "Tie a": (70, 5),
        "Tie many stars": (70, 50),
        "Unscored": (None, 10_000),
    }
    grid = make_grid(slug="scored")
    for title, (score, stars) in packages.items():
        package = make_package(title=title, repo={"stars": stars})
        add_to_grid(grid, package)
        if score is not None:
            _score(package, score)
    html = client.get(grid.get_absolute_url()).content.decode()
    expected = ["High", "Tie many stars", "Tie a", "Tie b", "Low", "Unscored"]
    positions = [html.index(f">{title}</a>") for title in expected]
    assert positions == sorted(positions)
    assert '<a href="/grids/g/scored/?sort=health" aria-current="true">Health</a>' in html
    # An explicit order still wins.
    html = client.get(grid.get_absolute_url(), {"sort": "stars"}).content.decode()
    assert html.index(">Unscored</a>") < html.index(">Low</a>") < html.index(">High</a>")


@pytest.mark.parametrize("count", [1, 12])
def test_the_health_rows_take_a_constant_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    packages = [make_package(title=f"Pkg {i:02d}") for i in range(count)]
    for package in packages:
        apply_pypi(package, classifiers=DJANGO_AND_PYTHON, advisories=[advisory()])
    package_health_recompute()
    grid = _grid_with(*packages)
    set_cell(grid, packages[0], make_feature(grid, "Async"), "yes")
    with django_assert_num_queries(GRID_QUERIES):
        response = client.get(grid.get_absolute_url())
    html = response.content.decode()
    assert html.count('href="/readiness/django/3.2/"') == count
    assert html.count("lifecycle-reason") == count
    assert html.count('<a class="badge badge-warn" href="#advisories">advisory</a>') == count
    assert html.count('<span class="version">2.0</span>') == 2 * count  # row and banner
