"""The MCP server: five read-only tools over `packagegrid.mcp.selectors`.

`build_server()` makes the server that `packagegrid mcp` runs over stdio; `mcp_http_app()`
is the ASGI app of its streamable HTTP transport, which `packagegrid.asgi` mounts at
`/mcp/`. Build either after `django.setup()`: the SDK then finds Django's logging
configured and leaves it alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connection
from django.http.request import split_domain_port, validate_host
from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import ToolAnnotations
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from packagegrid.api.throttle import RateCount, api_key_from, api_rate_count
from packagegrid.limits.addresses import client_address_from
from packagegrid.mcp import selectors
from packagegrid.mcp.selectors import ToolInputError

HTTP_PATH = "/mcp/"
INSTRUCTIONS = (
    "packagegrid is a directory of reusable Django packages. Find packages with "
    "search_packages (optionally only those whose classifiers name a Django or Python "
    "release), then ask package_health for why a package has its health score, "
    "compatibility for whether it supports a Django release and which sources say so, "
    "compare_packages to see several side by side, and grid for a feature comparison "
    "grid. Packages and grids are named by their slug, as in their page's address. "
    "Every answer links the page on the site that shows the same facts."
)
READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)


def _as_request(read: Callable[..., dict[str, Any]], arguments: dict[str, Any]) -> dict[str, Any]:
    """Run one read as Django runs a request: connections past their age or broken are
    closed before and after (inside a transaction, as in tests, they are kept)."""
    fresh = not connection.in_atomic_block
    if fresh:
        close_old_connections()
    try:
        return read(**arguments)
    finally:
        if fresh:
            close_old_connections()


async def _run(read: Callable[..., dict[str, Any]], **arguments: Any) -> dict[str, Any]:
    """Run a selector on Django's one thread for database work; bad input becomes a
    tool error whose message the model reads."""
    try:
        return await sync_to_async(_as_request, thread_sensitive=True)(read, arguments)
    except ToolInputError as exc:
        raise ToolError(str(exc)) from None


def build_server() -> MCPServer:
    """The packagegrid MCP server with its five tools."""
    server: MCPServer = MCPServer(
        "packagegrid",
        title="packagegrid",
        description="A directory of reusable Django packages: search, health, compatibility "
        "and comparison grids.",
        instructions=INSTRUCTIONS,
        website_url=settings.SITE_URL,
    )

    @server.tool(annotations=READ_ONLY)
    async def search_packages(
        query: str, django_version: str | None = None, python_version: str | None = None
    ) -> dict[str, Any]:
        """Search the directory's packages, best match first (the site's search ranking).

        query: words, e.g. "rest api", "two factor auth", "celery".
        django_version / python_version: a feature release such as "5.2" or "3.13"; only
        packages whose trove classifiers name it are returned.
        Each result has its slug, page, description, stars, licence, health score,
        lifecycle with its reason, and the Django and Python releases it supports.
        """
        return await _run(
            selectors.mcp_search_packages,
            query=query,
            django_version=django_version,
            python_version=python_version,
        )

    @server.tool(annotations=READ_ONLY)
    async def package_health(slug: str) -> dict[str, Any]:
        """A package's health, explained: its score and axes, every factor with its
        points and explanation, its lifecycle and why, the Django, Python and Wagtail
        releases it supports with the sources that say so, open security advisories,
        latest release and licence (the API v5 representation).

        slug: the package's slug, as in https://<site>/packages/p/<slug>/.
        """
        return await _run(selectors.mcp_package_health, slug=slug)

    @server.tool(annotations=READ_ONLY)
    async def compare_packages(slugs: list[str]) -> dict[str, Any]:
        """Several packages side by side, in the order given: each one's health,
        lifecycle, support, stars and usage, and the feature rows of the grids they share.

        slugs: two or more package slugs (at most 25). Unknown ones are listed in not_found.
        """
        return await _run(selectors.mcp_compare_packages, slugs=slugs)

    @server.tool(annotations=READ_ONLY)
    async def compatibility(slug: str, django_version: str) -> dict[str, Any]:
        """Whether a package supports a Django feature release: "ready" (some source
        names it), "not declared" (it names other Django releases only) or "unknown"
        (it names none), the sources (classifiers, requires_python, requires_dist, CI
        matrix), the release's support dates and the package's whole compatibility.

        slug: the package's slug. django_version: a feature release such as "5.2".
        """
        return await _run(selectors.mcp_compatibility, slug=slug, django_version=django_version)

    @server.tool(annotations=READ_ONLY)
    async def grid(slug: str) -> dict[str, Any]:
        """A comparison grid: its features and its packages (most starred first), each
        with its value for every feature (Markdown text) and its health.

        slug: the grid's slug, as in https://<site>/grids/g/<slug>/.
        """
        return await _run(selectors.mcp_grid, slug=slug)

    return server


class _AllowedHostsOnly:
    """Answers 400 to a request whose Host is not in ALLOWED_HOSTS, as Django does: the
    same list guards the site and `/mcp/` (against DNS rebinding, among others)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            domain, _ = split_domain_port(headers.get(b"host", b"").decode("latin-1"))
            if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
                await send({"type": "http.response.start", "status": 400, "headers": []})
                await send({"type": "http.response.body", "body": b"Invalid Host header."})
                return
        await self.app(scope, receive, send)


