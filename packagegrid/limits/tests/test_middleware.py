"""Rate limits on allauth's account pages, counted in the shared store."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shared_store(db_limits: None) -> None:
    """The counters in the database cache, as deployed without Redis (the password hash is
    the fast one of every test, see packagegrid/conftest.py)."""


def _signup(client: Client, n: int) -> int:
    return client.post(
        "/accounts/signup/",
        {
            "email": f"user{n}@example.com",
            "username": f"user{n}",
            "password1": "a-long-Unusual-passphrase",
            "password2": "a-long-Unusual-passphrase",
        },
    ).status_code


def test_it_allows_twenty_sign_ups_a_minute_per_address() -> None:
    statuses = [_signup(Client(REMOTE_ADDR="198.51.100.1"), n) for n in range(22)]
    assert statuses[:20] == [302] * 20
    assert statuses[20:] == [429, 429]
    # Another address is not affected.
    assert _signup(Client(REMOTE_ADDR="198.51.100.2"), 99) == 302


def test_it_does_not_count_get_requests() -> None:
    client = Client(REMOTE_ADDR="198.51.100.3")
    assert all(client.get("/accounts/signup/").status_code == 200 for _ in range(25))


def test_the_429_says_to_wait() -> None:
    client = Client(REMOTE_ADDR="198.51.100.4")
    for n in range(20):
        _signup(client, n)
    client.logout()
    response = client.post("/accounts/signup/", {"email": "x@example.com"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "please wait" in response.content.decode()
