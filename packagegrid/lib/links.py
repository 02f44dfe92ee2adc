"""Outside links shown on pages (a package's repository, a person's code-host pages)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str
    is_web: bool  # http(s): safe to render as a link; anything else is shown as text


def is_web_url(url: str) -> bool:
    """True when `url` is an absolute http(s) URL with a host, safe for an href."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc)
