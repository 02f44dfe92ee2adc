"""The HTTP layer over real sockets: retries, Retry-After, typed errors, identification."""

import time

import pytest
from django.test import override_settings
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from packagegrid.fetchers.http import HttpClient, HttpError


def _client(sleeps: list[float], retries: int = 2) -> HttpClient:
    return HttpClient(retries=retries, backoff=0.01, sleep=sleeps.append)


def test_it_retries_a_server_error_then_returns_the_success(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/x").respond_with_data("boom", status=500)
    httpserver.expect_ordered_request("/x").respond_with_json({"ok": True})
    sleeps: list[float] = []
    with _client(sleeps) as client:
        assert client.get_json(httpserver.url_for("/x")) == {"ok": True}
        assert client.requests_made == 2
    assert len(sleeps) == 1


def test_it_waits_as_long_as_retry_after_says(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/x").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_ordered_request("/x").respond_with_json([])
    sleeps: list[float] = []
    with _client(sleeps) as client:
        client.get_json(httpserver.url_for("/x"))
    assert sleeps == [7.0]


def test_it_gives_up_after_the_retries_with_a_transient_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("down", status=503)
    sleeps: list[float] = []
    with _client(sleeps, retries=2) as client, pytest.raises(HttpError) as caught:
        client.get_json(httpserver.url_for("/x"))
    assert caught.value.permanent is False
    assert caught.value.status == 503
    assert "3 attempts" in str(caught.value)
    assert len(sleeps) == 2


def test_it_reports_a_404_as_permanent_without_retrying(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("gone", status=404)
    sleeps: list[float] = []
    with _client(sleeps) as client, pytest.raises(HttpError) as caught:
        client.get_json(httpserver.url_for("/x"))
    assert (caught.value.permanent, caught.value.status, sleeps) == (True, 404, [])


def test_it_reports_malformed_json_as_permanent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("{oops", content_type="application/json")
    with _client([]) as client, pytest.raises(HttpError, match="malformed JSON") as caught:
        client.get_json(httpserver.url_for("/x"))
    assert caught.value.permanent is True


@override_settings(HTTP_TIMEOUT_SECONDS=0.2)
def test_it_times_out_and_retries(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.5)
        return Response("late")

    httpserver.expect_request("/x").respond_with_handler(slow)
    sleeps: list[float] = []
    with _client(sleeps, retries=1) as client, pytest.raises(HttpError, match="timed out"):
        client.get_json(httpserver.url_for("/x"))
    assert len(sleeps) == 1


@override_settings(HTTP_USER_AGENT="packagegrid-test/1")
def test_it_identifies_itself(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x", headers={"User-Agent": "packagegrid-test/1"}).respond_with_json(
        1
    )
    with _client([]) as client:
        assert client.get_json(httpserver.url_for("/x")) == 1
