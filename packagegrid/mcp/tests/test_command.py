"""`packagegrid mcp`: the server over stdio, started as a subprocess by the SDK's own
client, on a copy of the test database."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from packagegrid.conftest import make_grid, make_package

# The subprocess reads the database through its own connection: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def _database_url(tmp_path: Path) -> str:
    """A URL the subprocess can open holding the test database's rows: a file copy of
    SQLite's in-memory database, or PostgreSQL's test database itself."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = tmp_path / "copy.sqlite3"
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{target}"
    user = f"{settings['USER']}:{settings['PASSWORD']}@" if settings["USER"] else ""
    return f"postgres://{user}{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def test_it_answers_the_tools_over_stdio(tmp_path: Path) -> None:
    package = make_package(slug="django-widgets", title="django-widgets")
    make_grid(packages=[package], features=1, slug="widgets")
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": _database_url(tmp_path),
        "DJANGO_SETTINGS_MODULE": "packagegrid.settings",
    }
    server = StdioServerParameters(
        command=sys.executable, args=["-m", "packagegrid", "mcp"], env=env
    )

    async def session() -> tuple[Any, Any, Any]:
        async with Client(server) as client:
            tools = await client.list_tools()
            grid = await client.call_tool("grid", {"slug": "widgets"})
            missing = await client.call_tool("package_health", {"slug": "django-nope"})
            return tools, grid, missing

    tools, grid, missing = async_to_sync(session)()
    assert len(tools.tools) == 5
    assert not grid.is_error
    assert [p["slug"] for p in grid.structured_content["packages"]] == ["django-widgets"]
    assert grid.structured_content["features"] == [{"title": "Feature 1", "description": ""}]
    assert missing.is_error
    assert "No package has the slug 'django-nope'" in missing.content[0].text
