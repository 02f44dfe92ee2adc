"""High-impact edits by newcomers: a change of repository URL or "replaced by" waits for
staff review; other fields of the same edit are saved at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from pytest_django import DjangoAssertNumQueries, Settings

from packagegrid.catalog.models import EditRecord, Package, PendingChange
from packagegrid.catalog.review_services import edits_need_review
from packagegrid.catalog.selectors import history_for
from packagegrid.conftest import make_package, make_user

if TYPE_CHECKING:
    from packagegrid.conftest import TestResponse

pytestmark = pytest.mark.django_db

TRUSTED = 3


@pytest.fixture(autouse=True)
def _setup(settings: Settings) -> None:
    cache.clear()
    settings.TRUSTED_EDITS = TRUSTED


@pytest.fixture
def package() -> Package:
    return make_package(title="Widgets", slug="widgets", repo_url="https://github.com/ex/widgets")


@pytest.fixture
def newcomer(client: Client) -> User:
    person = make_user("newcomer")
    client.force_login(person)
    return person


def _staff(username: str) -> User:
    person = make_user(username)
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    return person


def _form(package: Package, **overrides: Any) -> dict[str, Any]:
    return {
        "repo_url": package.repo_url,
        "title": package.title,
        "category": str(package.category_id),
        "pypi_name": package.pypi_name,
        "documentation_url": package.documentation_url or "",
        "replaced_by": package.replaced_by.slug if package.replaced_by else "",
        "version": str(package.version),
        **overrides,
    }


def _edit(client: Client, package: Package, **overrides: Any) -> TestResponse:
    return client.post(f"/packages/{package.slug}/edit/", _form(package, **overrides))


def test_a_newcomers_repository_change_waits_while_the_title_is_saved(
    client: Client, newcomer: User, package: Package
) -> None:
    response = _edit(
        client, package, title="Widgets!", repo_url="https://github.com/someone-else/widgets"
    )
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.title == "Widgets!"
    assert package.repo_url == "https://github.com/ex/widgets"  # unchanged until reviewed
    change = PendingChange.objects.get()
    assert change.user == newcomer
    assert change.status == PendingChange.Status.OPEN
    assert change.changes == {
        "repo_url": ["https://github.com/ex/widgets", "https://github.com/someone-else/widgets"]
    }
    page = client.get(response["Location"]).content.decode()
    assert "waits for review by staff" in page
    assert "Change pending review." in page


def test_a_newcomer_cannot_deprecate_a_package_at_once(
    client: Client, newcomer: User, package: Package
) -> None:
    successor = make_package(title="Widgets 2", slug="widgets-2")
    _edit(client, package, replaced_by="widgets-2")
    package.refresh_from_db()
    assert package.replaced_by is None
    assert PendingChange.objects.get().changes == {"replaced_by": [None, successor.pk]}
    html = client.get(package.get_absolute_url()).content.decode()
    assert "Deprecated." not in html
    assert "Change pending review." in html


def test_a_held_change_is_checked_like_an_edit(
    client: Client, newcomer: User, package: Package
) -> None:
    make_package(title="Other", slug="other", repo_url="https://github.com/ex/other")
    response = _edit(client, package, repo_url="https://github.com/ex/other")
    assert response.status_code == 200
    assert "already listed" in response.content.decode()
    assert not PendingChange.objects.exists()


def test_unchanged_high_impact_fields_hold_nothing(
    client: Client, newcomer: User, package: Package
) -> None:
    _edit(client, package, title="Renamed")
    assert not PendingChange.objects.exists()
    assert Package.objects.get(pk=package.pk).title == "Renamed"


def test_staff_and_people_with_enough_accepted_edits_are_not_held(
    client: Client, package: Package
) -> None:
    staff = _staff("staffer")
    assert not edits_need_review(staff)
    regular = make_user("regular")
    assert edits_need_review(regular)
    for n in range(TRUSTED):
        EditRecord.objects.create(
            content_type_id=1, object_id=n, user=regular, action=EditRecord.Action.UPDATE
        )
    assert not edits_need_review(regular)
    client.force_login(regular)
    _edit(client, package, repo_url="https://github.com/ex/widgets-moved")
    package.refresh_from_db()
    assert package.repo_url == "https://github.com/ex/widgets-moved"
    assert not PendingChange.objects.exists()


def _review(client: Client, change: PendingChange, decision: str) -> TestResponse:
    return client.post(f"/moderation/changes/{change.pk}/", {"decision": decision})


def test_staff_approve_a_held_change_as_the_authors_edit(
    client: Client, newcomer: User, package: Package
) -> None:
    successor = make_package(title="Widgets 2", slug="widgets-2")
    _edit(client, package, replaced_by="widgets-2")
    change = PendingChange.objects.get()
    staff = _staff("moderator")
    client.force_login(staff)
    page = client.get("/moderation/changes/").content.decode()
    assert "Widgets 2" in page  # the replacement by its title, not its id
    assert "newcomer" in page

    response = _review(client, change, "approve")
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.replaced_by == successor
    change.refresh_from_db()
    assert change.status == PendingChange.Status.APPROVED
    assert change.resolved_by == staff
    record = history_for(package).first()
    assert record is not None
    assert record.user == newcomer
    assert record.changes == {"replaced_by": [None, successor.pk]}
    assert "Change pending review." not in client.get(package.get_absolute_url()).content.decode()


def test_staff_reject_a_held_change_and_nothing_changes(
    client: Client, newcomer: User, package: Package
) -> None:
    _edit(client, package, repo_url="https://github.com/someone-else/widgets")
    change = PendingChange.objects.get()
    client.force_login(_staff("moderator"))
    _review(client, change, "reject")
    package.refresh_from_db()
    assert package.repo_url == "https://github.com/ex/widgets"
    change.refresh_from_db()
    assert change.status == PendingChange.Status.REJECTED
    # A second decision changes nothing and says why.
    response = _review(client, change, "approve")
    assert "already reviewed" in client.get(response["Location"]).content.decode()
    package.refresh_from_db()
    assert package.repo_url == "https://github.com/ex/widgets"


def test_approval_refuses_a_change_overtaken_by_a_newer_edit(
    client: Client, newcomer: User, package: Package
) -> None:
    _edit(client, package, repo_url="https://github.com/someone-else/widgets")
    change = PendingChange.objects.get()
    Package.objects.filter(pk=package.pk).update(repo_url="https://github.com/ex/widgets-new")
    client.force_login(_staff("moderator"))
    response = _review(client, change, "approve")
    assert "changed since this was proposed" in client.get(response["Location"]).content.decode()
    package.refresh_from_db()
    assert package.repo_url == "https://github.com/ex/widgets-new"
    change.refresh_from_db()
    assert change.status == PendingChange.Status.OPEN  # still to be rejected


@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_only_staff_review(client: Client, newcomer: User, package: Package, who: str) -> None:
    _edit(client, package, repo_url="https://github.com/someone-else/widgets")
    change = PendingChange.objects.get()
    client.logout()
    if who == "user":
        client.force_login(make_user("someone"))
    assert _review(client, change, "approve").status_code in {302, 403}
    assert client.get("/moderation/changes/").status_code in {302, 403}
    change.refresh_from_db()
    assert change.status == PendingChange.Status.OPEN
    assert Package.objects.get(pk=package.pk).repo_url == "https://github.com/ex/widgets"


def test_the_review_page_takes_a_constant_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client.force_login(_staff("moderator"))
    successor = make_package(title="Successor", slug="successor")
    for n in range(5):
        package = make_package(slug=f"pkg-{n}")
        PendingChange.objects.create(
            package=package,
            user=make_user(f"author{n}"),
            changes={"replaced_by": [None, successor.pk], "repo_url": ["a", "b"]},
        )
    # session, user, count, changes with package and author, replacement titles
    with django_assert_num_queries(5):
        assert client.get("/moderation/changes/").status_code == 200
