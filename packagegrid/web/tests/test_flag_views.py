"""Flagging a package at /packages/<slug>/flag/."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from packagegrid.catalog.models import Flag, Package
from packagegrid.conftest import make_package, make_user
from packagegrid.web.community_views import FLAGS_PER_HOUR

pytestmark = pytest.mark.django_db

VALID = {"reason": "deprecated", "message": "Replaced by django-newer."}


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def package() -> Package:
    return make_package(title="Widgets", slug="widgets")


def test_it_is_linked_from_the_package_page(client: Client, package: Package) -> None:
    assert 'href="/packages/widgets/flag/"' in client.get("/packages/p/widgets/").content.decode()


def test_it_asks_anonymous_people_to_log_in(client: Client, package: Package) -> None:
    response = client.get("/packages/widgets/flag/")
    assert response["Location"] == "/accounts/login/?next=/packages/widgets/flag/"
    client.post("/packages/widgets/flag/", VALID)
    assert not Flag.objects.exists()


def test_it_shows_the_form(client: Client, package: Package, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/packages/widgets/flag/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Flag a problem</h1>" in html
    assert "<legend>What is wrong?</legend>" in html
    assert "Deprecated or unmaintained" in html
    assert not Flag.objects.exists()


def test_it_files_the_flag_and_thanks_the_person(
    client: Client, package: Package, alice: User
) -> None:
    client.force_login(alice)
    response = client.post("/packages/widgets/flag/", VALID, follow=True)
    assert response.redirect_chain == [("/packages/p/widgets/", 302)]
    assert "Staff will review your report." in response.content.decode()
    flag = Flag.objects.get()
    assert (flag.package, flag.user, flag.reason, flag.status) == (
        package,
        alice,
        "deprecated",
        "open",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "", "message": "x"}, "This field is required."),
        ({"reason": "bogus", "message": "x"}, "Select a valid choice."),
        ({"reason": "spam", "message": "   "}, "This field is required."),
        ({"reason": "spam", "message": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_it_shows_an_error_for_bad_input_and_changes_nothing(
    client: Client, package: Package, alice: User, data: dict[str, str], message: str
) -> None:
    client.force_login(alice)
    response = client.post("/packages/widgets/flag/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Flag.objects.exists()


def test_it_refuses_a_repeated_flag(client: Client, package: Package, alice: User) -> None:
    client.force_login(alice)
    client.post("/packages/widgets/flag/", VALID)
    response = client.post("/packages/widgets/flag/", VALID)
    assert response.status_code == 400
    assert "You have already flagged this package for this reason." in response.content.decode()
    assert Flag.objects.count() == 1


def test_it_escapes_the_message(client: Client, package: Package, alice: User) -> None:
    client.force_login(alice)
    client.post("/packages/widgets/flag/", {"reason": "other", "message": "<script>x</script>"})
    staff = make_user("staff")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    html = client.get("/moderation/flags/").content.decode()
    assert "<script>x" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_it_requires_a_csrf_token(package: Package, alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/packages/widgets/flag/", VALID).status_code == 403
    assert not Flag.objects.exists()


def test_it_is_404_for_an_unknown_package(client: Client, alice: User) -> None:
    client.force_login(alice)
    assert client.get("/packages/nope/flag/").status_code == 404


def test_it_is_rate_limited(client: Client, package: Package, alice: User) -> None:
    client.force_login(alice)
    reasons = ["spam", "other", "wrong_data", "deprecated"]
    for index in range(FLAGS_PER_HOUR):
        client.post("/packages/widgets/flag/", {"reason": reasons[index % 4], "message": "x"})
    response = client.post("/packages/widgets/flag/", VALID)
    assert response.status_code == 429
