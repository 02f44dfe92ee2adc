"""The watch buttons, the watching page, the private feed and the one-click unsubscribe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from packagegrid.conftest import csrf_client, make_grid, make_package, make_user
from packagegrid.watching.models import Watch, WatchSettings
from packagegrid.watching.services import unsubscribe_token
from packagegrid.watching.tests.support import make_events, make_settings, watch

pytestmark = pytest.mark.django_db


def test_it_watches_and_unwatches_a_package_with_htmx(alice_client: Client, alice: User) -> None:
    package = make_package(title="django-seen", slug="django-seen")
    page = alice_client.get(package.get_absolute_url()).content.decode()
    assert 'id="watch-button"' in page
    assert ">Watch</span>" in page
    response = alice_client.post(
        "/packages/django-seen/watch/", {"on": "on"}, headers={"HX-Request": "true"}
    )
    assert ">Watching</span>" in response.content.decode()
    assert Watch.objects.filter(user=alice, package=package).exists()
    assert ">Watching</span>" in alice_client.get(package.get_absolute_url()).content.decode()
    response = alice_client.post("/packages/django-seen/watch/", {"on": "off"})
    assert response.status_code == 302
    assert response["Location"] == package.get_absolute_url()
    assert not Watch.objects.exists()


def test_it_watches_a_grid(alice_client: Client, alice: User) -> None:
    grid = make_grid(slug="seen-grid")
    assert ">Watch</span>" in alice_client.get(grid.get_absolute_url()).content.decode()
    alice_client.post("/grids/seen-grid/watch/", {"on": "on", "next": "/watching/"})
    assert Watch.objects.filter(user=alice, grid=grid).exists()
    assert ">Watching</span>" in alice_client.get(grid.get_absolute_url()).content.decode()


def test_watching_needs_a_login_a_post_and_a_known_item(client: Client) -> None:
    make_package(slug="django-seen")
    response = client.post("/packages/django-seen/watch/", {"on": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    log_client, _ = csrf_client("carol")
    assert log_client.post("/packages/django-seen/watch/", {"on": "on"}).status_code == 403
    client.force_login(make_user("dave"))
    assert client.get("/packages/django-seen/watch/").status_code == 405
    assert client.post("/packages/nope/watch/", {"on": "on"}).status_code == 404
    assert client.post("/packages/django-seen/watch/", {"on": "maybe"}).status_code == 400
    assert not Watch.objects.exists()


@pytest.mark.parametrize("n", [1, 12])
def test_the_watching_page_lists_in_constant_queries(
    alice_client: Client, alice: User, django_assert_num_queries: DjangoAssertNumQueries, n: int
) -> None:
    for i in range(n):
        watch(alice, package=make_package(title=f"django-w{i}"))
        watch(alice, grid=make_grid(title=f"Grid w{i}"))
    make_settings(alice, covered_until=timezone.now())
    # Session and user, the packages, the grids, the settings.
    with django_assert_num_queries(5):
        response = alice_client.get("/watching/")
    html = response.content.decode()
    assert html.count(">Unwatch</button>") == 2 * n
    assert "/watching/feed/" in html


def test_the_digest_setting_is_saved_and_bad_input_changes_nothing(
    alice_client: Client, alice: User
) -> None:
    assert alice_client.post("/watching/", {"digest": "hourly"}).status_code == 400
    assert not WatchSettings.objects.exists()
    assert alice_client.post("/watching/", {"digest": "daily"}).status_code == 302
    assert WatchSettings.objects.get(user=alice).digest == "daily"


def test_the_private_feed_needs_its_token_only(alice: User, bob: User, client: Client) -> None:
    since = timezone.now() - timedelta(minutes=1)
    make_settings(alice, covered_until=since)
    make_events(alice, editor=bob)
    token = WatchSettings.objects.get(user=alice).feed_token
    response = client.get(f"/watching/feed/{token}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "django-watched 2.0 released" in body
    assert "Security advisory GHSA-0 on django-watched" in body
    assert client.get("/watching/feed/not-the-token/").status_code == 404
    assert client.get(f"/watching/feed/{token[:-1]}/").status_code == 404


def test_a_new_feed_token_retires_the_old_one(alice_client: Client, alice: User) -> None:
    assert alice_client.post("/watching/feed-token/").status_code == 302
    old = WatchSettings.objects.get(user=alice).feed_token
    assert alice_client.get(f"/watching/feed/{old}/").status_code == 200
    alice_client.post("/watching/feed-token/")
    new = WatchSettings.objects.get(user=alice).feed_token
    assert new != old
    assert alice_client.get(f"/watching/feed/{old}/").status_code == 404
    assert alice_client.get(f"/watching/feed/{new}/").status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_the_feed_takes_a_constant_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, n: int
) -> None:
    person, editor = make_user("watcher"), make_user("editor")
    make_settings(person, covered_until=timezone.now())
    for i in range(n):
        make_events(person, editor=editor, title=f"django-feed-{i}")
    token = WatchSettings.objects.get(user=person).feed_token
    client.get(f"/watching/feed/{token}/")  # content types cached
    # The settings with the user, then the events (see `watch_events`).
    with django_assert_num_queries(10):
        response = client.get(f"/watching/feed/{token}/")
    assert response.content.decode().count("<entry>") == 6 * n


def test_unsubscribing_asks_on_get_and_acts_on_post(alice: User) -> None:
    make_settings(alice, digest="weekly", covered_until=timezone.now())
    url = f"/watching/unsubscribe/{unsubscribe_token(user=alice)}/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop the e-mail digest sent to alice@example.com?" in page.content.decode()
    assert WatchSettings.objects.get(user=alice).digest == "weekly"
    # A mail client's one-click POST (RFC 8058): no session, no CSRF token.
    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "gets no more digests" in done.content.decode()
    assert WatchSettings.objects.get(user=alice).digest == "none"


def test_a_forged_unsubscribe_link_is_404_and_changes_nothing(alice: User) -> None:
    make_settings(alice, digest="weekly", covered_until=timezone.now())
    client = Client()
    assert client.post(f"/watching/unsubscribe/{alice.pk}/").status_code == 404
    forged = unsubscribe_token(user=alice)[:-3] + "abc"
    assert client.post(f"/watching/unsubscribe/{forged}/").status_code == 404
    assert WatchSettings.objects.get(user=alice).digest == "weekly"
