"""Finding the packages a GitHub account contributes to, on SQLite and PostgreSQL alike."""

import pytest

from packagegrid.accounts.selectors import packages_with_participant
from packagegrid.conftest import make_package

pytestmark = pytest.mark.django_db


def _titles(login: str) -> list[str]:
    return sorted(packages_with_participant(login=login).values_list("title", flat=True))


def test_it_finds_packages_listing_the_login_anywhere_in_their_participants() -> None:
    make_package(title="first", repo={"participants": ["alice", "bob"]})
    make_package(title="last", repo={"participants": ["carol", "alice"]})
    make_package(title="none", repo={"participants": ["bob"]})
    assert _titles("alice") == ["first", "last"]


def test_it_matches_whole_logins_only() -> None:
    make_package(title="longer", repo={"participants": ["alice-smith", "malice", "alice2"]})
    make_package(title="exact", repo={"participants": ["alice"]})
    assert _titles("alice") == ["exact"]
    assert _titles("lic") == []


def test_it_matches_case_sensitively_on_every_database() -> None:
    make_package(title="upper", repo={"participants": ["Alice"]})
    assert _titles("alice") == []
    assert _titles("Alice") == ["upper"]


def test_it_treats_like_wildcards_and_quotes_as_text() -> None:
    make_package(title="plain", repo={"participants": ["a_b", "x%y"]})
    assert _titles("a_b") == ["plain"]
    assert _titles("a%b") == []
    assert _titles('a"b') == []
    assert _titles("x%y") == ["plain"]


def test_it_skips_packages_never_fetched() -> None:
    make_package(title="unfetched", fetched=False)
    assert _titles("alice") == []
