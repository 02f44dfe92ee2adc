"""Where a webhook may be sent: http(s) URLs of public addresses only.

A subscription names any URL, and the site then sends requests to it: pointed at
127.0.0.1, 10.x or a cloud metadata address it would make the site probe its own
network. So every address the host resolves to must be global, unless
`WEBHOOKS_ALLOW_PRIVATE` is on (development and tests, whose servers run on 127.0.0.1).
The check runs when a subscription is requested and again before every delivery, as
DNS answers can change; redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


def destination_refusal(url: str) -> str | None:
    """Why `url` may not receive webhooks, or None when it may.

    Refuses other schemes than http and https, URLs with credentials or without a host,
    hosts that do not resolve, and (unless WEBHOOKS_ALLOW_PRIVATE) any resolved address
    that is not global: loopback, private, link-local, reserved, multicast.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "This is not a valid URL."
    if parts.scheme not in ("http", "https"):
        return "Only http and https URLs can receive webhooks."
    if not parts.hostname:
        return "The URL has no host."
    if parts.username or parts.password:
        return "Put no credentials in the URL; verify the signature instead."
    try:
        infos = socket.getaddrinfo(
            parts.hostname,
            port or (443 if parts.scheme == "https" else 80),
            type=socket.SOCK_STREAM,
        )
    except (socket.gaierror, UnicodeError):
        return f"The host {parts.hostname} cannot be resolved."
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            return f"The host {parts.hostname} is a private or local address ({address})."
    return None
