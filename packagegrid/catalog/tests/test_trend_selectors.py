"""The package page's trends panel and the trending packages page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import Package, Release, RepoData, Snapshot
from packagegrid.catalog.trend_selectors import package_trends, trending_packages
from packagegrid.conftest import make_package, make_release

pytestmark = pytest.mark.django_db

TRENDING_QUERIES = 1


def snapshot(package: Package, *, days_ago: float, stars: int, forks: int = 0) -> Snapshot:
    return Snapshot.objects.create(
        package=package,
        taken_at=timezone.now() - timedelta(days=days_ago),
        stars=stars,
        forks=forks,
    )


def history(package: Package, stars_by_days_ago: dict[float, int]) -> None:
    for days_ago, stars in stars_by_days_ago.items():
        snapshot(package, days_ago=days_ago, stars=stars)


# ---- The package page's panel


def test_the_panel_charts_stars_and_forks_from_snapshots_and_today(client: Client) -> None:
    package = make_package(repo={"stars": 340, "forks": 30})
    snapshot(package, days_ago=300, stars=120, forks=10)
    snapshot(package, days_ago=100, stars=200, forks=20)
    html = client.get(package.get_absolute_url()).content.decode()
    assert 'id="trends-title"' in html
    assert 'aria-label="Stars grew from 120 to 340 between' in html
    assert 'aria-label="Forks grew from 10 to 30 between' in html


def test_the_panel_says_when_there_is_not_enough_history(client: Client) -> None:
    package = make_package(repo={"stars": 5})
    html = client.get(package.get_absolute_url()).content.decode()
    assert html.count("Not enough history yet.") == 2


def test_old_snapshots_are_left_out() -> None:
    package = make_package(repo={"stars": 50})
    snapshot(package, days_ago=800, stars=1)
    snapshot(package, days_ago=10, stars=40)
    trends = package_trends(package=package, repo=RepoData.objects.get(package=package))
    assert "Stars grew from 40 to 50" in trends.stars_chart


def test_releases_per_quarter_count_yanked_apart_and_leave_out_prereleases() -> None:
    package = make_package()
    make_release(package, "1.0", days_ago=1)
    make_release(package, "1.1", days_ago=2, yanked=True)
    make_release(package, "0.1", days_ago=2000)  # older than three years: not charted
    Release.objects.create(
        package=package, version="2.0rc1", uploaded_at=timezone.now(), is_prerelease=True
    )
    trends = package_trends(package=package, repo=None)
    assert 'aria-label="2 releases between' in trends.releases_chart
    assert trends.releases_chart.count('class="chart-bar-yanked"') == 1
    assert trends.prereleases == 1
    assert trends.releases_chart.count("<g>") == 12


def test_commits_per_week_are_52_bars_or_unknown() -> None:
    package = make_package(repo={"commits_over_52": [1] * 52})
    repo = RepoData.objects.get(package=package)
    trends = package_trends(package=package, repo=repo)
    assert trends.commits_chart.count("<rect") == 52
    assert 'aria-label="52 commits in the last 52 weeks"' in trends.commits_chart
    repo.commits_over_52 = []
    assert "Unknown" in package_trends(package=package, repo=repo).commits_chart
    assert "Unknown" in package_trends(package=package, repo=None).commits_chart


def test_a_package_never_fetched_has_a_page(client: Client) -> None:
    package = make_package(fetched=False)
    response = client.get(package.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not enough history yet." in html
    assert "Unknown" in html


# ---- Trending


def steady(stars_now: int, weekly: int) -> dict[float, int]:
    """A snapshot a week for five weeks, `weekly` stars more each time."""
    return {0.1 + 7 * weeks: stars_now - weekly * weeks for weeks in range(5)}


def test_steady_growth_ranks_by_growth_for_its_size() -> None:
    small = make_package(title="Small")
    big = make_package(title="Big")
    flat = make_package(title="Flat")
    history(small, steady(stars_now=140, weekly=10))  # 100 → 140: +40%
    history(big, steady(stars_now=1200, weekly=50))  # 1000 → 1200: +20%
    history(flat, {35: 500, 0.1: 500})
    found = trending_packages()
    assert [item.title for item in found] == ["Small", "Big"]
    assert found[0].stars_before == 100
    assert found[0].stars_now == 140
    assert found[0].weekly_gains == (10, 10, 10, 10)
    assert found[0].growth_percent == 40


def test_a_one_week_spike_is_not_sustained() -> None:
    spiky = make_package(title="Spiky")
    history(spiky, {35: 100, 20: 100, 0.1: 900})
    assert trending_packages() == []


def test_a_pause_of_one_week_is_not_sustained() -> None:
    paused = make_package()
    history(paused, {28.1: 100, 21.1: 110, 14.1: 120, 0.1: 140})
    assert trending_packages() == []


def test_forks_are_left_out() -> None:
    fork = make_package(title="Fork")
    RepoData.objects.filter(package=fork).update(is_fork=True)
    history(fork, steady(stars_now=200, weekly=20))
    assert trending_packages() == []


def test_small_packages_with_tiny_gains_do_not_dominate() -> None:
    tiny = make_package(title="Tiny")  # 1 → 5: +4 is under the minimum gain
    history(tiny, {28.1: 1, 21.1: 2, 14.1: 3, 7.1: 4, 0.1: 5})
    little = make_package(title="Little")  # 1 → 9, measured against 10 stars: +80%
    history(little, {28.1: 1, 21.1: 3, 14.1: 5, 7.1: 7, 0.1: 9})
    grown = make_package(title="Grown")  # 100 → 200: +100%
    history(grown, steady(stars_now=200, weekly=25))
    found = trending_packages()
    assert [item.title for item in found] == ["Grown", "Little"]
    assert found[1].growth_percent == 80


def test_a_package_without_numbers_from_before_is_left_out() -> None:
    new = make_package()
    history(new, {21.1: 10, 14.1: 50, 7.1: 100, 0.1: 200})
    assert trending_packages() == []


def test_the_list_is_bounded() -> None:
    for _ in range(3):
        history(make_package(), steady(stars_now=100, weekly=10))
    assert len(trending_packages(limit=2)) == 2


@pytest.mark.parametrize("count", [2, 30])
def test_the_page_takes_a_constant_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    for index in range(count):
        history(make_package(title=f"Package {index:02}"), steady(stars_now=200, weekly=10 + index))
    with django_assert_num_queries(TRENDING_QUERIES):
        response = client.get("/trending/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<th scope="row">') == count
    assert "at least 5 in all" in html
    assert "+10 · +10 · +10 · +10" in html


def test_the_page_with_nothing_trending(client: Client) -> None:
    html = client.get("/trending/").content.decode()
    assert "No package has grown steadily" in html
    assert 'href="/trending/"' in html  # linked from every page's footer
