"""client_address: which X-Forwarded-For hop is the client, by TRUSTED_PROXY_COUNT."""

from typing import Any

import pytest
from django.http import HttpRequest
from django.test import RequestFactory
from pytest_django import Settings

from packagegrid.limits.addresses import address_key, client_address


def _request(remote: str = "10.0.0.9", forwarded: str | None = None) -> HttpRequest:
    extra: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_it_ignores_x_forwarded_for_without_trusted_proxies(settings: Settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request(forwarded="203.0.113.7")) == "10.0.0.9"


def test_it_takes_the_hop_added_by_one_trusted_proxy(settings: Settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(forwarded="203.0.113.7")) == "203.0.113.7"


def test_it_ignores_entries_the_client_wrote_before_the_proxy(settings: Settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
    assert client_address(_request(forwarded="1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    assert client_address(_request(forwarded="1.2.3.4,5.6.7.8,203.0.113.7")) == "203.0.113.7"


def test_it_takes_the_second_hop_from_the_right_behind_two_proxies(settings: Settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    # Spoofed entry, the client (seen by the outer proxy), the outer proxy (seen by the inner).
    forwarded = "1.2.3.4, 203.0.113.7, 192.168.1.2"
    assert client_address(_request(forwarded=forwarded)) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", [None, "", "203.0.113.7"])
def test_it_falls_back_to_remote_addr_when_the_header_is_shorter_than_the_proxies(
    settings: Settings, forwarded: str | None
) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(_request(forwarded=forwarded)) == "10.0.0.9"


@pytest.mark.parametrize("forwarded", ["not-an-address", "203.0.113.7, <script>", "unknown"])
def test_it_falls_back_to_remote_addr_when_the_hop_is_not_an_address(
    settings: Settings, forwarded: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(forwarded=forwarded)) == "10.0.0.9"


def test_it_normalises_ipv6(settings: Settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(forwarded="2001:DB8:0:0::1")) == "2001:db8::1"


def test_it_counts_ipv6_by_its_64_network_and_ipv4_alone() -> None:
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert address_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert address_key("203.0.113.7") != address_key("203.0.113.8")
    assert address_key("") == "unknown"
