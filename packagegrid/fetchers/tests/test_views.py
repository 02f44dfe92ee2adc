"""The GitHub webhook and the refresh button: verify, rate-limit, enqueue, never fetch inline."""

import hashlib
import hmac
import json

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from packagegrid.conftest import make_package
from packagegrid.fetchers.services import REFRESH_PER_USER_PER_HOUR
from packagegrid.fetchers.tasks import fetch_package

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "webhook-secret"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _queued() -> list[object]:
    tasks = DBTaskResult.objects.filter(task_path=fetch_package.module_path)
    return [task.args_kwargs["args"] for task in tasks]


def _push(client: Client, payload: object, *, secret: str = SECRET, event: str = "push") -> object:
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        "/packages/github-webhook/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature,
        HTTP_X_GITHUB_EVENT=event,
    )


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
    headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature else {}
    response = client.post(
        "/packages/github-webhook/",
        json.dumps({"repository": {"html_url": "https://github.com/a/b"}}),
        content_type="application/json",
        **headers,
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


def test_refresh_requires_login_and_post(client: Client) -> None:
    package = make_package()
    assert client.post(f"/packages/{package.slug}/refresh/").status_code == 302
    assert _queued() == []
    client.force_login(User.objects.create_user("alice"))
    assert client.get(f"/packages/{package.slug}/refresh/").status_code == 405
    assert _queued() == []


def test_refresh_enqueues_once_per_package_interval(client: Client) -> None:
    package = make_package()
    client.force_login(User.objects.create_user("alice"))
    first = client.post(f"/packages/{package.slug}/refresh/", follow=True)
    assert "is on its way" in first.content.decode()
    second = client.post(f"/packages/{package.slug}/refresh/", follow=True)
    assert "refreshed a moment ago" in second.content.decode()
    assert _queued() == [[package.id]]


def test_refresh_is_limited_per_person(client: Client) -> None:
    packages = [make_package() for _ in range(REFRESH_PER_USER_PER_HOUR + 1)]
    client.force_login(User.objects.create_user("alice"))
    for package in packages:
        client.post(f"/packages/{package.slug}/refresh/")
    assert len(_queued()) == REFRESH_PER_USER_PER_HOUR
