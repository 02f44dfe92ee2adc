"""Editing one's own profile at /profiles/edit/."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from packagegrid.accounts.models import Profile
from packagegrid.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _alice_has_a_profile(request: pytest.FixtureRequest) -> None:
    """In the tests where alice acts, she starts with a profile naming her old GitHub
    account."""
    if "alice" in request.fixturenames:
        Profile.objects.create(user=request.getfixturevalue("alice"), github_account="old-name")


VALID = {
    "github_account": "alice-gh",
    "bitbucket_url": "https://bitbucket.org/alice/",
    "gitlab_url": "http://gitlab.example.com/alice",
    "share_favorites": "on",
}


def test_it_asks_anonymous_people_to_log_in(client: Client) -> None:
    response = client.get("/profiles/edit/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/profiles/edit/"
    response = client.post("/profiles/edit/", VALID)
    assert response["Location"].startswith("/accounts/login/")
    assert not Profile.objects.exists()


def test_it_shows_the_form_with_the_current_values(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/profiles/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="old-name"' in html
    assert '<label for="id_github_account">GitHub account</label>' in html


def test_it_saves_the_profile_and_shows_it(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.post("/profiles/edit/", VALID)
    assert response.status_code == 302
    assert response["Location"] == "/profiles/alice-gh/"
    profile = Profile.objects.get(user=alice)
    assert profile.github_account == "alice-gh"
    assert profile.bitbucket_url == "https://bitbucket.org/alice/"
    assert profile.gitlab_url == "http://gitlab.example.com/alice"
    assert profile.share_favorites is True


def test_it_creates_the_profile_of_someone_who_had_none(client: Client) -> None:
    bob = make_user("bob")
    client.force_login(bob)
    assert client.get("/profiles/edit/").status_code == 200
    assert not Profile.objects.exists()  # GET changes nothing
    client.post("/profiles/edit/", {**VALID, "github_account": ""})
    assert Profile.objects.get(user=bob).github_account == ""


def test_it_accepts_an_at_sign_and_blanks(client: Client, alice: User) -> None:
    client.force_login(alice)
    client.post("/profiles/edit/", {"github_account": " @Alice-GH ", "gitlab_url": ""})
    profile = Profile.objects.get(user=alice)
    assert profile.github_account == "Alice-GH"
    assert profile.gitlab_url == ""
    assert profile.share_favorites is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("github_account", "-alice", "does not start or end with a hyphen"),
        ("github_account", "alice-", "does not start or end with a hyphen"),
        ("github_account", "al--ice", "single hyphens"),
        ("github_account", "al_ice", "letters, digits"),
        ("github_account", "a" * 40, "at most 39 characters"),
        ("github_account", "<script>", "letters, digits"),
        ("bitbucket_url", "javascript:alert(1)", "Enter a web address (http or https)."),
        ("gitlab_url", "ftp://gitlab.com/alice", "Enter a web address (http or https)."),
        ("gitlab_url", "gitlab.com/alice", "Enter a web address (http or https)."),
        ("gitlab_url", "https://gitlab.com/" + "a" * 100, "at most 100 characters"),
    ],
)
def test_it_rejects_bad_input_and_changes_nothing(
    client: Client, alice: User, field: str, value: str, message: str
) -> None:
    client.force_login(alice)
    response = client.post("/profiles/edit/", {**VALID, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    profile = Profile.objects.get(user=alice)
    assert (profile.github_account, profile.share_favorites) == ("old-name", False)


def test_it_refuses_a_github_account_someone_else_uses(client: Client, alice: User) -> None:
    carol = make_user("carol")
    Profile.objects.create(user=carol, github_account="Carol-GH")
    client.force_login(alice)
    for taken in ["carol-gh", "carol"]:  # another profile's account, another username
        response = client.post("/profiles/edit/", {**VALID, "github_account": taken})
        assert response.status_code == 400
        assert "Another member already uses this name." in response.content.decode()
    assert Profile.objects.get(user=alice).github_account == "old-name"


def test_it_allows_ones_own_username_and_account(client: Client, alice: User) -> None:
    client.force_login(alice)
    assert client.post("/profiles/edit/", {**VALID, "github_account": "alice"}).status_code == 302
    assert client.post("/profiles/edit/", {**VALID, "github_account": "alice"}).status_code == 302


def test_it_requires_a_csrf_token(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/profiles/edit/", VALID).status_code == 403
    assert Profile.objects.get(user=alice).github_account == "old-name"


def test_it_edits_only_ones_own_profile(client: Client, alice: User) -> None:
    mallory = make_user("mallory")
    client.force_login(mallory)
    client.post("/profiles/edit/", {**VALID, "github_account": "mallory", "user": alice.pk})
    assert Profile.objects.get(user=alice).github_account == "old-name"
    assert Profile.objects.get(user=mallory).github_account == "mallory"
