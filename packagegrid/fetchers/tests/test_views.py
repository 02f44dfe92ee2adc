"""The GitHub webhook and the refresh button: verify, rate-limit, enqueue, never fetch inline."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from packagegrid.conftest import make_package, make_user
from packagegrid.fetchers.models import WebhookDelivery
from packagegrid.fetchers.refresh import REFRESH_PER_USER_PER_HOUR
from packagegrid.fetchers.tasks import fetch_package

if TYPE_CHECKING:
    from packagegrid.conftest import TestResponse

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "webhook-secret"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _queued() -> list[object]:
    tasks = DBTaskResult.objects.filter(task_path=fetch_package.module_path)
    return [task.args_kwargs["args"] for task in tasks]


def _push(
    client: Client,
    payload: object,
    *,
    secret: str = SECRET,
    event: str = "push",
    delivery: str | None = None,
    body: bytes | None = None,
) -> TestResponse:
    """POST a signed delivery; each call gets a fresh delivery id unless one is given."""
    body = json.dumps(payload).encode() if body is None else body
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    response: TestResponse = client.post(
        "/packages/github-webhook/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature,
        HTTP_X_GITHUB_EVENT=event,
        HTTP_X_GITHUB_DELIVERY=delivery or str(uuid.uuid4()),
    )
    return response


@override_settings(GITHUB_WEBHOOK_SECRET=SECRET)
def test_the_webhook_enqueues_a_fetch_of_the_pushed_repository(client: Client) -> None:
    package = make_package(repo_url="https://github.com/openwisp/openwisp-users")
    make_package(repo_url="https://github.com/openwisp/openwisp-users-other")
    response = _push(
        client, {"repository": {"html_url": "https://github.com/OpenWISP/openwisp-users"}}
    )
    assert response.status_code == 202
    assert response.json() == {"enqueued": 1}
    assert _queued() == [[package.id]]


@override_settings(GITHUB_WEBHOOK_SECRET=SECRET)
@pytest.mark.parametrize("signature", [None, "sha256=0000", "sha1=abc"])
def test_the_webhook_refuses_a_bad_or_missing_signature(
    client: Client, signature: str | None
) -> None:
    make_package(repo_url="https://github.com/a/b")
    headers = {"X-Hub-Signature-256": signature} if signature else {}
    response = client.post(
        "/packages/github-webhook/",
        json.dumps({"repository": {"html_url": "https://github.com/a/b"}}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403
    assert _queued() == []


def test_the_webhook_refuses_everything_without_a_configured_secret(client: Client) -> None:
    assert _push(client, {"repository": {"html_url": "https://github.com/a/b"}}).status_code == 403


@override_settings(GITHUB_WEBHOOK_SECRET=SECRET)
def test_the_webhook_answers_ping_and_rejects_other_bodies(client: Client) -> None:
    assert _push(client, {"zen": "hi"}, event="ping").status_code == 200
    assert _push(client, {"no": "repository"}).status_code == 400
    assert client.get("/packages/github-webhook/").status_code == 405


@override_settings(GITHUB_WEBHOOK_SECRET=SECRET)
@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        ({"repository": {"html_url": ".*"}}, "not a repository URL"),
        ({"repository": {"html_url": "("}}, "not a repository URL"),
        ({"repository": {"html_url": "https://github.com/.*/.*"}}, "not a repository URL"),
        ({"repository": {"html_url": "https://github.com/../.."}}, "not a repository URL"),
        ({"repository": {"html_url": 42}}, "repository.html_url"),
        ({"repository": {"html_url": ["https://github.com/a/b"]}}, "repository.html_url"),
        ({"repository": {"html_url": None}}, "repository.html_url"),
        ({"repository": "https://github.com/a/b"}, "repository"),
        ({"repository": {}}, "repository.html_url"),
        ({}, "repository"),
        ([], "Expected a repository event"),
        ("https://github.com/a/b", "Expected a repository event"),
    ],
)
def test_the_webhook_answers_400_for_malformed_payloads(
    client: Client, payload: object, detail: str
) -> None:
    make_package(repo_url="https://github.com/a/b")
    for n in range(3):
        make_package(repo_url=f"https://github.com/a/b{n}")
    response = _push(client, payload)
    assert response.status_code == 400
    assert detail in response.json()["detail"]
    assert _queued() == []


@override_settings(GITHUB_WEBHOOK_SECRET=SECRET)
@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe", b""])
def test_the_webhook_answers_400_for_a_body_that_is_not_json(client: Client, body: bytes) -> None:
    response = _push(client, None, body=body)
    assert response.status_code == 400
    assert "Expected a repository event" in response.json()["detail"]


@override_settings(GITHUB_WEBHOOK_SECRET=SECRET)
@pytest.mark.parametrize("delivery", ["", "a" * 101, "id with spaces", "../x"])
def test_the_webhook_needs_a_well_formed_delivery_id(client: Client, delivery: str) -> None:
    make_package(repo_url="https://github.com/a/b")
    body = json.dumps({"repository": {"html_url": "https://github.com/a/b"}}).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-GitHub-Delivery": delivery} if delivery else {}
    response = client.post(
        "/packages/github-webhook/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature,
        headers=headers,
    )
    assert response.status_code == 400
    assert "X-GitHub-Delivery" in response.json()["detail"]
    assert _queued() == []


@override_settings(GITHUB_WEBHOOK_SECRET=SECRET)
def test_the_webhook_refuses_a_replayed_delivery(client: Client) -> None:
    package = make_package(repo_url="https://github.com/a/b")
    payload = {"repository": {"html_url": "https://github.com/a/b"}}
    assert _push(client, payload, delivery="d-1").status_code == 202
    replay = _push(client, payload, delivery="d-1")
    assert replay.status_code == 409
    assert replay.json() == {"detail": "This delivery was already handled."}
    assert _queued() == [[package.id]]
    assert _push(client, payload, delivery="d-2").status_code == 202
    assert _queued() == [[package.id], [package.id]]


@override_settings(GITHUB_WEBHOOK_SECRET=SECRET)
def test_the_webhook_forgets_deliveries_after_a_day(client: Client) -> None:
    make_package(repo_url="https://github.com/a/b")
    payload = {"repository": {"html_url": "https://github.com/a/b"}}
    WebhookDelivery.objects.create(
        delivery_id="old", received_at=timezone.now() - timedelta(hours=24, seconds=1)
    )
    WebhookDelivery.objects.create(
        delivery_id="recent", received_at=timezone.now() - timedelta(hours=23)
    )
    assert _push(client, payload, delivery="recent").status_code == 409
    assert not WebhookDelivery.objects.filter(delivery_id="old").exists()
    assert _push(client, payload, delivery="old").status_code == 202


@override_settings(GITHUB_WEBHOOK_SECRET=SECRET)
def test_the_webhook_enqueues_exactly_the_package_with_the_repository_key(client: Client) -> None:
    package = make_package(repo_url="http://www.github.com/Owner/Repo.git/")
    make_package(repo_url="https://github.com/owner/repo-extra")
    make_package(repo_url="https://github.com/owner/rep")
    make_package(repo_url="https://gitlab.com/owner/repo")
    response = _push(client, {"repository": {"html_url": "https://github.com/owner/REPO"}})
    assert response.json() == {"enqueued": 1}
    assert _queued() == [[package.id]]


@override_settings(GITHUB_WEBHOOK_SECRET=SECRET)
def test_the_webhook_enqueues_nothing_for_an_unlisted_repository(client: Client) -> None:
    make_package(repo_url="https://github.com/a/b")
    response = _push(client, {"repository": {"html_url": "https://github.com/a/c"}})
    assert (response.status_code, response.json()) == (202, {"enqueued": 0})
    assert _queued() == []


def test_refresh_requires_login_and_post(client: Client) -> None:
    package = make_package()
    assert client.post(f"/packages/{package.slug}/refresh/").status_code == 302
    assert _queued() == []
    client.force_login(make_user("alice"))
    assert client.get(f"/packages/{package.slug}/refresh/").status_code == 405
    assert _queued() == []


def test_refresh_enqueues_once_per_package_interval(client: Client) -> None:
    package = make_package()
    client.force_login(make_user("alice"))
    first = client.post(f"/packages/{package.slug}/refresh/", follow=True)
    assert "is on its way" in first.content.decode()
    second = client.post(f"/packages/{package.slug}/refresh/", follow=True)
    assert "refreshed a moment ago" in second.content.decode()
    assert _queued() == [[package.id]]


def test_refresh_is_limited_per_person(client: Client) -> None:
    packages = [make_package() for _ in range(REFRESH_PER_USER_PER_HOUR + 1)]
    client.force_login(make_user("alice"))
    for package in packages:
        client.post(f"/packages/{package.slug}/refresh/")
    assert len(_queued()) == REFRESH_PER_USER_PER_HOUR
