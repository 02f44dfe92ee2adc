"""Background work of the webhooks, run by `packagegrid worker`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import task

from packagegrid.webhooks.models import Subscription
from packagegrid.webhooks.services import delivery_attempt, webhooks_dispatch_page


@task()
def dispatch_webhooks() -> int:
    """Turn the new changes of the feed into deliveries and enqueue them; returns how many."""
    made = 0
    while True:
        ids, more = webhooks_dispatch_page()
        for delivery_id in ids:
            deliver_webhook.enqueue(delivery_id)
        made += len(ids)
        if not more:
            return made


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Send one delivery; on a failure, enqueue the next attempt after its backoff."""
    result = delivery_attempt(delivery_id=delivery_id)
    if result.retry_at is not None:
        deliver_webhook.using(run_after=result.retry_at).enqueue(delivery_id)
    return result.status


def wake_dispatcher(**kwargs: Any) -> None:
    """After a transaction that recorded changes commits: dispatch them, when anyone
    subscribed (one EXISTS query otherwise)."""
    if Subscription.objects.filter(status=Subscription.Status.APPROVED).exists():
        transaction.on_commit(dispatch_webhooks.enqueue)
