"""The package page."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import PyPIData, RepoData
from packagegrid.conftest import (
    add_to_grid,
    make_dependencies,
    make_downloads,
    make_grid,
    make_package,
    make_release,
    make_usage,
    make_user,
)
from packagegrid.fetchers.models import FetchState
from packagegrid.search.models import SearchDocument
from packagegrid.search.services import search_index_package

pytestmark = pytest.mark.django_db

# The package with its joins, releases (one read for the list, the releases chart and the
# latest release), grids, fetch problems, and the packages sharing its grids (enough of
# them that the similar-packages search is not needed), then the health facts:
# compatibility rows and advisories (+2), then the trends panel's snapshots (+1), then the
# dependencies panel: requirements, dependents, their count, and the Django
# requirements of the requirements listed here (+4), then the weekly downloads (+1).
PACKAGE_QUERIES = 12


def test_it_shows_the_package(client: Client) -> None:
    package = make_package(
        title="Django Widgets",
        repo={
            "description": "Widgets for Django",
            "stars": 4321,
            "forks": 12,
            "license": "MIT",
            "last_commit_at": timezone.now() - timedelta(days=2),
            "commits_over_52": [1] * 52,
        },
        pypi={"latest_version": "2.5.1"},
    )
    make_usage(package, 2)
    response = client.get(package.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Django Widgets</h1>" in html
    assert "Widgets for Django" in html
    assert "4,321" in html
    assert "2.5.1" in html
    assert "MIT" in html
    assert 'aria-label="52 commits in the last 52 weeks"' in html
    assert "<dt>Users</dt><dd>2</dd>" in html


def test_it_escapes_a_script_in_the_description(client: Client) -> None:
    package = make_package(repo={"description": "<script>alert(1)</script>"})
    html = client.get(package.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_links_only_http_urls(client: Client) -> None:
    package = make_package(documentation_url="javascript:alert(1)")
    html = client.get(package.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html  # shown as text
    assert f'href="{package.repo_url}"' in html
    assert f'href="https://pypi.org/project/{package.slug}/"' in html


def test_it_reads_the_pypi_name_out_of_old_url_forms(client: Client) -> None:
    package = make_package()
    package.pypi_url = "https://pypi.org/project/http://pypi.python.org/pypi/South/"
    package.save(update_fields=["pypi_url"])
    html = client.get(package.get_absolute_url()).content.decode()
    assert 'href="https://pypi.org/project/South/"' in html


def test_it_links_participants_to_github_only_for_github_repos(client: Client) -> None:
    on_github = make_package(repo={"participants": ["alice", "bob[bot]"]})
    html = client.get(on_github.get_absolute_url()).content.decode()
    assert 'href="https://github.com/alice"' in html
    assert 'href="https://github.com/bob%5Bbot%5D"' in html

    on_gitlab = make_package(
        repo_url="https://gitlab.com/group/project", repo={"participants": ["Carol Smith"]}
    )
    html = client.get(on_gitlab.get_absolute_url()).content.decode()
    assert "Carol Smith" in html
    assert "https://github.com/Carol" not in html


def test_it_lists_releases_newest_first_and_marks_yanked(client: Client) -> None:
    package = make_package()
    make_release(package, "1.0", days_ago=30)
    make_release(package, "1.1", days_ago=10, yanked=True)
    make_release(package, "1.2", days_ago=1)
    html = client.get(package.get_absolute_url()).content.decode()
    assert html.index(">1.2<") < html.index(">1.1<") < html.index(">1.0<")
    assert "Yanked" in html
    assert 'class="yanked"' in html


def test_it_says_so_when_there_are_no_releases(client: Client) -> None:
    package = make_package(pypi={"latest_version": None})
    html = client.get(package.get_absolute_url()).content.decode()
    assert "No releases recorded." in html


def test_it_does_not_contradict_itself_when_only_the_latest_version_is_known(
    client: Client,
) -> None:
    """An imported record knows PyPI's latest version but no release history: the page
    says so instead of "Latest version 3.2.3" beside "No releases recorded"."""
    package = make_package(pypi={"latest_version": "3.2.3"})
    html = client.get(package.get_absolute_url()).content.decode()
    assert "No releases recorded." not in html
    assert "Only the latest version" in html
    assert '<dt>Latest version</dt><dd><span class="version">3.2.3</span>' in html


def test_the_latest_version_fact_agrees_with_the_release_list(client: Client) -> None:
    package = make_package(pypi={"latest_version": "0.9"})
    make_release(package, "1.0", days_ago=30)
    make_release(package, "1.1", days_ago=1, yanked=True)
    html = client.get(package.get_absolute_url()).content.decode()
    assert '<dt>Latest version</dt><dd><span class="version">1.0</span>' in html


def test_it_falls_back_to_the_pypi_license(client: Client) -> None:
    package = make_package(repo={"license": ""})
    PyPIData.objects.filter(package=package).update(license="BSD-3-Clause")
    html = client.get(package.get_absolute_url()).content.decode()
    assert "BSD-3-Clause" in html


def test_it_lists_its_grids(client: Client) -> None:
    package = make_package()
    grid = make_grid(title="Widget grids")
    add_to_grid(grid, package)
    html = client.get(package.get_absolute_url()).content.decode()
    assert f'href="{grid.get_absolute_url()}"' in html
    assert "Widget grids" in html


def test_it_warns_about_an_archived_repository(client: Client) -> None:
    package = make_package(repo={"archived": True})
    html = client.get(package.get_absolute_url()).content.decode()
    assert "Archived." in html


def test_it_warns_about_a_replaced_package_with_a_link(client: Client) -> None:
    successor = make_package(title="The successor")
    package = make_package(replaced_by=successor)
    html = client.get(package.get_absolute_url()).content.decode()
    assert "Deprecated." in html
    assert f'href="{successor.get_absolute_url()}">The successor</a>' in html


def test_it_shows_a_package_that_was_never_fetched(client: Client) -> None:
    package = make_package(fetched=False)
    assert not RepoData.objects.filter(package=package).exists()
    response = client.get(package.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "No commit data" in html
    assert '<dt>Data fetched</dt><dd><span class="muted">Never</span>' in html
    # Unknown numbers are not shown as zeros.
    assert '<dt>Stars</dt><dd class="muted">Not fetched yet</dd>' in html
    assert '<dt>Forks</dt><dd class="muted">Not fetched yet</dd>' in html
    assert "<dt>Stars</dt><dd>0</dd>" not in html


def test_a_new_package_polls_until_its_first_fetch_lands(client: Client) -> None:
    package = make_package(fetched=False, created=timezone.now())
    html = client.get(package.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 5s"' in html
    assert f'hx-get="{package.get_absolute_url()}"' in html
    assert 'hx-select="#package-body"' in html

    RepoData.objects.create(package=package, stars=7)
    html = client.get(package.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 5s"' not in html
    assert "<dt>Stars</dt><dd>7</dd>" in html


def test_it_stops_polling_for_a_fetch_that_failed_or_never_came(client: Client) -> None:
    failed = make_package(fetched=False)
    FetchState.objects.create(package=failed, source="github", error_count=1, last_error="boom")
    old = make_package(fetched=False, created=timezone.now() - timedelta(days=2))
    for package in (failed, old):
        html = client.get(package.get_absolute_url()).content.decode()
        assert 'id="package-body"' in html
        assert 'hx-trigger="every 5s"' not in html


def test_it_is_404_for_an_unknown_slug(client: Client) -> None:
    assert client.get("/packages/p/nope/").status_code == 404
    assert client.get("/packages/p/%00/").status_code == 400


@pytest.mark.parametrize("count", [2, 30])
def test_it_takes_a_constant_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    package = make_package(repo={"participants": [f"user{i}" for i in range(count)]})
    make_usage(package, count)
    make_downloads(package, last_week=10, last_month=40, weeks=range(count))
    neighbours = [make_package() for _ in range(6)]
    for index in range(count):
        make_release(package, f"1.{index}", days_ago=index)
        add_to_grid(make_grid(), package, *neighbours)
    with django_assert_num_queries(PACKAGE_QUERIES):
        assert client.get(package.get_absolute_url()).status_code == 200


def test_one_read_of_releases_feeds_the_list_the_chart_and_the_latest_release(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """40 releases in the charted quarters (more than the list shows) and a latest version
    older than all of them: the chart counts all 40 and the install panel finds the old
    one, in the same queries."""
    package = make_package(pypi={"latest_version": "0.1"})
    make_release(package, "0.1", days_ago=4000)
    for index in range(40):
        make_release(package, f"1.{index}", days_ago=index)
    with django_assert_num_queries(PACKAGE_QUERIES):
        html = client.get(package.get_absolute_url()).content.decode()
    assert "40 releases between" in html
    listed = html.split('id="releases-title"')[1].split("</section>")[0]
    assert ">1.0<" in listed and ">1.29<" in listed and ">1.30<" not in listed
    assert 'Latest release <span class="version">0.1</span>' in html


def test_it_shows_the_newest_thirty_releases(client: Client) -> None:
    package = make_package()
    for index in range(35):
        make_release(package, f"0.{index}", days_ago=index)
    html = client.get(package.get_absolute_url()).content.decode()
    assert ">0.29<" in html
    assert ">0.30<" not in html
    assert "Showing the 30 newest releases." in html


def test_it_shows_fetch_failures_and_review_flags(client: Client) -> None:
    from packagegrid.fetchers.models import FetchState

    package = make_package()
    FetchState.objects.create(
        package=package,
        source="github",
        error_count=3,
        last_error="timeout: <b>slow</b>",
        last_error_at=package.created,
        needs_review=False,
    )
    FetchState.objects.create(
        package=package,
        source="pypi",
        needs_review=True,
        error_count=1,
        last_error="not_found: 404",
    )
    page = client.get(package.get_absolute_url()).content.decode()
    assert "GitHub data may be out of date." in page
    assert "The last 3 attempts to fetch it failed (timeout: &lt;b&gt;slow&lt;/b&gt;" in page
    assert "Needs review." in page


def test_it_offers_a_refresh_button_to_people_who_are_logged_in(
    client: Client, django_user_model: type[User]
) -> None:
    package = make_package()
    assert "Refresh data" not in client.get(package.get_absolute_url()).content.decode()
    client.force_login(make_user("alice"))
    page = client.get(package.get_absolute_url()).content.decode()
    assert f'action="/packages/{package.slug}/refresh/"' in page
    assert "csrfmiddlewaretoken" in page


def test_similar_packages_come_from_shared_grids_first_then_search(client: Client) -> None:
    package = make_package(
        title="django-login-helper", repo={"description": "Login forms and views"}
    )
    close = make_package(title="Close neighbour")
    far = make_package(title="Far neighbour", repo={"stars": 500})
    described = make_package(title="django-other-login", repo={"description": "Views for login"})
    make_package(title="Unrelated", repo={"description": "Image thumbnails"})
    first, second = make_grid(), make_grid()
    add_to_grid(first, package, close, far)
    add_to_grid(second, package, close)

    similar = client.get(package.get_absolute_url()).context["page"].similar
    assert [(item.title, item.reason) for item in similar[:2]] == [
        ("Close neighbour", "In 2 of the same grids"),
        ("Far neighbour", "In 1 of the same grid"),
    ]
    assert ("django-other-login", "Similar description") in [
        (item.title, item.reason) for item in similar
    ]
    assert "Unrelated" not in [item.title for item in similar]
    assert package.title not in [item.title for item in similar]

    html = client.get(package.get_absolute_url()).content.decode()
    assert f'href="/compare/{package.slug},{close.slug}/"' in html
    assert described.get_absolute_url() in html


def test_a_package_outside_grids_still_gets_similar_packages_from_search(client: Client) -> None:
    package = make_package(
        title="django-money-fields", repo={"description": "Money fields for models"}
    )
    other = make_package(title="django-prices", repo={"description": "Money and currency fields"})
    html = client.get(package.get_absolute_url()).content.decode()
    assert "Similar packages" in html
    assert other.get_absolute_url() in html


def test_it_shows_the_license_the_search_facet_shows(client: Client) -> None:
    # The code host says one thing, PyPI (stored normalised) another: PyPI's is shown
    # on the page and in the search facet alike.
    package = make_package(repo={"license": "gpl-3.0"})
    PyPIData.objects.filter(package=package).update(license="MIT")
    search_index_package(package_id=package.pk)

    html = client.get(package.get_absolute_url()).content.decode()

    assert "<dd>MIT</dd>" in html
    assert "license=MIT" in SearchDocument.objects.get(package=package).facets.split("\n")


def test_it_reads_the_code_hosts_license_by_the_same_rules(client: Client) -> None:
    package = make_package(repo={"license": "bsd-3-clause"})  # GitLab's licence key
    PyPIData.objects.filter(package=package).update(license="")
    html = client.get(package.get_absolute_url()).content.decode()
    assert "<dd>BSD-3-Clause</dd>" in html


@pytest.mark.parametrize("count", [2, 30])
def test_its_health_panel_and_trends_take_the_same_queries_for_any_number_of_rows(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    """Scored, with `count` advisories, releases and snapshots and a compatibility table
    that grows with them: every health and trends panel is drawn, in PACKAGE_QUERIES."""
    from packagegrid.catalog.models import Snapshot
    from packagegrid.health.scores import package_health_recompute
    from packagegrid.health.tests.support import advisory, apply_pypi

    package = make_package()
    pythons = ["3.10", "3.11", "3.12", "3.13", "3.14"][: 2 if count == 2 else 5]
    apply_pypi(
        package,
        classifiers=[f"Programming Language :: Python :: {v}" for v in pythons],
        requires_dist=["Django>=4.2,<7"] if count > 2 else ["Django>=5.2,<6"],
        advisories=[advisory(f"GHSA-{index:04d}") for index in range(count)],
    )
    now = timezone.now()
    for index in range(count):
        make_release(package, f"1.{index}", days_ago=10 * index + 1)
        Snapshot.objects.create(package=package, taken_at=now - timedelta(days=7 * index + 1))
    package_health_recompute()
    with django_assert_num_queries(PACKAGE_QUERIES):
        response = client.get(package.get_absolute_url())
    html = response.content.decode()
    assert 'id="health"' in html and "How this score is computed" in html
    assert html.count(">GHSA-") == count
    assert 'id="trends-title"' in html and "<svg" in html
    assert (package.compatibility.count() > 10) is (count > 2)  # the table grows too


def test_it_shows_dependencies_dependents_and_outdated_pins(client: Client) -> None:
    stuck = make_package(
        title="django-stuck", slug="django-stuck", pypi_url="https://pypi.org/project/django-stuck/"
    )
    make_dependencies(stuck, "Django<4")
    package = make_package(title="django-user", slug="django-user")
    make_dependencies(package, "django-stuck>=1", 'requests; python_version < "3.12"')
    html = client.get(package.get_absolute_url()).content.decode()
    assert '<a href="/packages/p/django-stuck/">django-stuck</a> <code>&gt;=1</code>' in html
    assert "requests" in html and "when <code>python_version &lt; &quot;3.12&quot;</code>" in html
    assert "django-stuck (requires Django&lt;4) excludes every Django still in support" in html
    stuck_html = client.get(stuck.get_absolute_url()).content.decode()
    assert "Used by 1 package in the directory" in stuck_html
    assert '<a href="/packages/p/django-user/">django-user</a>' in stuck_html


def test_it_shows_recent_downloads_with_a_weekly_sparkline(client: Client) -> None:
    package = make_package(pypi_url="https://pypi.org/project/django-widgets/")
    make_downloads(package, last_week=9388, last_month=40517, weeks=[700, 900, 1200])

    html = client.get(package.get_absolute_url()).content.decode()

    assert "9,388 last week<br>40,517 last month" in html
    assert 'aria-label="2,800 downloads in the last 3 whole weeks"' in html


def test_it_says_downloads_are_unknown_before_pypistats_answered(client: Client) -> None:
    package = make_package(pypi_url="https://pypi.org/project/django-widgets/")
    html = client.get(package.get_absolute_url()).content.decode()
    assert '<div id="package-downloads"><dt>Downloads</dt><dd class="muted">Unknown</dd>' in html
    assert "downloads in the last" not in html
