"""The content version: one row whose token changes with every write to the content."""

from django.db import models


class ContentVersion(models.Model):
    """A random token replaced on each change; cached responses are keyed by it.

    Updated inside the writing transaction, so readers see the new token exactly when
    they can see the new data, and a rolled-back write leaves the old one. A random token
    (not a counter) means a rolled-back change can never reuse the key of another.
    """

    token = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"content version {self.token}"
