"""Fixtures of the webhook tests: receivers run on 127.0.0.1, so private addresses are
allowed here (the default refuses them; test_destinations checks that)."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from packagegrid.webhooks.models import Subscription


@pytest.fixture(autouse=True)
def _private_destinations_allowed(settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_RETRY_SECONDS = 0  # a retry is due at once, so a worker run sees it
    settings.HTTP_TIMEOUT_SECONDS = 2


def approved_subscription(url: str, events: list[str], *, secret: str = "s3cret") -> Subscription:
    """An approved subscription of a new user "hooked" to `events` at `url`."""
    user = User.objects.create_user(f"hooked{User.objects.count()}")
    staff = User.objects.filter(is_staff=True).first() or User.objects.create_user(
        "staff", is_staff=True
    )
    return Subscription.objects.create(
        user=user,
        url=url,
        events=events,
        secret=secret,
        status=Subscription.Status.APPROVED,
        decided_by=staff,
        decided_at=timezone.now(),
    )
