"""Content versions: one row per thing a page can show, whose token changes with it."""

from django.db import models
from django.utils import timezone


class ContentVersion(models.Model):
    """The version of one part of the content: a package, a grid, a category or a list.

    `key` names the part ("package:42", "package:django-rest-framework", "grid:7",
    "category:apis", "packages", "grids", "categories", "users", "site"). The token is
    replaced by a random one each time a value shown of that part changes, and
    `changed_at` records when; cached responses and fragments are keyed by the tokens of
    what they show. A random token (not a counter) means a key can never come back to a
    value an older cached page was stored under.
    """

    key = models.CharField(max_length=200, unique=True)
    token = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key} version {self.token}"
