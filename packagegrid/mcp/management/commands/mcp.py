"""`packagegrid mcp [--http [--host H] [--port P]]`: the MCP server over stdio, or the
site with its `/mcp/` endpoint over HTTP."""

from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandParser

from packagegrid.mcp.server import build_server


class Command(BaseCommand):
    help = (
        "Serve the MCP server (tools: search_packages, package_health, compare_packages, "
        "compatibility, grid) over stdio, for a client that starts it as a subprocess. "
        "With --http, serve the site and its streamable HTTP endpoint /mcp/ instead "
        "(packagegrid.asgi under uvicorn, for local use)."
    )
    # stdout is the protocol's channel: nothing else may be written to it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--http", action="store_true", help="Serve HTTP, not stdio.")
        parser.add_argument("--host", default="127.0.0.1", help="HTTP address (127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="HTTP port (8000).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["http"]:
            uvicorn.run("packagegrid.asgi:application", host=options["host"], port=options["port"])
            return
        build_server().run("stdio")
