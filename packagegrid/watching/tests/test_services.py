"""Sending the digests: content, due dates, once only, and the unsubscribe link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from packagegrid.conftest import make_package
from packagegrid.watching.models import Watch, WatchSettings
from packagegrid.watching.services import (
    digests_send,
    unsubscribe_token,
    unsubscribe_user,
    watch_toggle,
)
from packagegrid.watching.tests.support import make_events, make_settings

pytestmark = pytest.mark.django_db


def test_it_mails_what_happened_with_a_one_click_unsubscribe(alice: User, bob: User) -> None:
    make_settings(alice, digest="daily", covered_until=timezone.now() - timedelta(days=1))
    make_events(alice, editor=bob)
    run = digests_send()
    assert (run.sent, run.empty, run.failed) == (1, 0, 0)
    [message] = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "packagegrid: your daily digest"
    assert "* django-watched 2.0 released" in message.body
    assert "* django-watched is now stale (was active)" in message.body
    assert "* Security advisory GHSA-0 on django-watched" in message.body
    assert "* django-watched grid: added the feature “Async 0”" in message.body
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Unsubscribe from this daily digest: {url}" in message.body
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert unsubscribe_user(token=token) == alice
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]  # EmailMultiAlternatives
    assert mimetype == "text/html"
    assert "django-watched 2.0 released" in html


def test_it_sends_each_period_once(alice: User, bob: User) -> None:
    make_settings(alice, digest="daily", covered_until=timezone.now() - timedelta(days=1))
    make_events(alice, editor=bob)
    assert digests_send().sent == 1
    assert digests_send().sent == 0
    assert len(mail.outbox) == 1
    # The next day's digest holds only what happened since.
    tomorrow = timezone.now() + timedelta(days=1)
    assert digests_send(now=tomorrow).empty == 1
    assert len(mail.outbox) == 1


def test_it_waits_until_a_digest_is_due(alice: User, bob: User) -> None:
    make_settings(alice, digest="weekly", covered_until=timezone.now() - timedelta(days=2))
    make_events(alice, editor=bob)
    assert digests_send().sent == 0
    assert digests_send(now=timezone.now() + timedelta(days=5)).sent == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("digest", ["none", "daily"])
def test_it_sends_nothing_to_whoever_opted_out_or_has_no_address(
    alice: User, bob: User, digest: str
) -> None:
    if digest == "daily":
        User.objects.filter(pk=alice.pk).update(email="")
    make_settings(alice, digest=digest, covered_until=timezone.now() - timedelta(days=8))
    make_events(alice, editor=bob)
    assert digests_send().sent == 0
    assert mail.outbox == []


def test_it_gives_the_period_back_when_sending_fails(
    alice: User, bob: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    since = timezone.now() - timedelta(days=1)
    make_settings(alice, digest="daily", covered_until=since)
    make_events(alice, editor=bob)

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert digests_send().failed == 1
    assert WatchSettings.objects.get(user=alice).digest_covered_until == since
    monkeypatch.undo()
    assert digests_send().sent == 1


def test_an_unsubscribe_token_is_signed(alice: User) -> None:
    token = unsubscribe_token(user=alice)
    assert unsubscribe_user(token=token) == alice
    assert unsubscribe_user(token=token[:-2] + "xx") is None
    assert unsubscribe_user(token="1") is None


def test_watching_twice_keeps_one_watch(alice: User) -> None:
    package = make_package()
    assert watch_toggle(user=alice, package=package, on=True)
    assert watch_toggle(user=alice, package=package, on=True)
    assert Watch.objects.filter(user=alice).count() == 1
    assert not watch_toggle(user=alice, package=package, on=False)
    assert not Watch.objects.exists()
    with pytest.raises(ValueError, match="exactly one"):
        watch_toggle(user=alice, on=True)
