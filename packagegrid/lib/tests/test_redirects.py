"""`next` targets stay on this site."""

import pytest
from django.test import RequestFactory

from packagegrid.lib.redirects import safe_next, safe_referer

SAFE = ["/packages/", "/grids/?sort=packages", "http://testserver/packages/"]
UNSAFE = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http://testserver@evil.example/",
    "",
]


@pytest.mark.parametrize("target", SAFE)
def test_it_keeps_targets_on_this_site(target: str) -> None:
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next(request, default="/") == target


@pytest.mark.parametrize("target", UNSAFE)
def test_it_falls_back_for_anything_else(target: str) -> None:
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next(request, default="/fallback/") == "/fallback/"
    request = RequestFactory().get("/x/", {"next": target})
    assert safe_next(request, default="/fallback/") == "/fallback/"


def test_it_reads_the_referer_only_from_this_site() -> None:
    factory = RequestFactory()
    ours = factory.post("/x/", HTTP_REFERER="http://testserver/grids/")
    assert safe_referer(ours, default="/") == "http://testserver/grids/"
    theirs = factory.post("/x/", HTTP_REFERER="https://evil.example/")
    assert safe_referer(theirs, default="/") == "/"


def test_it_refuses_a_downgrade_to_http_on_a_secure_site() -> None:
    request = RequestFactory().post("/x/", {"next": "http://testserver/"}, secure=True)
    assert safe_next(request, default="/") == "/"
