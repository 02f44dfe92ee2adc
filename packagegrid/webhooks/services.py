"""Writes of outgoing webhooks: requesting and approving subscriptions, turning the change
feed into deliveries, and sending them.

Events come from the change feed itself: the dispatcher reads it with its own cursor
(`DispatchPosition`, locked while it reads), so it gets every committed change exactly
once under concurrent writers, as any reader of the feed does, and makes one delivery per
matching event and approved subscription. A subscription gets the events of changes
recorded after its approval. Deliveries are sent by the task worker, each attempt one
POST; a failure (a connection error, a timeout, any answer but 2xx) is tried again later
with exponential backoff, until WEBHOOK_MAX_ATTEMPTS.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from packagegrid.changes.selectors import CursorExpired, Position, changes_after
from packagegrid.fetchers.http import HttpClient, HttpError
from packagegrid.webhooks.destinations import destination_refusal
from packagegrid.webhooks.events import events_of
from packagegrid.webhooks.models import Delivery, DispatchPosition, Event, Subscription

SIGNATURE_HEADER = "X-Packagegrid-Signature"
DELIVERY_HEADER = "X-Packagegrid-Delivery"
EVENT_HEADER = "X-Packagegrid-Event"
MAX_SUBSCRIPTIONS_PER_USER = 10
_url = URLValidator(schemes=["http", "https"])


def signature(*, secret: str, body: bytes) -> str:
    """The `X-Packagegrid-Signature` value: `sha256=<hex HMAC-SHA256 of body>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@transaction.atomic
def subscription_request(*, user: User, url: str, events: list[str]) -> Subscription:
    """Ask for a subscription of `url` to `events`; it waits for staff approval.

    The returned subscription's `secret` is to be shown to `user` once. Raises
    ValidationError (nothing saved) for an invalid or refused URL (see
    `destination_refusal`), no or unknown events, or more than MAX_SUBSCRIPTIONS_PER_USER.
    """
    url = url.strip()
    try:
        _url(url)
    except ValidationError:
        raise ValidationError({"url": ["Enter an http or https URL."]}) from None
    if len(url) > Subscription._meta.get_field("url").max_length:  # type: ignore[operator]  # CharField
        raise ValidationError({"url": ["At most 500 characters, please."]})
    refusal = destination_refusal(url)
    if refusal:
        raise ValidationError({"url": [refusal]})
    unknown = set(events) - set(Event.values)
    if not events or unknown:
        raise ValidationError({"events": ["Choose one or more of the events listed."]})
    if Subscription.objects.filter(user=user).count() >= MAX_SUBSCRIPTIONS_PER_USER:
        raise ValidationError(
            {"url": [f"At most {MAX_SUBSCRIPTIONS_PER_USER} subscriptions a person."]}
        )
    return Subscription.objects.create(
        user=user,
        url=url,
        events=sorted(set(events)),
        secret=secrets.token_hex(32),
    )


@transaction.atomic
def subscription_decide(*, subscription: Subscription, user: User, approve: bool) -> Subscription:
    """Approve (or reject) a subscription as staff member `user`; it gets the events of
    changes recorded from now on. Deciding again (e.g. approving a rejected one) is
    allowed; the caller checks `user` is staff."""
    subscription.status = Subscription.Status.APPROVED if approve else Subscription.Status.REJECTED
    subscription.decided_by = user
    subscription.decided_at = timezone.now()
    subscription.save(update_fields=["status", "decided_by", "decided_at"])
    return subscription


def payload_for(
    *, event: str, delivery: Delivery, change_fields: dict[str, object]
) -> dict[str, object]:
    return {"event": event, "delivery": str(delivery.delivery_id), "change": change_fields}


DISPATCH_PAGE = 500


@transaction.atomic
def webhooks_dispatch_page(*, limit: int = DISPATCH_PAGE) -> tuple[list[int], bool]:
    """Read the next page of the change feed after the dispatcher's position, make its
    deliveries and move the position on, in one transaction; returns the new deliveries'
    ids and whether more changes wait.

    Concurrent dispatchers wait for each other on the position row. A position older
    than the changes kept (a dispatcher stopped for longer than the retention) goes on
    from the oldest change kept.
    """
    position, _ = DispatchPosition.objects.select_for_update().get_or_create(pk=1)
    after = Position(position.txid, position.change_id) if position.started else None
    try:
        page = changes_after(after=after, limit=limit)
    except CursorExpired:
        page = changes_after(after=None, limit=limit)
    subscriptions = list(
        Subscription.objects.filter(status=Subscription.Status.APPROVED).only(
            "id", "events", "decided_at"
        )
    )
    deliveries: list[Delivery] = []
    for change in page.changes:
        events = events_of(change)
        if not events:
            continue
        body = {
            "kind": change.kind,
            "id": change.object_id,
            "action": change.action,
            "fields": change.fields,
            "at": change.at.isoformat(),
        }
        for subscription in subscriptions:
            if subscription.decided_at is None or change.at < subscription.decided_at:
                continue
            for event in events:
                if event in subscription.events:
                    delivery = Delivery(subscription=subscription, event=event, payload={})
                    delivery.payload = payload_for(
                        event=event, delivery=delivery, change_fields=body
                    )
                    deliveries.append(delivery)
    Delivery.objects.bulk_create(deliveries)
    position.txid, position.change_id = page.position.txid, page.position.change_id
    position.started = True
    position.save(update_fields=["txid", "change_id", "started"])
    return [delivery.pk for delivery in deliveries], page.has_more


@dataclass(frozen=True)
class AttemptResult:
    status: str
    retry_at: datetime | None = None


def delivery_backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: WEBHOOK_RETRY_SECONDS doubled each
    time, at most a day."""
    seconds = settings.WEBHOOK_RETRY_SECONDS * 2 ** min(attempts - 1, 20)
    return timedelta(seconds=min(seconds, 86_400))


def delivery_attempt(
    *, delivery_id: int, client: HttpClient | None = None, now: datetime | None = None
) -> AttemptResult:
    """Send a pending delivery once and log the outcome on it.

    2xx: delivered. Anything else (a timeout, a refused connection, a redirect, 4xx,
    5xx, a destination now refused) counts one failed attempt: the delivery is given up
    after WEBHOOK_MAX_ATTEMPTS, else `retry_at` says when to try again. A delivery that
    is not pending (already delivered or given up) is left alone. No transaction is held
    while the request runs.
    """
    delivery = Delivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != Delivery.Status.PENDING:
        return AttemptResult(status=delivery.status if delivery else "missing")
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    code: int | None = None
    error = ""
    if subscription.status != Subscription.Status.APPROVED:
        error = "The subscription is no longer approved."
    else:
        error = destination_refusal(subscription.url) or ""
    if not error:
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(secret=subscription.secret, body=body),
            DELIVERY_HEADER: str(delivery.delivery_id),
            EVENT_HEADER: delivery.event,
        }
        own_client = client is None
        client = client or HttpClient(retries=0)
        try:
            response = client.request("POST", subscription.url, headers=headers, content=body)
            code = response.status_code
            if not 200 <= code < 300:
                error = f"HTTP {code}"
        except HttpError as failure:
            code, error = failure.status, str(failure)
        finally:
            if own_client:
                client.close()
    now = now or timezone.now()
    attempts = delivery.attempts + 1
    values: dict[str, object] = {"attempts": attempts, "response_code": code, "last_error": error}
    retry_at: datetime | None = None
    if not error:
        values.update(status=Delivery.Status.SUCCEEDED, delivered_at=now, next_attempt_at=None)
    elif (
        attempts >= settings.WEBHOOK_MAX_ATTEMPTS
        or subscription.status != Subscription.Status.APPROVED
    ):
        values.update(status=Delivery.Status.FAILED, next_attempt_at=None)
    else:
        retry_at = now + delivery_backoff(attempts)
        values.update(next_attempt_at=retry_at)
    # Only if no other attempt of it finished meanwhile (compare-and-set on `attempts`).
    updated = Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.PENDING, attempts=delivery.attempts
    ).update(**values)
    if not updated:
        return AttemptResult(status="raced")
    return AttemptResult(
        status=str(values.get("status", Delivery.Status.PENDING)), retry_at=retry_at
    )
