"""The GitHub webhook's input and bookkeeping: payload validation and replay refusal."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from packagegrid.fetchers.models import WebhookDelivery
from packagegrid.lib.repo_urls import InvalidRepoURL, RepoRef, parse_repo_url

# How long a delivery id is remembered; GitHub redelivers by hand, within days at most,
# and a replayed body is refused for this long.
DELIVERY_MEMORY = timedelta(hours=24)
# GitHub sends a GUID; anything printable and short is accepted, the rest refused.
_DELIVERY_ID = re.compile(r"[A-Za-z0-9-]{1,100}")


class BadPayload(ValueError):
    """The request is not a repository event we can read; the message says why."""


class _Repository(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    html_url: str = Field(max_length=500)


class _RepositoryEvent(BaseModel):
    # Reference: https://docs.github.com/en/webhooks/webhook-events-and-payloads
    model_config = ConfigDict(extra="ignore", strict=True)

    repository: _Repository


def delivery_id_from_header(value: str | None) -> str:
    """The `X-GitHub-Delivery` header value; raises BadPayload when missing or malformed."""
    if not value:
        raise BadPayload("Missing X-GitHub-Delivery header.")
    if not _DELIVERY_ID.fullmatch(value):
        raise BadPayload("Malformed X-GitHub-Delivery header.")
    return value


def webhook_repository(body: bytes) -> RepoRef:
    """The repository a webhook body names in `repository.html_url`.

    Raises BadPayload when the body is not JSON, lacks `repository.html_url`, holds a
    non-string there, or the URL is not a valid repository URL.
    """
    try:
        event = _RepositoryEvent.model_validate_json(body)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
            for error in exc.errors(include_url=False)
        )
        raise BadPayload(f"Expected a repository event ({problems}).") from None
    try:
        return parse_repo_url(event.repository.html_url)
    except InvalidRepoURL:
        raise BadPayload("repository.html_url is not a repository URL.") from None


def webhook_delivery_claim(*, delivery_id: str, now: datetime | None = None) -> bool:
    """Record `delivery_id` as handled; False when it was already handled within
    DELIVERY_MEMORY (a replay). Prunes ids older than that first.

    Two workers racing on one id: the unique constraint lets exactly one of them claim it.
    """
    now = now or timezone.now()
    WebhookDelivery.objects.filter(received_at__lt=now - DELIVERY_MEMORY).delete()
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(delivery_id=delivery_id, received_at=now)
    except IntegrityError:
        return False
    return True
