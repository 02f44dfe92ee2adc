"""Fetch bookkeeping, one row per package and source, apart from the data itself."""

from django.db import models
from django.utils import timezone

from packagegrid.catalog.models import Package


class Source(models.TextChoices):
    GITHUB = "github", "GitHub"
    GITLAB = "gitlab", "GitLab"
    BITBUCKET = "bitbucket", "Bitbucket"
    CODEBERG = "codeberg", "Codeberg"
    PYPI = "pypi", "PyPI"
    GITHUB_CI = "github_ci", "GitHub CI files"
    PYPISTATS = "pypistats", "pypistats.org downloads"


# The state of the package's repository URL itself, apart from any code host: it records a
# URL that cannot be parsed, so that the package, not the run, carries the error.
REPOSITORY = "repository"
STATE_SOURCES = [*Source.choices, (REPOSITORY, "Repository URL")]


class FetchState(models.Model):
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="fetch_states")
    source = models.CharField(max_length=20, choices=STATE_SOURCES)
    # ETag per requested URL, for conditional requests.
    etags = models.JSONField(default=dict, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # When this source was last asked, whatever the answer; a run takes the packages
    # checked longest ago first. Kept here so that an unchanged refresh writes only this row.
    checked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    error_count = models.PositiveIntegerField(default=0, help_text="Consecutive failures.")
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    needs_review = models.BooleanField(
        default=False, help_text="The source said the repository or project is gone."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["package", "source"], name="unique_fetch_state"),
        ]

    def __str__(self) -> str:
        return f"{self.source} state of {self.package_id}"


class WebhookDelivery(models.Model):
    """A webhook delivery id already handled, kept for a day so a replay is refused.

    Stored in the database (not a cache) so that every worker sees it.
    """

    delivery_id = models.CharField(max_length=100, unique=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return self.delivery_id
