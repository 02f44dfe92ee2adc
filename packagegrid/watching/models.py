"""What a person watches (packages and grids) and how they hear about it."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from packagegrid.catalog.models import Package
from packagegrid.grids.models import Grid

# 32 random bytes, URL-safe: 43 characters.
FEED_TOKEN_LENGTH = 43


def new_feed_token() -> str:
    """A fresh secret for a private feed's URL."""
    return secrets.token_urlsafe(32)


class Watch(models.Model):
    """A person watching one package or one grid (exactly one of the two)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    package = models.ForeignKey(
        Package, null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    grid = models.ForeignKey(
        Grid, null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(package__isnull=False, grid__isnull=True)
                    | models.Q(package__isnull=True, grid__isnull=False)
                ),
                name="watch_package_or_grid",
            ),
            models.UniqueConstraint(
                fields=["user", "package"],
                condition=models.Q(package__isnull=False),
                name="unique_package_watch",
            ),
            models.UniqueConstraint(
                fields=["user", "grid"],
                condition=models.Q(grid__isnull=False),
                name="unique_grid_watch",
            ),
        ]

    def __str__(self) -> str:
        target = f"package {self.package_id}" if self.package_id else f"grid {self.grid_id}"
        return f"{self.user_id} watches {target}"


class WatchSettings(models.Model):
    """How a person hears about what they watch: an e-mail digest and a private feed."""

    class Digest(models.TextChoices):
        NONE = "none", "No e-mail"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_settings"
    )
    digest = models.CharField(max_length=10, choices=Digest.choices, default=Digest.WEEKLY)
    # The secret in the private feed's URL; regenerating it retires the old URL.
    feed_token = models.CharField(max_length=FEED_TOKEN_LENGTH, unique=True, default=new_feed_token)
    # The end of the period the last digest covered; the next one starts there. Set
    # when the settings are made, so a first digest covers only what happened since.
    digest_covered_until = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "watch settings"

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest}"
