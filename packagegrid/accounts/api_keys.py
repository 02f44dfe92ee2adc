"""API keys: made and revoked by their owner, looked up by their SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from packagegrid.accounts.models import ApiKey

# The most live keys one person may hold.
MAX_KEYS = 10
_PREFIX = "pg_"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class NewKey:
    record: ApiKey
    key: str  # shown once; only its hash is stored


def api_key_create(*, user: User, name: str) -> NewKey:
    """Make a key for `user`: 32 random bytes, URL-safe. Raises ValueError past MAX_KEYS."""
    if api_keys_of(user=user).count() >= MAX_KEYS:
        raise ValueError(f"You have {MAX_KEYS} keys already; revoke one first.")
    key = _PREFIX + secrets.token_urlsafe(32)
    record = ApiKey.objects.create(
        user=user, name=name.strip() or "API key", prefix=key[:10], key_hash=key_hash(key)
    )
    return NewKey(record=record, key=key)


def api_key_revoke(*, user: User, key_id: int) -> bool:
    """Revoke one of `user`'s live keys; False when they have no such key."""
    return bool(
        ApiKey.objects.filter(user=user, pk=key_id, revoked__isnull=True).update(
            revoked=timezone.now()
        )
    )


def api_keys_of(*, user: User) -> QuerySet[ApiKey]:
    """`user`'s live keys, newest first."""
    return ApiKey.objects.filter(user=user, revoked__isnull=True).order_by("-created", "-id")


def api_key_id(key: str) -> int | None:
    """The id of the live key `key` (one query), or None when there is none."""
    if not key.startswith(_PREFIX) or len(key) > 100:
        return None
    found = (
        ApiKey.objects.filter(key_hash=key_hash(key), revoked__isnull=True)
        .values_list("id", flat=True)
        .first()
    )
    return found
