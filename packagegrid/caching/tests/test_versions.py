"""Content versions move only with a value some page shows, and only for what shows it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client

from packagegrid.caching.models import ContentVersion
from packagegrid.caching.services import (
    CATEGORIES,
    GRIDS,
    PACKAGES,
    category_key,
    grid_key,
    package_key,
    packages_changed,
)
from packagegrid.catalog.models import Package, RepoData
from packagegrid.conftest import make_grid, make_package
from packagegrid.fetchers import services as fetch_services
from packagegrid.fetchers import state_services
from packagegrid.fetchers.models import FetchState
from packagegrid.fetchers.types import FetchFailed, RepoFetch, RepoInfo

# Each write commits, as on the site: versions are written once a transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
PASSWORD = "a long enough password 42"


def _tokens() -> dict[str, int]:
    return dict(ContentVersion.objects.values_list("key", "token"))


def _info(stars: int) -> RepoInfo:
    return RepoInfo(
        stars=stars,
        forks=3,
        description="Things",
        archived=False,
        license="MIT",
        open_issues=1,
        default_branch="main",
        homepage="",
        pushed_at=NOW,
    )


def _refresh(package: Package, *, stars: int, now: datetime) -> None:
    """The real apply step of a fetch run, as `packagegrid refresh` runs it."""
    if fetch_services.package_apply_repo(
        package=package,
        source="github",
        fetch=RepoFetch(info=_info(stars), etags={"https://api/x": '"e"'}),
        now=now,
    ):
        fetch_services.package_finish_fetch(package=package, now=now)


def test_a_login_bumps_no_version(client: Client) -> None:
    User.objects.create_user("alice", "alice@example.com", PASSWORD)
    make_package()
    before = _tokens()
    response = client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(username="alice").last_login is not None
    assert _tokens() == before


def test_an_unchanged_fetch_and_its_bookkeeping_bump_no_version() -> None:
    package = make_package()
    _refresh(package, stars=5, now=NOW)
    before = _tokens()
    _refresh(package, stars=5, now=NOW + timedelta(hours=1))
    state = FetchState.objects.get(package=package, source="github")
    state.checked_at = NOW + timedelta(hours=2)
    state.etags = {"https://api/x": '"f"'}
    state.save(update_fields=["checked_at", "etags"])
    assert state.checked_at == NOW + timedelta(hours=2)
    assert _tokens() == before


def test_a_changed_package_bumps_it_and_what_shows_it_only() -> None:
    package = make_package()
    other = make_package()
    grid = make_grid(packages=[package])
    other_grid = make_grid(packages=[other])
    _refresh(package, stars=5, now=NOW)
    before = _tokens()
    _refresh(package, stars=6, now=NOW + timedelta(hours=1))
    after = _tokens()
    changed = {key for key in after if after[key] != before.get(key)}
    slug = package.category.slug
    assert changed == {
        package_key(package.pk),
        package_key(package.slug),
        category_key(package.category_id),
        category_key(slug),
        grid_key(grid.pk),
        grid_key(grid.slug),
        PACKAGES,
    }
    assert grid_key(other_grid.pk) not in changed and package_key(other.pk) not in changed
    assert GRIDS not in changed and CATEGORIES not in changed


def test_a_rolled_back_change_bumps_nothing() -> None:
    package = make_package()
    before = _tokens()
    with pytest.raises(RuntimeError), transaction.atomic():
        RepoData.objects.filter(package=package).update(stars=99)
        packages_changed([package.pk])
        raise RuntimeError("rolled back")
    assert _tokens() == before


def test_a_fetch_failure_shown_on_the_page_bumps_the_package() -> None:
    package = make_package()
    before = _tokens()
    state_services.package_record_failure(
        package=package, source="github", error=FetchFailed("down", reason="server_error"), now=NOW
    )
    assert _tokens()[package_key(package.slug)] != before.get(package_key(package.slug))


def test_a_new_slug_bumps_the_page_at_the_old_one() -> None:
    package = make_package(slug="old-name")
    before = _tokens()
    package.slug = "new-name"
    package.save()
    after = _tokens()
    assert after[package_key("old-name")] != before.get(package_key("old-name"))
    assert package_key("new-name") in after


def test_a_grid_edit_bumps_the_grid_and_the_grid_lists_not_the_packages() -> None:
    package = make_package()
    grid = make_grid(packages=[package], features=1)
    before = _tokens()
    feature = grid.features.get()
    feature.title = "Renamed"
    feature.save()
    after = _tokens()
    changed = {key for key in after if after[key] != before.get(key)}
    assert changed == {grid_key(grid.pk), grid_key(grid.slug), GRIDS}