def _count_request(headers: dict[str, str], peer: str) -> RateCount:
    """Count one request against the API limit, as Django runs a request (see _as_request)."""
    fresh = not connection.in_atomic_block
    if fresh:
        close_old_connections()
    try:
        return api_rate_count(
            key=api_key_from(
                authorization=headers.get("authorization", ""),
                x_api_key=headers.get("x-api-key", ""),
            ),
            address=client_address_from(
                remote=peer, forwarded_for=headers.get("x-forwarded-for", "")
            ),
        )
    finally:
        if fresh:
            close_old_connections()


class _ApiRateLimited:
    """Counts every request but preflights against the API's rate limit, in the same
    count as `/api/` (per address, or per API key), with the same headers, 429 and 401."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") == "OPTIONS":
            await self.app(scope, receive, send)
            return
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope.get("headers") or []
        }
        client = scope.get("client")
        peer = str(client[0]) if client else ""
        counted = await sync_to_async(_count_request, thread_sensitive=True)(headers, peer)
        extra = [(name.encode(), value.encode()) for name, value in counted.headers.items()]
        if counted.refusal is not None:
            body = json.dumps({"detail": counted.detail}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": counted.refusal,
                    "headers": [(b"content-type", b"application/json"), *extra],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def send_counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_counted)


def mcp_http_app() -> ASGIApp:
    """The streamable HTTP transport at HTTP_PATH, stateless with JSON answers: every
        POST is answered on its own, so any worker of any process can take it. Its lifespan
        runs the SDK's session manager; `packagegrid.asgi` passes lifespan events to it. Requests
    count against the API rate limit (`packagegrid.api.throttle`)."""
    app = build_server().streamable_http_app(
        streamable_http_path=HTTP_PATH,
        stateless_http=True,
        json_response=True,
        # Hosts are checked against ALLOWED_HOSTS by _AllowedHostsOnly instead.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    return _AllowedHostsOnly(_ApiRateLimited(app))


def with_mcp(site: ASGIApp) -> ASGIApp:
    """An ASGI app that sends HTTP_PATH to a new `mcp_http_app()` and every other path
    to `site`. Lifespan events go to the MCP app, which runs the SDK's session manager
    (once per app: each server start needs its own); Django's ASGI handler takes HTTP
    only."""
    mcp_app = mcp_http_app()
    exact = HTTP_PATH.rstrip("/")

    async def application(scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] == "lifespan" or path == exact or path.startswith(HTTP_PATH):
            await mcp_app(scope, receive, send)
        else:
            await site(scope, receive, send)

    return application
