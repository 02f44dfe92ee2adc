"""Every URL pattern of the site, walked: a POST without a CSRF token is refused and
changes nothing; a GET never changes the database and never fails with a 500.

The routes come from the URL resolver itself (admin, allauth, API and the site's own), so
a new route is covered the day it is added; its arguments are filled from real records by
`World.route_kwargs`.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from rest_framework.views import APIView

from packagegrid.web.tests.security_support import (
    Route,
    World,
    build_world,
    db_changes,
    db_snapshot,
    site_routes,
)

# The only views that take a POST without Django's CSRF token, and why.
DOCUMENTED_CSRF_EXEMPT = {
    # GitHub cannot send a token; the X-Hub-Signature-256 HMAC authenticates the sender.
    "github-webhook",
    # API v1 is gone (410) and unknown v3 paths are a JSON 404, whatever the method, as
    # djangopackages.org answers: every v3 answer is JSON, never a CSRF page. Neither
    # changes anything.
    "api/^v1(?:/|$)",
    "api/v3/^[\\s\\S]*/$",
    # Likewise a path under API v4 or v5 that no route accepts: a JSON 404 whatever the
    # method, never a CSRF page; it changes nothing.
    "api/^v[45]/[\\s\\S]*/$",
    # Mail clients POST the digest's one-click unsubscribe without a token (RFC 8058);
    # the signed token in its URL authenticates it.
    "watch-unsubscribe",
}


# Generic form data: with a valid token, most forms of the site would accept it and
# change something, so a 403 here means the CSRF check (not a form error) stopped it.
POST_DATA = {
    "on": "on",
    "title": "Changed",
    "slug": "changed",
    "description": "Changed",
    "text": "Changed",
    "message": "Changed",
    "reason": "other",
    "decision": "approve",
    "is_locked": "on",
    "package": "bravo",
    "github_account": "changed",
    "next": "/",
}


def _is_drf(route: Route) -> bool:
    view_class = getattr(route.callback, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


@pytest.fixture
def world() -> World:
    cache.clear()
    return build_world()


def _concrete(world: World) -> list[tuple[Route, str]]:
    routes = site_routes()
    urls = [(route, world.url(route)) for route in routes]
    unfilled = [route.pattern for route, url in urls if url is None]
    assert unfilled == [], "give these routes arguments in World.route_kwargs"
    return [(route, url) for route, url in urls if url is not None]


@pytest.mark.django_db
def test_the_csrf_exemptions_are_exactly_the_documented_ones() -> None:
    exempt = {
        route.name or route.pattern
        for route in site_routes()
        if getattr(route.callback, "csrf_exempt", False) and not _is_drf(route)
    }

    assert exempt == DOCUMENTED_CSRF_EXEMPT


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["member", "staff"])
def test_a_post_without_a_csrf_token_is_refused_everywhere(world: World, role: str) -> None:
    """DRF's views are exempt from Django's middleware but enforce CSRF themselves for
    a session login (SessionAuthentication), so they answer 403 too. The documented
    exemptions answer as they do, but change nothing either."""
    user: User = world.alice if role == "member" else world.superuser
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(user)
    before = db_snapshot()
    accepted: dict[str, int] = {}
    changed: dict[str, list[str]] = {}

    routes = _concrete(world)
    for route, url in routes:
        response = client.post(url, POST_DATA)
        exempt = (route.name or route.pattern) in DOCUMENTED_CSRF_EXEMPT
        if response.status_code != 403 and not exempt:
            accepted[url] = response.status_code
        after = db_snapshot()
        if after != before:
            changed[url] = db_changes(before, after)
            before = after

    assert len(routes) > 200
    assert accepted == {}
    assert changed == {}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "member", "staff"])
def test_a_get_never_changes_the_database(world: World, role: str) -> None:
    """Every route, GET with real arguments: no table's rows change, no 500.

    Nothing is excluded from the snapshot: sessions are created by logging in, before
    the first snapshot, and no GET writes one.
    """
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world.alice if role == "member" else world.superuser)
    before = db_snapshot()
    changed: dict[str, list[str]] = {}
    errors: dict[str, int] = {}

    for _route, url in _concrete(world):
        response = client.get(url)
        if response.status_code >= 500:
            errors[url] = response.status_code
        after = db_snapshot()
        if after != before:
            changed[url] = db_changes(before, after)
            before = after

    assert errors == {}
    assert changed == {}


@pytest.mark.django_db
def test_github_login_without_an_oauth_app_is_404_not_500() -> None:
    """allauth's GitHub provider is installed even when GITHUB_CLIENT_ID/SECRET are unset
    (an app may be added in the admin); with none, its pages are 404, not a 500."""
    client = Client(raise_request_exception=False)
    for url in ("/accounts/github/login/", "/accounts/github/login/callback/"):
        assert client.get(url).status_code == 404
