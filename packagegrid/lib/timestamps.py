"""Timestamp rendering shared by the APIs (ORM-free)."""

from datetime import UTC, datetime, tzinfo

from django.utils import timezone


def iso_local(value: datetime | None, zone: tzinfo | None = None) -> str | None:
    """ISO 8601 in the current time zone, microseconds as stored; None stays None.

    Matches DRF's DateTimeField output, including `Z` for UTC:
    `2017-03-30T05:32:33.260750-04:00` in America/New_York.

    `zone` is the current time zone, for callers that write many timestamps: reading it
    (`timezone.get_current_timezone()`, a context-local lookup) cost more than the
    conversion, four times per row of a list. A naive `value` is a ValueError, as in
    `timezone.localtime`.
    """
    if value is None:
        return None
    if value.utcoffset() is None:
        raise ValueError("iso_local() cannot be applied to a naive datetime")
    if zone is None:
        zone = timezone.get_current_timezone()
    text = value.astimezone(zone).isoformat()
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


def iso_utc_millis(value: datetime | None) -> str | None:
    """UTC with milliseconds and `Z`, as djangopackages.org's API v3 writes them.

    That is Django's JSON encoder: the fraction is cut to milliseconds, and left out
    entirely when the time has no microseconds at all.

    >>> iso_utc_millis(datetime(2026, 11, 29, 1, 38, 10, 878123, tzinfo=UTC))
    '2026-11-29T01:38:10.878Z'
    >>> iso_utc_millis(datetime(2026, 11, 29, 1, 38, 10, tzinfo=UTC))
    '2026-11-29T01:38:10Z'
    >>> iso_utc_millis(datetime(2026, 11, 29, 1, 38, 10, 500, tzinfo=UTC))
    '2026-11-29T01:38:10.000Z'
    """
    if value is None:
        return None
    value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    return text + "Z"
