"""A person's public profile beside Django's user."""

from django.conf import settings
from django.db import models

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
