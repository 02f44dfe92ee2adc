"""The staff's queue of open flags, and approving or rejecting a flag."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries, Settings

from packagegrid.catalog.models import Flag, Package
from packagegrid.conftest import make_package, make_user

pytestmark = pytest.mark.django_db

QUEUE_QUERIES = 4  # session, user, count, the page of flags


@pytest.fixture
def package() -> Package:
    return make_package(title="Widgets", slug="widgets")


def _flag(
    package: Package, user: User, reason: str = "deprecated", message: str = "Use django-newer."
) -> Flag:
    return Flag.objects.create(package=package, user=user, reason=reason, message=message)


# The queue


def test_it_shows_staff_the_open_flags_oldest_first(
    client: Client, staff: User, package: Package, alice: User
) -> None:
    first = _flag(package, alice, "spam", "First report")
    second = _flag(make_package(title="Gadgets"), alice, "other", "Second report")
    _flag(package, alice, "wrong_data", "Resolved report")
    Flag.objects.filter(reason="wrong_data").update(status="rejected")
    client.force_login(staff)
    response = client.get("/moderation/flags/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("First report") < html.index("Second report")
    assert "Resolved report" not in html
    assert f'action="/moderation/flags/{first.pk}/"' in html
    assert f'action="/moderation/flags/{second.pk}/"' in html
    assert '<a href="/profiles/alice/">alice</a>' in html


def test_it_explains_that_approving_changes_no_package(
    client: Client, staff: User, package: Package, alice: User
) -> None:
    _flag(package, alice)
    client.force_login(staff)
    html = client.get("/moderation/flags/").content.decode()
    assert "it does not change the package" in html
    assert "Approving does not mark the package deprecated" in html
    assert 'href="/packages/widgets/edit/"' in html


def test_it_says_when_the_queue_is_empty(client: Client, staff: User) -> None:
    client.force_login(staff)
    assert "No open flags." in client.get("/moderation/flags/").content.decode()


def test_it_shows_the_queue_to_staff_only(client: Client, alice: User) -> None:
    assert client.get("/moderation/flags/")["Location"] == (
        "/accounts/login/?next=/moderation/flags/"
    )
    client.force_login(alice)
    assert client.get("/moderation/flags/").status_code == 403


@pytest.mark.parametrize("count", [2, 30])
def test_it_takes_a_constant_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, staff: User, count: int
) -> None:
    for index in range(count):
        _flag(make_package(), make_user(), message=f"report {index}")
    client.force_login(staff)
    with django_assert_num_queries(QUEUE_QUERIES):
        assert client.get("/moderation/flags/").status_code == 200


def test_it_paginates_the_queue(
    client: Client, staff: User, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packagegrid.catalog import moderation_selectors

    monkeypatch.setattr(moderation_selectors, "OPEN_FLAGS_PER_PAGE", 2)
    user = make_user()
    for index in range(3):
        _flag(make_package(), user, message=f"report {index}")
    client.force_login(staff)
    html = client.get("/moderation/flags/?page=2").content.decode()
    assert "report 2" in html
    assert "report 0" not in html
    assert client.get("/moderation/flags/?page=zzz").status_code == 200


# Approving and rejecting


@pytest.mark.parametrize(("decision", "status"), [("approve", "approved"), ("reject", "rejected")])
def test_it_lets_staff_resolve_a_flag(
    client: Client, staff: User, package: Package, alice: User, decision: str, status: str
) -> None:
    flag = _flag(package, alice)
    client.force_login(staff)
    response = client.post(f"/moderation/flags/{flag.pk}/", {"decision": decision}, follow=True)
    assert response.redirect_chain == [("/moderation/flags/", 302)]
    assert f"Flag on Widgets {status}." in response.content.decode()
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_by) == (status, staff)
    assert flag.resolved_at is not None
    package.refresh_from_db()
    assert package.replaced_by is None  # approving changes the flag, never the package


def test_it_keeps_the_first_decision(
    client: Client, staff: User, package: Package, alice: User
) -> None:
    flag = _flag(package, alice)
    client.force_login(staff)
    client.post(f"/moderation/flags/{flag.pk}/", {"decision": "approve"})
    response = client.post(f"/moderation/flags/{flag.pk}/", {"decision": "reject"}, follow=True)
    assert "This flag was already resolved." in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == "approved"


def test_it_lets_only_staff_resolve(client: Client, package: Package, alice: User) -> None:
    flag = _flag(package, alice)
    response = client.post(f"/moderation/flags/{flag.pk}/", {"decision": "approve"})
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(alice)
    assert client.post(f"/moderation/flags/{flag.pk}/", {"decision": "approve"}).status_code == 403
    flag.refresh_from_db()
    assert flag.status == "open"


def test_it_resolves_only_on_post(
    client: Client, staff: User, package: Package, alice: User
) -> None:
    flag = _flag(package, alice)
    client.force_login(staff)
    assert client.get(f"/moderation/flags/{flag.pk}/?decision=approve").status_code == 405
    flag.refresh_from_db()
    assert flag.status == "open"


def test_it_requires_a_csrf_token_to_resolve(staff: User, package: Package, alice: User) -> None:
    flag = _flag(package, alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post(f"/moderation/flags/{flag.pk}/", {"decision": "approve"}).status_code == 403
    flag.refresh_from_db()
    assert flag.status == "open"


@pytest.mark.parametrize("data", [{}, {"decision": "delete"}])
def test_it_changes_nothing_for_a_bad_decision(
    client: Client, staff: User, package: Package, alice: User, data: dict[str, str]
) -> None:
    flag = _flag(package, alice)
    client.force_login(staff)
    assert client.post(f"/moderation/flags/{flag.pk}/", data).status_code == 400
    flag.refresh_from_db()
    assert flag.status == "open"


def test_it_is_404_for_an_unknown_flag(client: Client, staff: User) -> None:
    client.force_login(staff)
    assert client.post("/moderation/flags/999/", {"decision": "approve"}).status_code == 404


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example"])
def test_it_never_redirects_off_site_after_resolving(
    client: Client, staff: User, package: Package, alice: User, target: str
) -> None:
    flag = _flag(package, alice)
    client.force_login(staff)
    response = client.post(f"/moderation/flags/{flag.pk}/", {"decision": "reject", "next": target})
    assert response["Location"] == "/moderation/flags/"
