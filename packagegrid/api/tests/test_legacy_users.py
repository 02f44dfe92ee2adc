"""API v3 users: login required, shape, lookup by GitHub account and query counts."""

from collections.abc import Callable
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.api.tests.conftest import assert_keys_sorted
from packagegrid.api.tests.golden import assert_matches_golden
from packagegrid.conftest import VERSIONS_QUERY, make_package

pytestmark = pytest.mark.django_db

MakePerson = Callable[..., User]


@pytest.mark.parametrize("url", ["/api/v3/users/", "/api/v3/users/alice/?list_packages=1"])
def test_it_sends_anonymous_visitors_to_the_login_page(
    client: Client, make_person: MakePerson, url: str
) -> None:
    make_person("alice")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(url)}"
    assert "alice" not in response.content.decode()


def test_it_serves_a_user_by_github_account(client: Client, make_person: MakePerson) -> None:
    make_person(
        "alice",
        github_account="alice-gh",
        bitbucket_url="https://bitbucket.org/alice",
        gitlab_url="https://gitlab.com/alice",
    )
    # Someone else logs in: logging in rewrites the account's own last_login.
    client.force_login(make_person("viewer", profile=False))
    response = client.get("/api/v3/users/alice-gh/")
    assert response.status_code == 200
    body = response.json()
    assert body["resource_uri"] == "/api/v3/users/alice-gh/"
    assert body["absolute_url"] == "/profiles/alice-gh/"
    assert body["date_joined"] == "2025-06-07T08:09:10.111Z"
    assert_keys_sorted(body)
    assert_matches_golden(body, "legacy-user-detail")


def test_it_lists_only_people_with_a_github_account(
    client: Client, make_person: MakePerson
) -> None:
    viewer = make_person("viewer", profile=False)
    make_person("alice")
    make_person("nobody", github_account="")
    make_person("bob")
    client.force_login(viewer)
    body = client.get("/api/v3/users/").json()
    assert [u["github_account"] for u in body["objects"]] == ["alice", "bob"]
    assert body["meta"]["total_count"] == 2
    assert all(u["created"] == "2026-01-02T03:04:05.678Z" for u in body["objects"])
    assert all(u["last_login"] == "2025-06-07T08:09:10.111Z" for u in body["objects"])
    assert_keys_sorted(body)


def test_it_serves_the_oldest_profile_of_a_shared_github_account(
    client: Client, make_person: MakePerson
) -> None:
    make_person("first", github_account="shared")
    second = make_person("second", github_account="shared")
    client.force_login(second)
    response = client.get("/api/v3/users/shared/")
    assert response.status_code == 200
    assert response.json()["username"] == "first"


def test_it_answers_an_unknown_account_with_404_json(
    client: Client, make_person: MakePerson
) -> None:
    client.force_login(make_person("alice"))
    response = client.get("/api/v3/users/nobody-here/")
    assert response.status_code == 404
    assert response.json() == {
        "error": 404,
        "message": "No user with GitHub account 'nobody-here'.",
    }


@pytest.mark.parametrize("count", [1, 30])
def test_it_lists_users_in_two_queries_after_login(
    client: Client,
    make_person: MakePerson,
    django_assert_num_queries: DjangoAssertNumQueries,
    count: int,
) -> None:
    for i in range(count):
        make_person(f"person-{i}")
    client.force_login(User.objects.earliest("pk"))
    # session, user (login), then count, page
    with django_assert_num_queries(VERSIONS_QUERY + 4):
        body = client.get("/api/v3/users/", {"limit": 30}).json()
    assert len(body["objects"]) == count


def test_it_serves_a_user_in_one_query_after_login(
    client: Client, make_person: MakePerson, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client.force_login(make_person("alice"))
    # session, user (login), then the profile
    with django_assert_num_queries(VERSIONS_QUERY + 3):
        assert client.get("/api/v3/users/alice/").status_code == 200


def test_it_lists_a_users_packages_on_request(client: Client, make_person: MakePerson) -> None:
    client.force_login(make_person("alice"))
    make_package(slug="zeta", title="zeta", repo={"participants": ["Alice", "bob"]})
    make_package(slug="alpha", title="alpha", repo={"participants": ["alice"]})
    make_package(slug="not-hers", repo={"participants": ["alice2", "xalice", "bob"]})
    plain = client.get("/api/v3/users/alice/").json()
    assert "packages" not in plain
    for flag in ("1", "true", "0"):  # any non-empty value, as upstream read it
        body = client.get("/api/v3/users/alice/", {"list_packages": flag}).json()
        assert body["packages"] == ["/api/v3/packages/alpha/", "/api/v3/packages/zeta/"]
        assert_keys_sorted(body)
        assert {k: v for k, v in body.items() if k != "packages"} == plain
    assert "packages" not in client.get("/api/v3/users/alice/", {"list_packages": ""}).json()


def test_it_lists_a_users_packages_in_one_more_query(
    client: Client, make_person: MakePerson, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client.force_login(make_person("alice"))
    for _ in range(5):
        make_package()
    # session, user (login), the profile, then the packages
    with django_assert_num_queries(VERSIONS_QUERY + 4):
        body = client.get("/api/v3/users/alice/", {"list_packages": "1"}).json()
    assert len(body["packages"]) == 5


def test_it_lists_everyones_packages_on_request_in_one_more_query(
    client: Client, make_person: MakePerson, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client.force_login(make_person("alice"))
    make_person("bob")
    make_person("carol")
    make_package(slug="b", title="b", repo={"participants": ["alice", "BOB"]})
    make_package(slug="a", title="a", repo={"participants": ["bob"]})
    # session, user (login), count, page, the packages
    with django_assert_num_queries(VERSIONS_QUERY + 5):
        body = client.get("/api/v3/users/", {"list_packages": "1"}).json()
    packages = {u["github_account"]: u["packages"] for u in body["objects"]}
    assert packages == {
        "alice": ["/api/v3/packages/b/"],
        "bob": ["/api/v3/packages/a/", "/api/v3/packages/b/"],
        "carol": [],
    }
    assert_keys_sorted(body)
    assert all("packages" not in u for u in client.get("/api/v3/users/").json()["objects"])
