"""Reading and changing the content version."""

import secrets

from packagegrid.caching.models import ContentVersion

_ROW = 1


def content_version() -> int:
    """The current token (one query)."""
    token = ContentVersion.objects.filter(pk=_ROW).values_list("token", flat=True).first()
    return token if token is not None else 0


def content_changed() -> None:
    """Invalidate every cached response: call after writes that bypass model signals
    (bulk_create, update(), raw SQL). Part of the caller's transaction."""
    updated = ContentVersion.objects.filter(pk=_ROW).update(token=secrets.randbits(62))
    if not updated:
        ContentVersion.objects.get_or_create(pk=_ROW, defaults={"token": secrets.randbits(62)})
