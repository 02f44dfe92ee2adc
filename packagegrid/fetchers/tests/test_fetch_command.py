"""`packagegrid fetch` end to end, over real HTTP against local fake GitHub and PyPI."""

from collections import Counter
from datetime import timedelta
from io import StringIO
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DataError, OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from packagegrid.benchmarks.fake_providers import FakeProviders, pypi_numbers, repo_numbers
from packagegrid.catalog.models import Package, PyPIData, RepoData, Snapshot
from packagegrid.conftest import make_package
from packagegrid.fetchers import services
from packagegrid.fetchers.models import FetchState, Source
from packagegrid.fetchers.run import FetchRun, build_jobs, packages_to_fetch
from packagegrid.fetchers.tests.support import TOO_LONG_LICENSE_EXPRESSION
from packagegrid.fetchers.tests.support import table_writes as _writes
from packagegrid.lib.timestamps import iso_local

pytestmark = pytest.mark.django_db


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


# One bad answer each: a value longer than its column, or out of its range.
BAD_ANSWERS: dict[str, tuple[str, dict[str, Any]]] = {
    "pypi licence": (
        "/pypi/pkg-17/json",
        {"info": {"license_expression": TOO_LONG_LICENSE_EXPRESSION}},
    ),
    "pypi version": (
        "/pypi/pkg-17/json",
        {"releases": {"1." + "0" * 150: [{"upload_time_iso_8601": "2026-01-01T00:00:00Z"}]}},
    ),
    "github branch": ("/repos/owner17/pkg-17", {"default_branch": "b" * 300}),
    "github stars": ("/repos/owner17/pkg-17", {"stargazers_count": -1}),
}


@pytest.mark.parametrize("bad", BAD_ANSWERS, ids=list(BAD_ANSWERS))
def test_one_package_with_data_that_cannot_be_stored_fails_alone(
    providers: FakeProviders, bad: str
) -> None:
    packages = _packages(50)
    path, changes = BAD_ANSWERS[bad]
    providers.overrides[path] = changes
    source = "pypi" if path.startswith("/pypi/") else "github"
    output = _fetch("--all")
    assert "fetched: 49" in output
    assert "failed: 1 (invalid_data 1)" in output
    for package in packages:
        if package.slug == "pkg-17":
            continue
        assert (
            RepoData.objects.get(package=package).stars
            == repo_numbers(f"owner{package.slug[4:]}", package.slug)["stars"]
        )
        assert (
            PyPIData.objects.get(package=package).latest_version
            == (pypi_numbers(package.slug)["latest_version"])
        )
    state = FetchState.objects.get(package__slug="pkg-17", source=source)
    assert state.error_count == 1
    assert state.last_error.startswith("invalid_data: ")
    assert "cannot be stored" in state.last_error
    assert state.next_attempt_at is not None
    bad_data = PyPIData if source == "pypi" else RepoData
    assert not bad_data.objects.filter(package__slug="pkg-17").exists()  # nothing applied
    # The next run leaves the bad source alone (backoff) and asks the rest conditionally.
    again = _fetch("--all")
    assert "failed: 0" in again
    assert FetchState.objects.get(package__slug="pkg-17", source=source).error_count == 1


def test_a_long_requires_python_is_stored_whole(providers: FakeProviders) -> None:
    _packages(2)
    specifier = ">=2.7, " + ", ".join(f"!=3.{minor}.*" for minor in range(20)) + ", <4"
    assert len(specifier) > 100
    providers.overrides["/pypi/pkg-1/json"] = {"info": {"requires_python": specifier}}
    assert "fetched: 2" in _fetch("--all")
    assert PyPIData.objects.get(package__slug="pkg-1").requires_python == specifier


def test_an_unparseable_repo_url_is_recorded_and_the_run_goes_on(
    providers: FakeProviders,
) -> None:
    _packages(5)
    no_path = make_package(slug="no-path", repo_url="https://github.com/", last_fetched=None)
    bad_host = make_package(slug="bad-host", repo_url="https://[github.com/a/b", last_fetched=None)
    output = _fetch("--all")
    assert "fetched: 5" in output
    assert "failed: 2 (invalid_repo_url 2)" in output
    for package in (no_path, bad_host):
        state = FetchState.objects.get(package=package, source="repository")
        assert state.error_count == 1
        assert "cannot parse repository URL" in state.last_error
        assert state.next_attempt_at is not None
        # Its PyPI project was still fetched.
        assert FetchState.objects.get(package=package, source="pypi").last_success_at
    assert "skipped: 2 (backoff 2)" in _fetch("--all", "--source", "github")
    # Once the URL is fixed, a fetch reads the repository and clears the error.
    Package.objects.filter(pk=no_path.pk).update(repo_url="https://github.com/acme/fixed")
    _fetch("no-path")
    state = FetchState.objects.get(package=no_path, source="repository")
    assert state.error_count == 0
    no_path.repo_data.refresh_from_db()
    assert no_path.repo_data.stars == repo_numbers("acme", "fixed")["stars"]


