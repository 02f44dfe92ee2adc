"""Webhook subscriptions (requested by a person, approved by staff) and their deliveries."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Event(models.TextChoices):
    PACKAGE_CREATED = "package.created", "New package"
    RELEASE_CREATED = "release.created", "New release"
    LIFECYCLE_CHANGED = "package.lifecycle_changed", "Lifecycle change"
    ADVISORY = "package.advisory", "Security advisory added, changed or withdrawn"
    GRID_CHANGED = "grid.changed", "Grid change (its packages, features or cells)"


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for staff"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        DISABLED = "disabled", "Disabled"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    # Shown once to the person who asked; kept to sign each delivery (HMAC needs it).
    secret = models.CharField(max_length=100, editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decided_webhook_subscriptions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.url} ({self.get_status_display()})"


class Delivery(models.Model):
    """One event sent (or to be sent) to one subscription; the delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=40, choices=Event.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.event} to {self.subscription_id} ({self.status})"


class DispatchPosition(models.Model):
    """One row: how far the dispatcher has read the change feed."""

    txid = models.BigIntegerField(default=0)
    change_id = models.BigIntegerField(default=0)
    started = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"dispatched through ({self.txid}, {self.change_id})"
