"""Which URLs may receive webhooks."""

from typing import Any

import pytest

from packagegrid.webhooks.destinations import destination_refusal


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_it_refuses_private_and_local_addresses_by_default(settings: Any, url: str) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    refusal = destination_refusal(url)
    assert refusal is not None and "private or local" in refusal


def test_the_setting_allows_private_addresses(settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    assert destination_refusal("http://127.0.0.1:8000/hook") is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://93.184.215.14/hook", "Only http and https"),
        ("file:///etc/passwd", "Only http and https"),
        ("http://user:pw@93.184.215.14/hook", "no credentials"),
        ("http:///hook", "no host"),
        ("http://93.184.215.14:99999/", "not a valid URL"),
    ],
)
def test_it_refuses_other_schemes_credentials_and_broken_urls(url: str, reason: str) -> None:
    refusal = destination_refusal(url)
    assert refusal is not None and reason in refusal


def test_it_accepts_a_public_address(settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    assert destination_refusal("https://93.184.215.14/hook") is None
