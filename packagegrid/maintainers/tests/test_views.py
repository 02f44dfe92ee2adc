"""Claiming a package through a local fake GitHub, and each power a verified claim gives:
POST only with CSRF, refused with nothing changed for anyone else, logged publicly."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer

from packagegrid.catalog.models import EditRecord, Flag, Package, PendingChange
from packagegrid.conftest import csrf_client, make_package, make_user
from packagegrid.fetchers.tasks import fetch_package
from packagegrid.maintainers.models import DelistingRequest, MaintainerClaim, MaintainerEvent
from packagegrid.maintainers.tests.conftest import github_login, github_package, grant

if TYPE_CHECKING:
    from packagegrid.conftest import TestResponse

pytestmark = pytest.mark.django_db


def _claim(client: Client, package: Package) -> TestResponse:
    return client.post(f"/packages/{package.slug}/maintainers/claim/")


def _kinds(package: Package) -> list[str]:
    return list(
        MaintainerEvent.objects.filter(package=package)
        .order_by("id")
        .values_list("kind", flat=True)
    )


@pytest.fixture
def maintainer(github: HTTPServer, alice_client: Client, alice: User) -> Package:
    """A GitHub package alice claimed with admin rights, which GitHub still grants."""
    package = github_package()
    github_login(alice, login="alice-gh")
    grant(github, admin=True)
    assert _claim(alice_client, package).status_code == 302
    return package


def test_it_verifies_a_claim_with_github_and_shows_it_publicly(
    github: HTTPServer, alice_client: Client, alice: User, client: Client
) -> None:
    package = github_package()
    github_login(alice, login="alice-gh")
    grant(github, maintain=True)
    response = _claim(alice_client, package)
    assert response.status_code == 302
    claim = MaintainerClaim.objects.get(package=package)
    assert (claim.user, claim.github_login, claim.permission, claim.status) == (
        alice,
        "alice-gh",
        "maintain",
        "verified",
    )
    assert _kinds(package) == ["claimed"]
    page = Client().get(package.get_absolute_url()).content.decode()
    assert "Verified maintainer: <a" in page and "@alice-gh</a>" in page
    log = Client().get(f"/packages/{package.slug}/maintainers/").content.decode()
    assert "Claimed the package" in log


def test_it_refuses_a_claim_without_admin_or_maintain_rights(
    github: HTTPServer, alice_client: Client, alice: User
) -> None:
    package = github_package()
    github_login(alice)
    grant(github, admin=False, maintain=False)
    response = _claim(alice_client, package)
    assert response.status_code == 403
    assert "neither admin nor maintain rights" in response.content.decode()
    assert not MaintainerClaim.objects.exists()
    assert not MaintainerEvent.objects.exists()


def test_it_refuses_a_claim_without_a_github_login(
    github: HTTPServer, alice_client: Client
) -> None:
    package = github_package()
    response = _claim(alice_client, package)
    assert response.status_code == 403
    assert "Log in with GitHub" in response.content.decode()
    assert not MaintainerClaim.objects.exists()
    assert github.log == []


def test_it_refuses_a_claim_on_a_repository_elsewhere(
    github: HTTPServer, alice_client: Client, alice: User
) -> None:
    package = make_package(repo_url="https://gitlab.com/example/django-thing")
    github_login(alice)
    response = _claim(alice_client, package)
    assert response.status_code == 403
    assert "not on GitHub" in response.content.decode()
    assert not MaintainerClaim.objects.exists()
    assert github.log == []


def test_it_refuses_a_claim_when_github_refuses_the_token(
    github: HTTPServer, alice_client: Client, alice: User
) -> None:
    package = github_package()
    github_login(alice)
    grant(github, status=401)
    assert _claim(alice_client, package).status_code == 403
    assert not MaintainerClaim.objects.exists()


def test_it_changes_nothing_on_get_and_without_csrf(github: HTTPServer) -> None:
    package = github_package()
    client, user = csrf_client("carol")
    github_login(user, token="gho_alice")
    grant(github, admin=True)
    paths = ["claim/", "finished/", "deprecate/", "delisting/", "refresh/"]
    for path in paths:
        url = f"/packages/{package.slug}/maintainers/{path}"
        assert client.get(url).status_code == 405
        assert client.post(url, {"on": "on", "reason": "x"}).status_code == 403
    assert not MaintainerClaim.objects.exists()
    assert not DelistingRequest.objects.exists()
    assert Package.objects.get(pk=package.pk).finished is False


def test_it_refuses_the_powers_to_someone_who_is_not_a_maintainer(
    github: HTTPServer, bob: User
) -> None:
    package = github_package()
    client = Client()
    client.force_login(bob)
    response = client.post(f"/packages/{package.slug}/maintainers/finished/", {"on": "on"})
    assert response.status_code == 403
    assert "Only a verified maintainer" in response.content.decode()
    assert Package.objects.get(pk=package.pk).finished is False


def test_it_saves_a_maintainers_edit_without_review(
    maintainer: Package, alice_client: Client
) -> None:
    form = {
        "title": maintainer.title,
        "category": maintainer.category_id,
        "repo_url": "https://github.com/example/django-thing-moved",
        "pypi_name": maintainer.pypi_name,
        "documentation_url": "",
        "replaced_by": "",
        "version": maintainer.version,
    }
    response = alice_client.post(f"/packages/{maintainer.slug}/edit/", form)
    assert response.status_code == 302
    saved = Package.objects.get(pk=maintainer.pk)
    assert saved.repo_url == "https://github.com/example/django-thing-moved"
    assert not PendingChange.objects.exists()
    assert _kinds(maintainer) == ["claimed", "edited"]
    edited = MaintainerEvent.objects.get(kind="edited")
    assert edited.detail == {"fields": ["repo_url"]}


def test_it_holds_the_same_edit_for_review_from_someone_else(github: HTTPServer, bob: User) -> None:
    package = github_package()
    client = Client()
    client.force_login(bob)
    form = {
        "title": package.title,
        "category": package.category_id,
        "repo_url": "https://github.com/example/django-thing-moved",
        "pypi_name": package.pypi_name,
        "documentation_url": "",
        "replaced_by": "",
        "version": package.version,
    }
    assert client.post(f"/packages/{package.slug}/edit/", form).status_code == 302
    assert Package.objects.get(pk=package.pk).repo_url == package.repo_url
    assert PendingChange.objects.count() == 1
    assert github.log == []


def test_it_marks_the_package_finished_in_the_history(
    maintainer: Package, alice_client: Client, alice: User
) -> None:
    url = f"/packages/{maintainer.slug}/maintainers/finished/"
    assert alice_client.post(url, {"on": "on"}).status_code == 302
    assert Package.objects.get(pk=maintainer.pk).finished is True
    record = EditRecord.objects.get(object_id=maintainer.pk, action="update")
    assert (record.user, record.changes) == (alice, {"finished": [False, True]})
    assert _kinds(maintainer) == ["claimed", "finished"]
    assert alice_client.post(url, {"on": "bogus"}).status_code == 400
    assert _kinds(maintainer) == ["claimed", "finished"]


def test_it_marks_the_package_deprecated_with_a_replacement(
    maintainer: Package, alice_client: Client
) -> None:
    replacement = make_package(title="django-new-thing", slug="django-new-thing")
    url = f"/packages/{maintainer.slug}/maintainers/deprecate/"
    assert alice_client.post(url, {"replacement": "django-new-thing"}).status_code == 302
    assert Package.objects.get(pk=maintainer.pk).replaced_by == replacement
    assert not PendingChange.objects.exists()
    event = MaintainerEvent.objects.get(kind="deprecated")
    assert event.detail["replacement"] == "django-new-thing"


def test_it_refuses_a_replacement_that_closes_a_cycle(
    maintainer: Package, alice_client: Client
) -> None:
    other = make_package(slug="django-other", replaced_by=maintainer)
    url = f"/packages/{maintainer.slug}/maintainers/deprecate/"
    response = alice_client.post(url, {"replacement": other.slug})
    assert response.status_code == 400
    assert "cycle" in response.content.decode()
    assert Package.objects.get(pk=maintainer.pk).replaced_by is None
    missing = alice_client.post(url, {"replacement": "no-such-package"})
    assert missing.status_code == 400
    assert _kinds(maintainer) == ["claimed"]


def test_it_lets_the_maintainer_answer_a_flag_on_their_package(
    maintainer: Package, alice_client: Client, bob: User, alice: User
) -> None:
    flag = Flag.objects.create(package=maintainer, user=bob, reason="wrong_data", message="Old.")
    elsewhere = Flag.objects.create(package=make_package(), user=bob, reason="other")
    url = f"/packages/{maintainer.slug}/maintainers/flags/{flag.pk}/"
    answer = {"decision": "approve", "note": "Fixed in the description."}
    assert alice_client.post(url, answer).status_code == 302
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_by) == ("approved", alice)
    event = MaintainerEvent.objects.get(kind="flag_answered")
    assert event.detail["note"] == "Fixed in the description."
    log = Client().get(f"/packages/{maintainer.slug}/maintainers/").content.decode()
    assert "Fixed in the description." in log
    other_url = f"/packages/{maintainer.slug}/maintainers/flags/{elsewhere.pk}/"
    assert alice_client.post(other_url, answer).status_code == 404
    assert Flag.objects.get(pk=elsewhere.pk).status == "open"


def test_it_files_a_delisting_request_that_staff_approve(
    maintainer: Package, alice_client: Client, staff: User
) -> None:
    url = f"/packages/{maintainer.slug}/maintainers/delisting/"
    assert alice_client.post(url, {"reason": "Moved into Django itself."}).status_code == 302
    assert alice_client.post(url, {"reason": "Again."}).status_code == 302
    request = DelistingRequest.objects.get()
    assert (request.status, request.package_title) == ("open", maintainer.title)
    assert alice_client.post(url, {"reason": ""}).status_code == 400
    assert _kinds(maintainer) == ["claimed", "delisting"]
    staff_client = Client()
    staff_client.force_login(staff)
    queue = staff_client.get("/moderation/delistings/")
    assert "Moved into Django itself." in queue.content.decode()
    assert alice_client.get("/moderation/delistings/").status_code == 403
    resolve = f"/moderation/delistings/{request.pk}/"
    assert alice_client.post(resolve, {"decision": "approve"}).status_code == 403
    assert staff_client.post(resolve, {"decision": "approve"}).status_code == 302
    assert not Package.objects.filter(pk=maintainer.pk).exists()
    request.refresh_from_db()
    assert (request.status, request.resolved_by) == ("approved", staff)
    assert EditRecord.objects.filter(object_id=maintainer.pk, action="delete").exists()


@pytest.mark.django_db(transaction=True)
def test_it_enqueues_a_refresh_under_the_rate_limit(
    maintainer: Package, alice_client: Client
) -> None:
    url = f"/packages/{maintainer.slug}/maintainers/refresh/"
    assert "on its way" in alice_client.post(url, follow=True).content.decode()
    assert "a moment ago" in alice_client.post(url, follow=True).content.decode()
    queued = DBTaskResult.objects.filter(task_path=fetch_package.module_path)
    assert [task.args_kwargs["args"] for task in queued] == [[maintainer.pk]]
    assert _kinds(maintainer) == ["claimed", "refreshed"]


def test_it_lapses_the_claim_when_github_no_longer_grants_the_rights(
    maintainer: Package, alice_client: Client, github: HTTPServer
) -> None:
    github.clear()
    grant(github, admin=False, maintain=False)
    url = f"/packages/{maintainer.slug}/maintainers/finished/"
    response = alice_client.post(url, {"on": "on"})
    assert response.status_code == 403
    assert "lapsed" in response.content.decode()
    assert Package.objects.get(pk=maintainer.pk).finished is False
    assert MaintainerClaim.objects.get().status == "lapsed"
    assert _kinds(maintainer) == ["claimed", "lapsed"]
    page = Client().get(maintainer.get_absolute_url()).content.decode()
    assert "Verified maintainer" not in page


def test_it_changes_nothing_while_github_cannot_answer(
    maintainer: Package, alice_client: Client, github: HTTPServer
) -> None:
    github.clear()
    grant(github, status=503)
    url = f"/packages/{maintainer.slug}/maintainers/finished/"
    assert alice_client.post(url, {"on": "on"}).status_code == 503
    assert Package.objects.get(pk=maintainer.pk).finished is False
    assert MaintainerClaim.objects.get().status == "verified"


def test_it_trusts_a_recent_confirmation_without_asking_github(
    maintainer: Package, alice_client: Client, github: HTTPServer, settings: Settings
) -> None:
    settings.MAINTAINER_RECHECK_SECONDS = 3600
    asked = len(github.log)
    url = f"/packages/{maintainer.slug}/maintainers/finished/"
    assert alice_client.post(url, {"on": "on"}).status_code == 302
    assert len(github.log) == asked


def test_it_lets_staff_revoke_a_claim_for_good(
    maintainer: Package, alice_client: Client, staff: User
) -> None:
    claim = MaintainerClaim.objects.get()
    url = f"/packages/{maintainer.slug}/maintainers/{claim.pk}/revoke/"
    assert alice_client.post(url).status_code == 403
    staff_client = Client()
    staff_client.force_login(staff)
    assert staff_client.get(url).status_code == 405
    assert staff_client.post(url).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.ended_by) == ("revoked", staff)
    assert _kinds(maintainer) == ["claimed", "revoked"]
    again = _claim(alice_client, maintainer)
    assert again.status_code == 403
    assert "Staff revoked" in again.content.decode()
    assert MaintainerClaim.objects.get().status == "revoked"


def test_it_reads_the_maintainer_page_in_constant_queries(
    maintainer: Package,
    alice_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    url = f"/packages/{maintainer.slug}/maintainers/"
    # Session, user; package, maintainers, events, open delisting; viewer's claim, GitHub
    # login, open flags.
    with django_assert_num_queries(9):
        assert alice_client.get(url).status_code == 200
    for n in range(5):
        user = make_user(f"maintainer{n}")
        claim = MaintainerClaim.objects.create(
            package=maintainer, user=user, github_login=f"m{n}", permission="admin"
        )
        MaintainerEvent.objects.create(claim=claim, package=maintainer, kind="claimed")
        Flag.objects.create(package=maintainer, user=user, reason="other")
    with django_assert_num_queries(9):
        page = alice_client.get(url).content.decode()
    assert "@m4" in page
    with django_assert_num_queries(4):
        assert Client().get(url).status_code == 200


def test_it_shows_maintainers_on_the_package_page_at_no_extra_query(
    maintainer: Package,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = Client()
    client.get(maintainer.get_absolute_url())  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        client.get(maintainer.get_absolute_url())
    for n in range(3):
        MaintainerClaim.objects.create(
            package=maintainer, user=make_user(), github_login=f"m{n}", permission="maintain"
        )
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(maintainer.get_absolute_url()).content.decode()
    assert "@alice-gh</a> and 3 more" in page


def test_it_reads_the_delisting_queue_in_constant_queries(
    staff: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = Client()
    client.force_login(staff)
    for n in range(3):
        DelistingRequest.objects.create(
            package=make_package(), package_title=f"P{n}", reason=f"Reason {n}"
        )
    # Session, user; count, rows.
    with django_assert_num_queries(4):
        page = client.get("/moderation/delistings/").content.decode()
    assert "Reason 2" in page
