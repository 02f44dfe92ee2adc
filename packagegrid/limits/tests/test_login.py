"""Login throttling: per account and per address, the site's login and the admin's alike,
counted in the database cache the site uses without Redis."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from pytest_django import Settings

from packagegrid.conftest import PASSWORD
from packagegrid.limits.login import ACCOUNT_ATTEMPTS, ADDRESS_ATTEMPTS, REFUSED_MESSAGE

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.66"
OWNER = "203.0.113.10"


@pytest.fixture(autouse=True)
def _shared_store(db_limits: None) -> None:
    """The counters in the database cache, as deployed without Redis (the password hash is
    the fast one of every test, see packagegrid/conftest.py)."""


def _site_login(login: str, password: str, address: str) -> tuple[int, str]:
    response = Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"login": login, "password": password}
    )
    return response.status_code, response.content.decode()


def _admin_login(username: str, password: str, address: str) -> tuple[int, str]:
    response = Client(REMOTE_ADDR=address).post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )
    return response.status_code, response.content.decode()


def test_it_refuses_the_right_password_after_too_many_wrong_ones_for_the_account(
    alice: User,
) -> None:
    for _ in range(ACCOUNT_ATTEMPTS):
        status, html = _site_login("alice", "wrong", ATTACKER)
        assert status == 200
        assert "not correct" in html
    status, html = _site_login("alice", PASSWORD, ATTACKER)
    assert status == 200
    assert "Too many failed login attempts" in html


def test_it_counts_username_and_e_mail_of_one_account_together(alice: User) -> None:
    for n in range(ACCOUNT_ATTEMPTS):
        _site_login("alice" if n % 2 else "ALICE@example.com", "wrong", ATTACKER)
    _, html = _site_login("alice@example.com", PASSWORD, ATTACKER)
    assert "Too many failed login attempts" in html


def test_an_attackers_address_does_not_lock_out_other_accounts_from_other_addresses(
    alice: User, bob: User
) -> None:
    # One address guesses until it is refused everywhere.
    for n in range(ADDRESS_ATTEMPTS + 5):
        _site_login(f"user{n}", "wrong", ATTACKER)
    _, html = _site_login("bob", PASSWORD, ATTACKER)
    assert "Too many failed login attempts" in html
    # Bob, from his own address, logs in at once.
    status, _ = _site_login("bob", PASSWORD, OWNER)
    assert status == 302


def test_guessing_at_one_account_does_not_lock_out_another(alice: User, bob: User) -> None:
    for _ in range(ACCOUNT_ATTEMPTS + 3):
        _site_login("alice", "wrong", ATTACKER)
    status, _ = _site_login("bob", PASSWORD, OWNER)
    assert status == 302


def test_correct_logins_do_not_use_up_the_allowance(alice: User) -> None:
    for _ in range(ADDRESS_ATTEMPTS + ACCOUNT_ATTEMPTS):
        status, _ = _site_login("alice", PASSWORD, OWNER)
        assert status == 302


def test_a_password_reset_lets_the_owner_in_at_once(alice: User) -> None:
    for _ in range(ACCOUNT_ATTEMPTS + 2):
        _site_login("alice", "wrong", ATTACKER)
    assert "Too many" in _site_login("alice", PASSWORD, OWNER)[1]

    client = Client(REMOTE_ADDR=OWNER)
    client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", str(mail.outbox[-1].body))
    assert link is not None
    form_url = client.get(link.group(0))["Location"]  # allauth moves the key into the session
    new_password = "another-Unusual-passphrase"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302

    status, _ = _site_login("alice", new_password, OWNER)
    assert status == 302


def test_the_admin_login_is_throttled_like_the_sites(staff: User) -> None:
    for _ in range(ACCOUNT_ATTEMPTS):
        status, html = _admin_login("staff", "wrong", ATTACKER)
        assert status == 200
        assert "Please enter the correct username and password" in html
    status, html = _admin_login("staff", PASSWORD, ATTACKER)
    assert status == 200
    assert REFUSED_MESSAGE in html


def test_site_and_admin_count_against_the_same_allowance(staff: User) -> None:
    for n in range(ACCOUNT_ATTEMPTS):
        if n % 2:
            _admin_login("staff", "wrong", ATTACKER)
        else:
            _site_login("staff", "wrong", ATTACKER)
    assert REFUSED_MESSAGE in _admin_login("staff", PASSWORD, OWNER)[1]
    assert "Too many failed login attempts" in _site_login("staff", PASSWORD, OWNER)[1]


def test_the_admin_still_logs_in_staff_with_the_right_password(staff: User) -> None:
    status, _ = _admin_login("staff", "wrong", ATTACKER)
    assert status == 200
    status, _ = _admin_login("staff", PASSWORD, OWNER)
    assert status == 302


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(
    settings: Settings, alice: User, bob: User
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    def via_proxy(login: str, password: str, forwarded: str) -> int:
        response = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded).post(
            "/accounts/login/", {"login": login, "password": password}
        )
        return response.status_code

    # The attacker forges a different leading entry on every request: it is ignored.
    for n in range(ADDRESS_ATTEMPTS + 2):
        via_proxy(f"user{n}", "wrong", f"192.0.2.{n}, {ATTACKER}")
    assert via_proxy("bob", PASSWORD, ATTACKER) == 200  # refused
    assert via_proxy("bob", PASSWORD, OWNER) == 302  # everyone else behind the proxy is not
