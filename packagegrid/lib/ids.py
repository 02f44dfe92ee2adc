"""Object ids in URLs: ASCII digits that fit a bigint primary key, nothing else.

Importing this module registers the `<id:...>` URL converter (see IdConverter).
"""

from __future__ import annotations

import re

from django.urls import register_converter

# Primary keys are bigint columns.
MAX_ID = 2**63 - 1
# `str.isdigit()` and `\d` accept other scripts' digits (`²`, `١٢`), and `int()` turns some
# of them into numbers: an id is ASCII digits only, at most 19 of them (a bigint).
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(text: str) -> int | None:
    """The id written in `text`, or None when it is not ASCII digits or exceeds a bigint.

    >>> parse_id("12"), parse_id("١٢"), parse_id("²"), parse_id("9" * 30)
    (12, None, None, None)
    """
    if not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


class IdConverter:
    """The `<id:...>` URL converter: like `<int:...>`, but a number too large for a bigint
    does not match (so the URL answers 404 instead of overflowing the database driver)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(f"Not an id: {value!r}")  # the resolver answers 404
        return parsed

    def to_url(self, value: int) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
