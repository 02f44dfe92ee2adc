"""What `discover` remembers about each PyPI project it checked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from packagegrid.catalog.models import Package


class DiscoveryCandidate(models.Model):
    """One PyPI project that `discover` checked, by its normalised (PEP 503) name.

    `last_serial` and `etags` let the next run skip a project that did not change. A
    project staff rejected or merged into another listing is never proposed again.
    """

    class Status(models.TextChoices):
        NOT_DJANGO = "not_django", "Not a Django package"
        PROPOSED = "proposed", "Listed, waiting for review"
        LISTED = "listed", "Already listed under its repository"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        MERGED = "merged", "Merged into another listing"

    # Decided by a person: `discover` never proposes these again.
    FINAL = frozenset({Status.REJECTED, Status.MERGED})

    name = models.CharField(max_length=200, unique=True)
    last_serial = models.BigIntegerField(null=True, blank=True)
    etags = models.JSONField(default=dict, blank=True)  # URL -> ETag, as a fetch keeps them
    status = models.CharField(max_length=12, choices=Status.choices, db_index=True)
    # The signal that decided (packagegrid.discovery.classifier.Verdict.reason).
    reason = models.CharField(max_length=300, blank=True)
    package = models.ForeignKey(
        Package, null=True, blank=True, on_delete=models.SET_NULL, related_name="discoveries"
    )
    checked_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discovery_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"
