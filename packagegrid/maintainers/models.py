"""Verified maintainers: a person whose GitHub account has admin or maintain rights on a
package's repository claims the package (`MaintainerClaim`); everything a claim allowed
them to do is logged publicly (`MaintainerEvent`); a delisting they ask for waits for
staff (`DelistingRequest`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from packagegrid.catalog.models import Package


class MaintainerClaim(models.Model):
    """One person's claim on one package, checked against GitHub.

    A claim is `verified` while GitHub grants the claimant's token admin or maintain
    rights on the repository; it `lapses` when a later check finds the rights gone and is
    `revoked` by staff. Claiming again re-verifies the same row.
    """

    class Status(models.TextChoices):
        VERIFIED = "verified", "Verified"
        LAPSED = "lapsed", "Lapsed"
        REVOKED = "revoked", "Revoked"

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="maintainer_claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="maintainer_claims"
    )
    # The GitHub login as GitHub reported it when the claim was last verified (39 is
    # GitHub's limit).
    github_login = models.CharField(max_length=39)
    # The right GitHub granted at the last check: "admin" or "maintain".
    permission = models.CharField(max_length=10)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.VERIFIED, db_index=True
    )
    created = models.DateTimeField(default=timezone.now)
    # When GitHub last confirmed the rights.
    checked_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ended_maintainer_claims",
    )

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(fields=["package", "user"], name="one_claim_per_person"),
            models.CheckConstraint(
                condition=Q(permission__in=["admin", "maintain"]),
                name="claim_permission_known",
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.github_login} on {self.package_id} ({self.status})"

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class MaintainerEvent(models.Model):
    """One thing a claim did or that happened to it, shown on the package's maintainer page.

    `detail` holds what the event needs to be read later, as JSON: the changed fields of an
    edit, the replacement of a deprecation, the flag and decision of an answer.
    """

    class Kind(models.TextChoices):
        CLAIMED = "claimed", "Claimed the package"
        LAPSED = "lapsed", "Claim lapsed: GitHub no longer grants the rights"
        REVOKED = "revoked", "Claim revoked by staff"
        EDITED = "edited", "Edited the package without review"
        FINISHED = "finished", "Marked the package finished"
        UNFINISHED = "unfinished", "Marked the package as no longer finished"
        DEPRECATED = "deprecated", "Marked the package deprecated"
        UNDEPRECATED = "undeprecated", "Marked the package as no longer deprecated"
        FLAG_ANSWERED = "flag_answered", "Answered a flag"
        DELISTING_REQUESTED = "delisting", "Asked staff to delist the package"
        REFRESHED = "refreshed", "Asked for a refresh"

    claim = models.ForeignKey(MaintainerClaim, on_delete=models.CASCADE, related_name="events")
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="maintainer_events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.JSONField(default=dict, blank=True)
    # Who acted: the maintainer, or the staff member who revoked the claim.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="maintainer_events",
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["package", "-created"], name="maintainer_event_package_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.package_id})"


class DelistingRequest(models.Model):
    """A verified maintainer asking staff to remove their package from the directory.

    Approval deletes the package (recorded in its edit history); the request stays, with
    the package's title, so the decision can still be read afterwards.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for staff"
        APPROVED = "approved", "Approved: delisted"
        REJECTED = "rejected", "Rejected"

    package = models.ForeignKey(
        Package,
        null=True,
        on_delete=models.SET_NULL,
        related_name="delisting_requests",
    )
    package_title = models.CharField(max_length=100)
    claim = models.ForeignKey(
        MaintainerClaim, null=True, on_delete=models.SET_NULL, related_name="delisting_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="delisting_requests",
    )
    reason = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolved_delisting_requests",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            # One open request per package: a second would only lengthen the queue.
            models.UniqueConstraint(
                fields=["package"], condition=Q(status="open"), name="one_open_delisting"
            ),
        ]

    def __str__(self) -> str:
        return f"Delist {self.package_title} ({self.status})"
