"""Writes of watching: watch and unwatch, settings, the feed's secret, and sending the
e-mail digests.

A digest covers the period from the end of the previous one (`digest_covered_until`) to
now. Sending first claims the period with one conditional UPDATE (compare-and-set on
`digest_covered_until`), so two runs at once, or a run repeated, send each period once;
a failed send gives the period back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from packagegrid.catalog.models import Package
from packagegrid.grids.models import Grid
from packagegrid.watching.models import Watch, WatchSettings, new_feed_token
from packagegrid.watching.selectors import WatchEvents, watch_events

logger = logging.getLogger(__name__)

# How long a digest waits after the previous one. An hour less than the period, so that a
# job run at the same time each day never finds a digest due a few seconds too early.
DIGEST_SLACK = timedelta(hours=1)
DIGEST_PERIODS = {
    WatchSettings.Digest.DAILY: timedelta(days=1),
    WatchSettings.Digest.WEEKLY: timedelta(days=7),
}
UNSUBSCRIBE_SALT = "packagegrid.watching.unsubscribe"


def watch_toggle(
    *, user: User, package: Package | None = None, grid: Grid | None = None, on: bool
) -> bool:
    """Watch (on=True) or stop watching (on=False) one package or one grid; returns the
    new state. Idempotent: the unique constraints keep one row per person and item, also
    for two concurrent submits."""
    if (package is None) == (grid is None):
        raise ValueError("Watch exactly one package or one grid.")
    target = {"package": package} if package is not None else {"grid": grid}
    if on:
        Watch.objects.get_or_create(user=user, **target)
    else:
        Watch.objects.filter(user=user, **target).delete()
    return on


def watch_settings_update(*, user: User, digest: str) -> WatchSettings:
    """Save how often `user` gets the digest ("none", "daily" or "weekly")."""
    watch_settings, _ = WatchSettings.objects.get_or_create(user=user)
    if watch_settings.digest != digest:
        watch_settings.digest = WatchSettings.Digest(digest)
        watch_settings.save(update_fields=["digest"])
    return watch_settings


def feed_token_regenerate(*, user: User) -> WatchSettings:
    """Give `user`'s private feed a new secret; the old feed URL stops working."""
    watch_settings, created = WatchSettings.objects.get_or_create(user=user)
    if not created:
        watch_settings.feed_token = new_feed_token()
        watch_settings.save(update_fields=["feed_token"])
    return watch_settings


def unsubscribe_token(*, user: User) -> str:
    """The signed token of `user`'s one-click unsubscribe link (it never expires: an old
    e-mail's link must still work)."""
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user(*, token: str) -> User | None:
    """The person an unsubscribe token was made for; None when it is not a valid one."""
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def digest_unsubscribe(*, user: User) -> None:
    """Stop `user`'s e-mail digests (the watches and the feed stay)."""
    WatchSettings.objects.update_or_create(
        user=user, defaults={"digest": WatchSettings.Digest.NONE}
    )


@dataclass(frozen=True, slots=True)
class DigestRun:
    sent: int  # e-mails sent
    empty: int  # due digests with nothing to say: their period is marked covered
    failed: int  # sends that raised: their period stays open for the next run


def digests_due(*, now: datetime) -> list[WatchSettings]:
    """Settings whose digest is due at `now`, people with an address joined."""
    due = []
    for digest, period in DIGEST_PERIODS.items():
        due += list(
            WatchSettings.objects.select_related("user")
            .filter(
                digest=digest,
                digest_covered_until__lte=now - period + DIGEST_SLACK,
                user__is_active=True,
            )
            .exclude(user__email="")
            .order_by("pk")
        )
    return due


def digests_send(*, now: datetime | None = None) -> DigestRun:
    """Send every digest due at `now` (default: now); see the module docstring."""
    now = now or timezone.now()
    sent = empty = failed = 0
    for watch_settings in digests_due(now=now):
        try:
            result = digest_send(watch_settings=watch_settings, now=now)
        except Exception:  # one bad address must not stop the others
            logger.exception("Digest for user %s failed", watch_settings.user_id)
            failed += 1
            continue
        if result is True:
            sent += 1
        elif result is False:
            empty += 1
    return DigestRun(sent=sent, empty=empty, failed=failed)


def digest_send(*, watch_settings: WatchSettings, now: datetime) -> bool | None:
    """Claim the period since the last digest and send what happened in it.

    Returns True when an e-mail went out, False when nothing happened (the period is
    still marked covered), None when another run had claimed it already. A failing send
    gives the period back and raises.
    """
    since = watch_settings.digest_covered_until
    claimed = WatchSettings.objects.filter(pk=watch_settings.pk, digest_covered_until=since).update(
        digest_covered_until=now
    )
    if not claimed:
        return None
    events = watch_events(user=watch_settings.user, since=since, until=now)
    if not events.events:
        return False
    try:
        _digest_message(watch_settings, events=events, since=since).send()
    except Exception:
        WatchSettings.objects.filter(pk=watch_settings.pk, digest_covered_until=now).update(
            digest_covered_until=since
        )
        raise
    return True


def _digest_message(
    watch_settings: WatchSettings, *, events: WatchEvents, since: datetime
) -> EmailMultiAlternatives:
    user = watch_settings.user
    unsubscribe = settings.SITE_URL + reverse(
        "watch-unsubscribe", kwargs={"token": unsubscribe_token(user=user)}
    )
    context = {
        "user": user,
        "events": events,
        "since": since,
        "period": watch_settings.get_digest_display().lower(),
        "site_url": settings.SITE_URL,
        "settings_url": settings.SITE_URL + reverse("watching"),
        "unsubscribe_url": unsubscribe,
    }
    message = EmailMultiAlternatives(
        subject=f"packagegrid: your {context['period']} digest",
        body=render_to_string("watching/digest.txt", context),
        to=[user.email],
        # RFC 8058: mail clients show an unsubscribe button that POSTs to this URL.
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("watching/digest.html", context), "text/html")
    return message
