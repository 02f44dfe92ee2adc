"""Subscriptions, turning changes into deliveries, and sending them (to 127.0.0.1)."""

import hashlib
import hmac
import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from packagegrid.conftest import make_package
from packagegrid.grids import services as grid_services
from packagegrid.webhooks.models import Delivery, Event, Subscription
from packagegrid.webhooks.services import (
    delivery_attempt,
    delivery_backoff,
    subscription_decide,
    subscription_request,
    webhooks_dispatch_page,
)
from packagegrid.webhooks.tests.conftest import approved_subscription

pytestmark = pytest.mark.django_db


def test_a_request_waits_for_staff_with_a_fresh_secret(httpserver: HTTPServer) -> None:
    alice = User.objects.create_user("alice")
    first = subscription_request(
        user=alice, url=httpserver.url_for("/hook"), events=[Event.RELEASE_CREATED]
    )
    second = subscription_request(
        user=alice, url=httpserver.url_for("/hook"), events=[Event.GRID_CHANGED]
    )
    assert first.status == Subscription.Status.PENDING
    assert len(first.secret) == 64 and first.secret != second.secret


@pytest.mark.parametrize(
    ("url", "events", "field"),
    [
        ("ftp://127.0.0.1/hook", ["grid.changed"], "url"),
        ("not a url", ["grid.changed"], "url"),
        ("http://127.0.0.1/hook", [], "events"),
        ("http://127.0.0.1/hook", ["package.deleted"], "events"),
    ],
)
def test_a_bad_request_is_refused_with_nothing_saved(
    url: str, events: list[str], field: str
) -> None:
    alice = User.objects.create_user("alice")
    with pytest.raises(ValidationError) as raised:
        subscription_request(user=alice, url=url, events=events)
    assert field in raised.value.message_dict
    assert not Subscription.objects.exists()


def test_a_private_destination_is_refused_unless_allowed(settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    alice = User.objects.create_user("alice")
    with pytest.raises(ValidationError, match="private or local"):
        subscription_request(user=alice, url="http://127.0.0.1/hook", events=["grid.changed"])


# Committed writes: on PostgreSQL the feed lists only ended transactions.
@pytest.mark.django_db(transaction=True)
@pytest.mark.cluster_alone
def test_deliveries_are_made_for_approved_subscriptions_and_matching_events_only() -> None:
    grid_hook = approved_subscription("http://127.0.0.1:9/grid", [Event.GRID_CHANGED])
    new_hook = approved_subscription("http://127.0.0.1:9/new", [Event.PACKAGE_CREATED])
    pending = approved_subscription("http://127.0.0.1:9/pending", [Event.GRID_CHANGED])
    Subscription.objects.filter(pk=pending.pk).update(status=Subscription.Status.PENDING)
    # Changes from before the approvals are not sent.
    Subscription.objects.update(decided_at=timezone.now() + timedelta(seconds=-60))
    webhooks_dispatch_page()
    Subscription.objects.update(decided_at=timezone.now())

    package = make_package()
    editor = User.objects.create_user("editor")
    grid = grid_services.grid_create(title="Forms", slug="forms", description="", user=editor)
    link = grid_services.grid_add_package(grid=grid, package=package, user=editor)
    feature = grid_services.feature_create(grid=grid, title="Ajax", description="", user=editor)
    grid_services.element_set(grid_package=link, feature=feature, text="yes", user=editor)
    ids, more = webhooks_dispatch_page()
    assert more is False
    deliveries = Delivery.objects.filter(pk__in=ids)
    by_hook = {
        sub: sorted(deliveries.filter(subscription=sub).values_list("event", flat=True))
        for sub in (grid_hook, new_hook, pending)
    }
    assert by_hook[new_hook] == ["package.created"]
    # the grid created, the package added, the feature, the cell
    assert by_hook[grid_hook] == ["grid.changed"] * 4
    assert by_hook[pending] == []
    created = deliveries.get(subscription=new_hook)
    assert created.payload["change"]["id"] == package.pk
    assert created.payload["delivery"] == str(created.delivery_id)
    assert webhooks_dispatch_page() == ([], False)  # each change is dispatched once


# Committed writes: on PostgreSQL the feed lists only ended transactions.
@pytest.mark.django_db(transaction=True)
@pytest.mark.cluster_alone
def test_approving_makes_a_subscription_get_later_changes() -> None:
    staff = User.objects.create_user("staff", is_staff=True)
    alice = User.objects.create_user("alice")
    hook = Subscription.objects.create(
        user=alice, url="http://127.0.0.1:9/", events=["package.created"]
    )
    make_package()
    webhooks_dispatch_page()
    subscription_decide(subscription=hook, user=staff, approve=True)
    make_package()
    ids, _ = webhooks_dispatch_page()
    assert len(ids) == 1
    assert hook.decided_by == staff


def _delivery(url: str) -> Delivery:
    hook = approved_subscription(url, [Event.PACKAGE_CREATED], secret="topsecret")
    return Delivery.objects.create(
        subscription=hook, event=Event.PACKAGE_CREATED, payload={"event": "package.created"}
    )


def test_a_delivery_is_signed_and_logged(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("thanks", status=202)
    delivery = _delivery(httpserver.url_for("/hook"))
    result = delivery_attempt(delivery_id=delivery.pk)
    assert result.status == "succeeded" and result.retry_at is None
    [(request, _response)] = httpserver.log
    body = request.get_data()
    expected = hmac.new(b"topsecret", body, hashlib.sha256).hexdigest()
    assert request.headers["X-Packagegrid-Signature"] == f"sha256={expected}"
    assert request.headers["X-Packagegrid-Delivery"] == str(delivery.delivery_id)
    assert request.headers["X-Packagegrid-Event"] == "package.created"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"event": "package.created"}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("succeeded", 202, 1)
    assert delivery_attempt(delivery_id=delivery.pk).status == "succeeded"  # not sent again
    assert len(httpserver.log) == 1


def test_a_failed_delivery_backs_off_then_gives_up(httpserver: HTTPServer, settings: Any) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_SECONDS = 60
    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    delivery = _delivery(httpserver.url_for("/hook"))
    now = timezone.now()
    first = delivery_attempt(delivery_id=delivery.pk, now=now)
    assert first.status == "pending" and first.retry_at == now + timedelta(seconds=60)
    second = delivery_attempt(delivery_id=delivery.pk, now=now)
    assert second.retry_at == now + timedelta(seconds=120)
    third = delivery_attempt(delivery_id=delivery.pk, now=now)
    assert third.status == "failed" and third.retry_at is None
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_code) == (3, 503)
    assert "HTTP 503" in delivery.last_error
    assert len(httpserver.log) == 3  # one request an attempt: the HTTP layer does not retry


