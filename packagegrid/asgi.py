"""ASGI entry point: `/mcp/` is the MCP server's streamable HTTP transport, every other
path is Django. `gunicorn packagegrid.asgi -k asgi` serves both (`packagegrid.wsgi`
serves the site alone)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "packagegrid.settings")

django_application = get_asgi_application()  # sets Django up first

from packagegrid.mcp.server import with_mcp  # noqa: E402  # needs Django set up

application = with_mcp(django_application)  # type: ignore[arg-type]  # stubs: narrower ASGI types