def test_a_write_the_database_refuses_fails_that_package_only(
    providers: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    _packages(5)
    apply_pypi = services.package_apply_pypi

    def refuse_one(*, package: Package, **kwargs: Any) -> bool:
        if package.slug == "pkg-2":
            raise DataError("value too long for type character varying(100)")
        return apply_pypi(package=package, **kwargs)

    monkeypatch.setattr(services, "package_apply_pypi", refuse_one)
    output = _fetch("--all")
    assert "fetched: 4" in output
    assert "failed: 1 (unapplicable 1)" in output
    state = FetchState.objects.get(package__slug="pkg-2", source="pypi")
    assert "value too long" in state.last_error
    assert RepoData.objects.filter(package__slug="pkg-2").exists()  # GitHub's data applied


def test_an_unchanged_run_writes_only_fetch_states(providers: FakeProviders) -> None:
    _packages(10)
    with CaptureQueriesContext(connection) as first:
        _fetch("--all")
    with CaptureQueriesContext(connection) as second:
        output = _fetch("--all")
    assert "unchanged (304): 10" in output
    first_writes = Counter(_writes(first))
    assert first_writes["INSERT catalog_snapshot"] == 10
    assert Counter(_writes(second)) == {"UPDATE fetchers_fetchstate": 20}  # GitHub and PyPI
    assert Snapshot.objects.count() == 10


def test_stale_hours_takes_the_packages_not_checked_lately_oldest_first(
    providers: FakeProviders,
) -> None:
    recent, old, never = _packages(3)
    _fetch("pkg-0", "pkg-1")
    long_ago = timezone.now() - timedelta(hours=30)
    FetchState.objects.filter(package=old).update(checked_at=long_ago)
    FetchState.objects.filter(package=old, source="pypi").update(checked_at=None)
    stale = list(packages_to_fetch(stale_hours=24))
    assert stale == [never, old]  # never checked first; `recent` was checked just now
    assert list(packages_to_fetch()) == [never, old, recent]
    assert "packages: 2" in _fetch("--all", "--stale-hours", "24")


def test_a_database_error_of_the_connection_fails_that_package_without_backoff(
    providers: FakeProviders, monkeypatch: pytest.MonkeyPatch
) -> None:
    _packages(5)
    apply_pypi = services.package_apply_pypi
    cut: list[str] = []

    def unreachable_once(*, package: Package, **kwargs: Any) -> bool:
        if package.slug == "pkg-2" and not cut:
            cut.append(package.slug)
            raise OperationalError("server closed the connection unexpectedly")
        return apply_pypi(package=package, **kwargs)

    monkeypatch.setattr(services, "package_apply_pypi", unreachable_once)
    monkeypatch.setattr("packagegrid.fetchers.run.close_old_connections", lambda: None)
    output = _fetch("--all")
    assert "fetched: 4" in output
    assert "failed: 1 (database_unavailable 1)" in output
    # Nothing recorded on it: no error, no backoff, so the next run does not skip it.
    assert not FetchState.objects.filter(package__slug="pkg-2", error_count__gt=0).exists()
    output = _fetch("--all")
    assert "failed: 0" in output
    assert "skipped: 0" in output
    assert PyPIData.objects.filter(package__slug="pkg-2").exists()


@pytest.mark.django_db(transaction=True)
def test_a_run_survives_its_database_connection_being_cut(providers: FakeProviders) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL (DATABASE_URL=postgres://...): cuts its connection")
    _packages(12)
    settings = connection.settings_dict

    def cut_after_the_third(done: int, total: int) -> None:
        if done != 3:
            return
        pid = connection.connection.info.backend_pid
        with psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            dbname=settings["NAME"],
            autocommit=True,
        ) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    run = FetchRun(concurrency=2, progress=cut_after_the_third)
    summary = run.run(build_jobs(packages_to_fetch(), sources=Source.values))
    # The package after the cut found the connection dead; the next ones connected again.
    assert summary.failed == Counter({"database_unavailable": 1})
    assert summary.fetched == 11
    output = _fetch("--all")
    assert "failed: 0" in output
    assert "skipped: 0" in output
    assert PyPIData.objects.count() == RepoData.objects.count() == 12
