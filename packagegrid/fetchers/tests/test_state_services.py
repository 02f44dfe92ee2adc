"""Recording a source's success or failure on a package's FetchState."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from packagegrid.caching.services import package_key, versions_of
from packagegrid.catalog.models import Package
from packagegrid.conftest import make_package
from packagegrid.fetchers import state_services
from packagegrid.fetchers.models import FetchState
from packagegrid.fetchers.types import FetchFailed, RateLimitExhausted

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_it_keeps_the_data_and_counts_failures_with_growing_backoff() -> None:
    package = make_package(repo={"stars": 50})
    error = FetchFailed("GET ... timed out", reason="timeout")
    first = state_services.package_record_failure(
        package=package, source="github", error=error, now=NOW
    )
    second = state_services.package_record_failure(
        package=package, source="github", error=error, now=NOW
    )
    package.repo_data.refresh_from_db()
    assert package.repo_data.stars == 50
    assert second.error_count == 2
    assert second.last_error.startswith("timeout: ")
    assert first.next_attempt_at is not None
    assert second.next_attempt_at == NOW + state_services.failure_backoff(2)
    assert state_services.failure_backoff(2) == 2 * state_services.failure_backoff(1)
    assert state_services.failure_backoff(100) == state_services.BACKOFF_MAX


def test_it_flags_a_missing_repository_for_review_without_deprecating_it() -> None:
    package = make_package()
    error = FetchFailed("404", reason="not_found", permanent=True)
    state = state_services.package_record_failure(
        package=package, source="github", error=error, now=NOW
    )
    package.refresh_from_db()
    assert state.needs_review is True
    assert package.replaced_by is None


def test_it_waits_for_a_rate_limit_reset() -> None:
    package = make_package()
    reset = NOW + timedelta(minutes=17)
    error = RateLimitExhausted("budget spent", retry_at=reset)
    state = state_services.package_record_failure(
        package=package, source="github", error=error, now=NOW
    )
    assert state.next_attempt_at == reset


def _version(package: Package) -> int:
    return versions_of([package_key(package.pk)])[package_key(package.pk)].token


def test_it_changes_the_package_version_when_a_failure_is_cleared(
    django_capture_on_commit_callbacks: Any,
) -> None:
    failure = FetchFailed("down", reason="server_error")
    with django_capture_on_commit_callbacks(execute=True):
        package = make_package()
        state_services.package_record_failure(
            package=package, source="github", error=failure, now=NOW
        )
    version = _version(package)
    with django_capture_on_commit_callbacks(execute=True):
        state_services.package_record_success(package=package, source="github", now=NOW)
    assert _version(package) != version
    assert FetchState.objects.get(package=package, source="github").error_count == 0
