"""`packagegrid fetch` end to end, over real HTTP against local fake GitHub and PyPI."""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from packagegrid.benchmarks.fake_providers import FakeProviders, pypi_numbers, repo_numbers
from packagegrid.catalog.models import Package, RepoData
from packagegrid.conftest import make_package
from packagegrid.fetchers.models import FetchState
from packagegrid.lib.timestamps import iso_local

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers(settings: SettingsWrapper) -> Iterator[FakeProviders]:
    with FakeProviders() as fake:
        settings.GITHUB_API_URL = fake.url
        settings.PYPI_URL = fake.url
        yield fake


def _packages(count: int) -> list[Package]:
    """Packages never fetched: no repository or PyPI data yet."""
    packages = []
    for i in range(count):
        package = make_package(
            slug=f"pkg-{i}",
            repo_url=f"https://github.com/owner{i}/pkg-{i}",
            pypi_url=f"https://pypi.org/project/pkg-{i}/",
            last_fetched=None,
        )
        package.repo_data.delete()
        package.pypi_data.delete()
        packages.append(package)
    return packages


def _fetch(*args: str) -> str:
    out = StringIO()
    call_command("fetch", *args, stdout=out)
    return out.getvalue()


def test_it_fills_every_field_that_api_v4_serves(providers: FakeProviders, client: Client) -> None:
    packages = _packages(50)
    output = _fetch("--all")
    assert "fetched: 50" in output
    assert "failed: 0" in output
    for package in packages:
        expected_repo = repo_numbers(f"owner{package.slug[4:]}", package.slug)
        expected_pypi = pypi_numbers(package.slug)
        body = client.get(f"/api/v4/packages/{package.id}/").json()
        assert body["repo_watchers"] == expected_repo["stars"]
        assert body["repo_forks"] == expected_repo["forks"]
        assert body["repo_description"] == expected_repo["description"]
        assert body["commits_over_52"] == expected_repo["commits_over_52"]
        assert body["participants"] == expected_repo["participants"]
        assert body["last_updated"] == iso_local(expected_repo["last_commit_at"])
        assert body["pypi_version"] == expected_pypi["latest_version"]
        assert body["last_fetched"] is not None


def test_a_second_run_only_asks_conditionally_and_changes_nothing(
    providers: FakeProviders,
) -> None:
    _packages(20)
    _fetch("--all")
    before = list(RepoData.objects.values().order_by("package_id"))
    requests_before = providers.requests
    output = _fetch("--all")
    assert "unchanged (304): 20" in output
    assert providers.not_modified == providers.requests - requests_before
    after = list(RepoData.objects.values().order_by("package_id"))
    for old, new in zip(before, after, strict=True):
        assert {k: v for k, v in old.items() if k != "fetched_at"} == {
            k: v for k, v in new.items() if k != "fetched_at"
        }


def test_failures_lose_no_stored_value_and_are_recorded(
    providers: FakeProviders, settings: SettingsWrapper
) -> None:
    _packages(30)
    _fetch("--all")
    good = {
        r.package_id: (r.stars, r.commits_over_52, r.participants) for r in RepoData.objects.all()
    }
    settings.HTTP_TIMEOUT_SECONDS = 2
    providers.failure_rate = 0.2
    # Forget the ETags so that every request really reaches the failing server.
    FetchState.objects.update(etags={}, next_attempt_at=None)
    output = _fetch("--all")
    assert "failed: 0" not in output
    now = {
        r.package_id: (r.stars, r.commits_over_52, r.participants) for r in RepoData.objects.all()
    }
    assert now == good
    failed = FetchState.objects.filter(error_count__gt=0)
    assert failed.exists()
    for state in failed:
        assert state.last_error
        assert state.last_error_at is not None
        assert state.next_attempt_at is not None


def test_it_skips_packages_in_backoff_and_unsupported_hosts(providers: FakeProviders) -> None:
    (package,) = _packages(1)
    make_package(slug="on-launchpad", repo_url="https://launchpad.net/owner/thing", pypi_url="")
    call_command("fetch", "--all", "--source", "github", stdout=StringIO())
    FetchState.objects.filter(package=package).update(next_attempt_at="2999-01-01T00:00:00Z")
    output = _fetch("--all", "--source", "github")
    assert "skipped: 2 (backoff 1, unsupported_host 1)" in output


def test_it_fetches_named_packages_and_refuses_unknown_ones(providers: FakeProviders) -> None:
    _packages(3)
    assert "packages: 1" in _fetch("pkg-1")
    with pytest.raises(CommandError, match="nope"):
        _fetch("pkg-1", "nope")
    with pytest.raises(CommandError, match="--all"):
        _fetch()
