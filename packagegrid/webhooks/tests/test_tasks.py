"""Deliveries sent by a real worker run, and dispatch under concurrent writers."""

import functools
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from packagegrid.changes.drill import run_in_thread
from packagegrid.conftest import make_grid, make_package
from packagegrid.grids.models import Feature
from packagegrid.webhooks.models import Delivery, Event
from packagegrid.webhooks.services import webhooks_dispatch_page
from packagegrid.webhooks.tasks import deliver_webhook
from packagegrid.webhooks.tests.conftest import approved_subscription

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.cluster_alone]


def _run_worker() -> None:
    call_command("worker", batch=True, stdout=StringIO(), stderr=StringIO())


def test_the_worker_delivers_a_new_package_and_retries_after_a_server_error(
    httpserver: HTTPServer,
) -> None:
    received: list[Request] = []

    def flaky(request: Request) -> Response:
        received.append(request)
        return Response("busy", status=500) if len(received) == 1 else Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(flaky)
    approved_subscription(httpserver.url_for("/hook"), [Event.PACKAGE_CREATED])
    package = make_package()  # commits: the dispatcher is enqueued
    _run_worker()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 2, 200)
    assert [r.headers["X-Packagegrid-Delivery"] for r in received] == [
        str(delivery.delivery_id)
    ] * 2
    assert received[1].json["change"]["id"] == package.pk


def test_concurrent_writers_and_dispatchers_make_one_delivery_per_change(
    httpserver: HTTPServer,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs threads sharing the database: run on PostgreSQL")
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    approved_subscription(httpserver.url_for("/hook"), [Event.GRID_CHANGED])
    grid = make_grid()
    webhooks_dispatch_page()  # the grid's creation
    Delivery.objects.all().delete()
    writing = threading.Event()
    writing.set()

    def writer(n: int) -> None:
        for i in range(10):
            Feature.objects.create(grid=grid, title=f"Feature {n}-{i}")

    def dispatcher() -> None:
        while writing.is_set():
            webhooks_dispatch_page(limit=3)

    dispatchers = [run_in_thread(dispatcher) for _ in range(2)]
    writers = [run_in_thread(functools.partial(writer, n)) for n in range(4)]
    for thread in writers:
        thread.join(60)
    writing.clear()
    for thread in dispatchers:
        thread.join(60)
    while webhooks_dispatch_page()[1]:
        pass

    features = set(Feature.objects.values_list("pk", flat=True))
    sent = list(Delivery.objects.values_list("payload__change__id", flat=True))
    assert len(features) == 40
    assert sorted(sent) == sorted(features)  # each change once, none missed
    for delivery_id in Delivery.objects.values_list("pk", flat=True):
        deliver_webhook.enqueue(delivery_id)
    _run_worker()
    ids = [request.headers["X-Packagegrid-Delivery"] for request, _ in httpserver.log]
    assert len(ids) == len(set(ids)) == 40
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}
