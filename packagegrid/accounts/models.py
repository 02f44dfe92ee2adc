"""A person's public profile beside Django's user."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from packagegrid.catalog.models import TimestampedModel


class Profile(TimestampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    github_account = models.CharField(max_length=40, blank=True, db_index=True)
    bitbucket_url = models.CharField(max_length=100, blank=True)
    gitlab_url = models.CharField(max_length=100, blank=True)
    share_favorites = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.github_account or str(self.user)


class ApiKey(models.Model):
    """A key a person made for the API's higher rate limit. Only its SHA-256 is stored:
    the key itself is shown once, when it is made. Keys are read-only: they raise the
    limit and grant nothing else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=12, help_text="The key's first characters, to tell keys apart."
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
