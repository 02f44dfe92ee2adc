"""Rate-limit headers and 429s on API v3, v4 and v5; API keys for a higher limit."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from packagegrid.accounts.api_keys import api_key_create, api_key_revoke
from packagegrid.accounts.models import ApiKey

pytestmark = pytest.mark.django_db
PERIOD = 10**9


@pytest.fixture(autouse=True)
def _small_limits(settings: Any) -> None:
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_LIMIT_KEY = 5
    # A window far longer than the test, so that no window ends while it runs.
    settings.API_RATE_PERIOD = PERIOD


@pytest.mark.parametrize("url", ["/api/v3/", "/api/v4/packages/", "/api/v5/packages/"])
def test_every_api_answer_carries_the_rate_limit_headers(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response["RateLimit-Limit"] == "3"
    assert response["RateLimit-Remaining"] == "2"
    assert 1 <= int(response["RateLimit-Reset"]) <= PERIOD
    assert client.get(url)["RateLimit-Remaining"] == "1"


def test_past_the_limit_it_answers_429_with_retry_after(client: Client) -> None:
    for _ in range(3):
        assert client.get("/api/v5/packages/").status_code == 200
    response = client.get("/api/v4/packages/")  # one limit over every version
    assert response.status_code == 429
    assert response["RateLimit-Remaining"] == "0"
    assert 1 <= int(response["Retry-After"]) <= PERIOD
    assert "throttled" in response.json()["detail"]
    other = client.get("/api/v5/packages/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200  # counted per address


def test_pages_outside_the_api_are_not_counted(client: Client) -> None:
    assert "RateLimit-Limit" not in client.get("/api/")


def test_an_api_key_gets_the_higher_limit_counted_on_its_own(client: Client, alice: User) -> None:
    key = api_key_create(user=alice, name="ci").key
    for _ in range(3):
        client.get("/api/v5/packages/")
    assert client.get("/api/v5/packages/").status_code == 429
    response = client.get("/api/v5/packages/", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert response.status_code == 200
    assert (response["RateLimit-Limit"], response["RateLimit-Remaining"]) == ("5", "4")
    for _ in range(4):
        assert client.get("/api/v5/packages/", HTTP_X_API_KEY=key).status_code == 200
    assert client.get("/api/v5/packages/", HTTP_X_API_KEY=key).status_code == 429


def test_an_unknown_or_revoked_key_is_refused(client: Client, alice: User) -> None:
    made = api_key_create(user=alice, name="old")
    assert api_key_revoke(user=alice, key_id=made.record.id)
    for key in [made.key, "pg_nope", "x" * 500]:
        response = client.get("/api/v5/packages/", HTTP_X_API_KEY=key)
        assert response.status_code == 401
        assert response.json() == {"detail": "Unknown or revoked API key."}


def test_a_key_is_stored_hashed_and_shown_once(alice_client: Client, alice: User) -> None:
    response = alice_client.post("/profiles/api-keys/", {"name": "laptop"})
    assert response.status_code == 200
    record = ApiKey.objects.get(user=alice)
    key = response.context["new_key"]
    assert key.startswith(record.prefix) and key not in record.key_hash
    assert key.encode() in response.content
    page = alice_client.get("/profiles/api-keys/")
    assert key.encode() not in page.content and b"laptop" in page.content


def test_a_person_revokes_only_their_own_keys(alice_client: Client, bob: User) -> None:
    bobs = api_key_create(user=bob, name="bob's").record
    assert alice_client.post(f"/profiles/api-keys/{bobs.id}/revoke/").status_code == 404
    bobs.refresh_from_db()
    assert bobs.revoked is None
    alice_client.post("/profiles/api-keys/", {"name": "mine"})
    mine = ApiKey.objects.get(name="mine")
    response = alice_client.post(f"/profiles/api-keys/{mine.id}/revoke/")
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.revoked is not None


def test_the_key_page_needs_a_login(client: Client) -> None:
    response = client.get("/profiles/api-keys/")
    assert response.status_code == 302
    assert not ApiKey.objects.exists()