def test_a_redirect_a_timeout_and_a_refused_connection_are_failures(
    httpserver: HTTPServer, settings: Any
) -> None:
    settings.HTTP_TIMEOUT_SECONDS = 0.2
    httpserver.expect_request("/moved").respond_with_data("", status=302, headers={"Location": "/"})

    def slow(request: Request) -> Response:
        time.sleep(0.5)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    moved = _delivery(httpserver.url_for("/moved"))
    late = _delivery(httpserver.url_for("/slow"))
    closed = _delivery("http://127.0.0.1:9/closed")  # the discard port: nothing listens
    assert delivery_attempt(delivery_id=moved.pk).retry_at is not None
    assert delivery_attempt(delivery_id=late.pk).retry_at is not None
    assert delivery_attempt(delivery_id=closed.pk).retry_at is not None
    for delivery in (moved, late, closed):
        delivery.refresh_from_db()
    assert moved.response_code == 302
    assert "timed out" in late.last_error
    assert "connection" in closed.last_error and closed.response_code is None
    # The server logs the slow request when its handler returns, after the client gave
    # up: wait for it here, or it lands in the log of the next test using the server.
    deadline = time.monotonic() + 5
    while not any(request.path == "/slow" for request, _ in httpserver.log):
        assert time.monotonic() < deadline, "the slow request was never answered"
        time.sleep(0.05)


def test_the_backoff_doubles_up_to_a_day(settings: Any) -> None:
    settings.WEBHOOK_RETRY_SECONDS = 60
    assert [delivery_backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert delivery_backoff(30) == timedelta(days=1)


def test_a_delivery_of_a_subscription_no_longer_approved_is_given_up(
    httpserver: HTTPServer,
) -> None:
    delivery = _delivery(httpserver.url_for("/hook"))
    Subscription.objects.update(status=Subscription.Status.DISABLED)
    assert delivery_attempt(delivery_id=delivery.pk).status == "failed"
    assert httpserver.log == []
