"""Open redirects: no view that takes `next` sends anyone off this site.

Table: every view that reads `next` x every attack. A redirect is on-site when the
browser would resolve its target (backslashes read as slashes, tabs and newlines dropped)
to this host with an http(s) scheme; for a login redirect the `next` it carries must be
on-site too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from packagegrid.web.tests.security_support import World, build_world

if TYPE_CHECKING:
    from packagegrid.conftest import TestResponse

ATTACKS = [
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http://testserver@evil.example/",
    "https:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "http:\\\\evil.example",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "%5C%5Cevil.example",
]


def is_on_site(location: str) -> bool:
    """Whether a browser following `location` from http://testserver/ stays there."""
    cleaned = "".join(ch for ch in location if ch not in "\t\n\r").strip().replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme not in {"", "http", "https"}:
        return False
    if cleaned.startswith("//") or (parts.scheme and not cleaned.startswith(parts.scheme + "://")):
        return False
    return parts.netloc in {"", "testserver"}


def _all_on_site(response: TestResponse) -> bool:
    targets = [response.get("Location") or response.get("HX-Redirect") or ""]
    query = parse_qs(urlsplit(targets[0]).query)
    targets += query.get("next", [])
    return all(is_on_site(target) for target in targets if target)


@dataclass(frozen=True, slots=True)
class NextView:
    label: str
    send: Callable[[Client, World, str], TestResponse]
    actor: str  # "anonymous", "member", "staff"


def _post(
    path: Callable[[World], str], **data: str
) -> Callable[[Client, World, str], TestResponse]:
    def send(client: Client, world: World, target: str) -> TestResponse:
        return client.post(path(world), {**data, "next": target})

    return send


def _get(path: Callable[[World], str]) -> Callable[[Client, World, str], TestResponse]:
    def send(client: Client, world: World, target: str) -> TestResponse:
        return client.get(path(world), {"next": target})

    return send


def _login(client: Client, world: World, target: str) -> TestResponse:
    return client.post(
        "/accounts/login/", {"login": "bob", "password": "pw-bob-123", "next": target}
    )


VIEWS = [
    NextView("log in", _login, "anonymous"),
    NextView("login page while logged in", _get(lambda w: "/accounts/login/"), "member"),
    NextView("sign-up page while logged in", _get(lambda w: "/accounts/signup/"), "member"),
    NextView("log out", _post(lambda w: "/accounts/logout/"), "member"),
    NextView(
        "I use this", _post(lambda w: f"/packages/{w.package.slug}/usage/", on="on"), "member"
    ),
    NextView(
        "favorite", _post(lambda w: f"/packages/{w.package.slug}/favorite/", on="on"), "member"
    ),
    NextView(
        "I use this, logged out (sent to log in)",
        _post(lambda w: f"/packages/{w.package.slug}/usage/", on="on"),
        "anonymous",
    ),
    NextView(
        "a member page, logged out (sent to log in)",
        _get(lambda w: "/profiles/edit/"),
        "anonymous",
    ),
    NextView(
        "resolve a flag",
        _post(lambda w: f"/moderation/flags/{w.flag.pk}/", decision="reject"),
        "staff",
    ),
]

CASES = [(view, attack) for view in VIEWS for attack in ATTACKS]


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=[view.label for view in VIEWS])
def test_next_never_leaves_the_site(view: NextView) -> None:
    """len(VIEWS) x len(ATTACKS) probes; each attack on a fresh client."""
    world = build_world()
    offsite: dict[str, str] = {}
    for attack in ATTACKS:
        cache.clear()
        client = Client()
        if view.actor != "anonymous":
            client.force_login(world.alice if view.actor == "member" else world.staff)
        response = view.send(client, world, attack)
        assert response.status_code in {200, 302}, (attack, response.status_code)
        if not _all_on_site(response):
            offsite[attack] = response.get("Location") or response.get("HX-Redirect", "")

    assert offsite == {}


@pytest.mark.django_db
def test_a_safe_next_is_followed() -> None:
    """The check is not refusing everything: an on-site `next` is where people go."""
    world = build_world()
    client = Client()
    client.force_login(world.alice)

    response = client.post(
        f"/packages/{world.package.slug}/usage/", {"on": "on", "next": "/grids/"}
    )

    assert response["Location"] == "/grids/"


def test_the_on_site_check() -> None:
    assert is_on_site("/packages/") and is_on_site("http://testserver/x")
    # The last three are percent-encoded: relative paths on this site, harmless.
    assert [attack for attack in ATTACKS[:-3] if is_on_site(attack)] == []
