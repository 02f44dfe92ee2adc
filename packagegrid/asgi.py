"""ASGI entry point: `/mcp/` is the MCP server's streamable HTTP transport, every other
path is Django. `gunicorn packagegrid.asgi -k asgi` serves both (`packagegrid.wsgi`
serves the site alone).

Lifespan events go to the MCP app, which runs the SDK's session manager; Django's ASGI
handler takes HTTP only.
"""

import os

from django.core.asgi import get_asgi_application
from starlette.types import Receive, Scope, Send

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "packagegrid.settings")

django_application = get_asgi_application()  # sets Django up first

from packagegrid.mcp.server import HTTP_PATH, mcp_http_app  # noqa: E402  # needs Django set up

mcp_application = mcp_http_app()


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    path: str = scope.get("path", "")
    if scope["type"] == "lifespan" or path == HTTP_PATH.rstrip("/") or path.startswith(HTTP_PATH):
        await mcp_application(scope, receive, send)
    else:
        await django_application(scope, receive, send)  # type: ignore[arg-type]  # stubs: narrower ASGI types
