"""The health check."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client, override_settings
from pytest_django import DjangoAssertNumQueries
from redis.exceptions import ConnectionError as RedisConnectionError

pytestmark = pytest.mark.django_db


def test_it_reports_ok_when_database_and_cache_work(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_is_503_when_the_database_fails(client: Client) -> None:
    with mock.patch("packagegrid.lib.status.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"database": "error", "cache": "ok"}


def test_it_is_503_when_the_cache_fails(client: Client) -> None:
    with mock.patch("packagegrid.lib.status.cache.set", side_effect=RedisConnectionError("down")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "error"}


def test_liveness_answers_without_a_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-store" in response["Cache-Control"]


@override_settings(RESPONSE_CACHE_SECONDS=300)
def test_liveness_is_never_a_cached_answer(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # With the response cache on, other pages read their content versions (one query);
    # the liveness check reads nothing and is never stored.
    for _ in range(2):
        with django_assert_num_queries(0):
            response = client.get("/healthz")
        assert response.status_code == 200
        assert "X-Cache" not in response


def test_liveness_refuses_writes(client: Client) -> None:
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
