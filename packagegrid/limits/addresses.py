"""The client's address: the one place that reads `REMOTE_ADDR` and `X-Forwarded-For`
(of a Django request, or of an ASGI scope's peer and headers)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """Return the address of the client that sent `request` (see `client_address_from`)."""
    return client_address_from(
        remote=str(request.META.get("REMOTE_ADDR", "")),
        forwarded_for=str(request.META.get("HTTP_X_FORWARDED_FOR", "")),
    )


def client_address_from(*, remote: str, forwarded_for: str) -> str:
    """Return the address of the client, from the peer's address and `X-Forwarded-For`.

    With `TRUSTED_PROXY_COUNT = 0` (the default) this is `remote` and
    `X-Forwarded-For` is ignored: anybody can write that header. With N trusted proxies in
    front of the site, each appends the address it received the request from, so the
    client is the N-th entry from the right; entries to its left were sent by the client
    and are ignored. When the header has fewer entries than N, or the chosen entry is not
    an IP address, the request did not come through the proxies as configured and
    `remote` is returned. Returns "" only when `remote` is missing too.
    """
    remote = remote.strip()
    trusted: int = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if len(hops) < trusted:
        return remote
    candidate = hops[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def address_key(address: str) -> str:
    """Return what limits count an address under: itself, or its /64 network for IPv6.

    One IPv6 host usually holds a whole /64, so counting single addresses would let it
    pick a fresh one per request.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False).network_address) + "/64"
    return str(parsed)
