"""The profile page: /profiles/<github account or username>/."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries, Settings

from packagegrid.accounts.models import Profile
from packagegrid.catalog.models import Favorite, Usage
from packagegrid.conftest import add_to_grid, make_grid, make_package, make_user

pytestmark = pytest.mark.django_db

ANONYMOUS_QUERIES = 6  # the person, contributed, used, favorites, added, grids made
OWNER_QUERIES = 8  # the same plus the session and the logged-in user


def _person(username: str, **profile: Any) -> User:
    user = make_user(username)
    if profile is not None:
        Profile.objects.create(user=user, **profile)
    return user


def test_it_shows_contributed_used_and_shared_favorite_packages(client: Client) -> None:
    alice = _person("alice", github_account="alice-gh", share_favorites=True)
    make_package(title="Built by Alice", repo={"participants": ["bob", "alice-gh"]})
    make_package(title="Not hers", repo={"participants": ["alice"]})
    used, liked = make_package(title="Used by Alice"), make_package(title="Liked by Alice")
    Usage.objects.create(package=used, user=alice)
    Favorite.objects.create(package=liked, user=alice)
    response = client.get("/profiles/alice-gh/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>alice-gh</h1>" in html
    assert "Built by Alice" in html
    assert "Not hers" not in html
    assert "Used by Alice" in html
    assert "Liked by Alice" in html
    assert 'href="https://github.com/alice-gh"' in html


def test_it_hides_favorites_unless_shared(client: Client) -> None:
    alice = _person("alice", github_account="alice", share_favorites=False)
    Favorite.objects.create(
        package=make_package(title="Secret favorite", repo={"participants": []}), user=alice
    )
    html = client.get("/profiles/alice/").content.decode()
    assert "Secret favorite" not in html
    assert "Favorites" not in html


def test_it_shows_unshared_favorites_to_their_owner_only(client: Client) -> None:
    alice = _person("alice", github_account="alice")
    Favorite.objects.create(
        package=make_package(title="Secret favorite", repo={"participants": []}), user=alice
    )
    client.force_login(make_user("bob"))
    assert "Secret favorite" not in client.get("/profiles/alice/").content.decode()
    client.force_login(alice)
    html = client.get("/profiles/alice/").content.decode()
    assert "Secret favorite" in html
    assert "Only you can see your favorites." in html
    assert 'href="/profiles/edit/"' in html


def test_it_finds_a_person_by_username_without_a_github_account(client: Client) -> None:
    _person("carol", github_account="")
    html = client.get("/profiles/carol/").content.decode()
    assert "<h1>carol</h1>" in html
    assert "No GitHub account given" in html


def test_it_shows_a_person_who_never_had_a_profile(client: Client) -> None:
    make_user("dave")
    assert client.get("/profiles/dave/").status_code == 200


def test_it_prefers_a_github_account_to_a_username(client: Client) -> None:
    _person("alice", github_account="")
    _person("bob", github_account="alice")
    html = client.get("/profiles/alice/").content.decode()
    assert "<h1>alice</h1>" in html
    assert 'href="https://github.com/alice"' in html  # bob's profile, which names GitHub


def test_it_serves_the_oldest_profile_of_a_shared_github_account(client: Client) -> None:
    first = _person("first", github_account="shared")
    _person("second", github_account="shared")
    Usage.objects.create(package=make_package(title="First uses it"), user=first)
    assert "First uses it" in client.get("/profiles/shared/").content.decode()


def test_it_links_only_web_addresses(client: Client) -> None:
    _person("eve", gitlab_url="javascript:alert(1)", bitbucket_url="https://bitbucket.org/eve/")
    html = client.get("/profiles/eve/").content.decode()
    assert "javascript:" not in html
    assert 'href="https://bitbucket.org/eve/"' in html


def test_it_escapes_what_people_typed(client: Client) -> None:
    _person("mallory", github_account='<b>"x"')
    response = client.get("/profiles/%3Cb%3E%22x%22/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<b>" not in html
    assert "<h1>&lt;b&gt;&quot;x&quot;</h1>" in html


@pytest.mark.parametrize("path", ["/profiles/nobody/"])
def test_it_is_404_for_an_unknown_account(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_it_is_404_for_an_inactive_person(client: Client) -> None:
    make_user("gone", is_active=False)
    assert client.get("/profiles/gone/").status_code == 404


def test_it_refuses_post(client: Client) -> None:
    _person("alice", github_account="alice")
    assert client.post("/profiles/alice/").status_code == 405


def _fill(person: User, count: int) -> None:
    Profile.objects.filter(user=person).update(share_favorites=True)
    for index in range(count):
        package = make_package(repo={"participants": ["alice", f"other{index}"]})
        Usage.objects.create(package=package, user=person)
        Favorite.objects.create(package=package, user=person)
        Usage.objects.create(package=package, user=make_user())
        make_package(created_by=person, repo={"participants": []})
        add_to_grid(make_grid(created_by=person), package)


@pytest.mark.parametrize("count", [2, 20])
def test_it_takes_a_constant_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    alice = _person("alice", github_account="alice")
    _fill(alice, count)
    with django_assert_num_queries(ANONYMOUS_QUERIES):
        response = client.get("/profiles/alice/")
    assert response.content.decode().count('class="package-title"') == 4 * count


@pytest.mark.parametrize("count", [2, 20])
def test_it_takes_a_constant_number_of_queries_for_the_owner(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    alice = _person("alice", github_account="alice")
    _fill(alice, count)
    client.force_login(alice)
    with django_assert_num_queries(OWNER_QUERIES):
        assert client.get("/profiles/alice/").status_code == 200


def test_it_caps_each_list(
    client: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packagegrid.accounts import selectors

    monkeypatch.setattr(selectors, "PROFILE_LIST_SIZE", 3)
    alice = _person("alice", github_account="alice")
    _fill(alice, 4)
    html = client.get("/profiles/alice/").content.decode()
    assert "Showing the first 3, by title." in html


def test_it_redirects_my_profile_to_the_canonical_page(client: Client) -> None:
    alice = _person("alice", github_account="alice-gh")
    client.force_login(alice)
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/profiles/alice-gh/"
    client.force_login(make_user("nogithub"))
    assert client.get("/accounts/profile/")["Location"] == "/profiles/nogithub/"


def test_it_asks_anonymous_people_to_log_in_for_my_profile(client: Client) -> None:
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_it_lists_the_packages_a_person_added_and_the_grids_they_made(client: Client) -> None:
    alice = _person("alice")
    bob = _person("bob")
    mine = make_package(title="Added by Alice", created_by=alice)
    make_package(title="Added by Bob", created_by=bob)
    grid = make_grid(title="Alice's grid", created_by=alice)
    add_to_grid(grid, mine)
    make_grid(title="Bob's grid", created_by=bob)

    html = client.get("/profiles/alice/").content.decode()
    assert "Added by Alice" in html
    assert "Added by Bob" not in html
    assert f'<a href="{grid.get_absolute_url()}">Alice&#x27;s grid</a>' in html
    assert "1 package<" in html
    assert "Bob&#x27;s grid" not in html

    html = client.get("/profiles/bob/").content.decode()
    assert "Has not made a grid yet." not in html
    nobody = _person("carol")
    html = client.get(f"/profiles/{nobody.username}/").content.decode()
    assert "Has not added a package yet." in html
    assert "Has not made a grid yet." in html
