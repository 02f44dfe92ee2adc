"""The streamable HTTP transport at /mcp/: `packagegrid.asgi` served by uvicorn on
127.0.0.1, called through the SDK's own client."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import httpx2
import pytest
import uvicorn
from asgiref.sync import SyncToAsync, async_to_sync
from django.contrib.auth.models import User
from django.core.asgi import get_asgi_application
from django.db import connections
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from pytest_django.fixtures import Settings

from packagegrid.accounts.api_keys import api_key_create
from packagegrid.conftest import make_package
from packagegrid.mcp.server import with_mcp

# The server's threads read the database through their own connections: the data must
# be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_url() -> Iterator[str]:
    """The base URL of packagegrid.asgi's application served on a free port, lifespan
    included (a new one each time: the SDK's session manager runs once per app)."""
    application = with_mcp(get_asgi_application())  # type: ignore[arg-type]  # stubs: narrower ASGI types
    config = uvicorn.Config(application, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    # The tools ran on asgiref's thread for thread-sensitive work (no request wrapped
    # them): close its connection, or PostgreSQL cannot drop the test database.
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


def test_it_answers_the_tools_over_streamable_http(live_url: str) -> None:
    make_package(slug="django-widgets", title="django-widgets")

    async def session() -> tuple[list[str], Any, Any]:
        async with Client(f"{live_url}/mcp/") as client:
            tools = [tool.name for tool in (await client.list_tools()).tools]
            found = await client.call_tool("package_health", {"slug": "django-widgets"})
            missing = await client.call_tool("grid", {"slug": "nope"})
            return tools, found, missing

    tools, found, missing = async_to_sync(session)()
    assert sorted(tools) == [
        "compare_packages",
        "compatibility",
        "grid",
        "package_health",
        "search_packages",
    ]
    assert not found.is_error
    assert found.structured_content["package"]["slug"] == "django-widgets"
    assert missing.is_error
    assert "No grid has the slug 'nope'" in missing.content[0].text


def test_it_serves_the_site_on_every_other_path(live_url: str) -> None:
    response = httpx.get(f"{live_url}/robots.txt")
    assert response.status_code == 200
    assert "Sitemap:" in response.text


def test_it_refuses_a_host_outside_allowed_hosts(live_url: str) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    response = httpx.post(
        f"{live_url}/mcp/",
        json=body,
        headers={"Host": "attacker.example", "Accept": "application/json, text/event-stream"},
    )
    assert response.status_code == 400
    assert response.text == "Invalid Host header."


_LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
_MCP_HEADERS = {"Accept": "application/json, text/event-stream"}


def test_it_counts_against_the_api_rate_limit(live_url: str, settings: Settings) -> None:
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_PERIOD = 10**9  # no window ends while the test runs
    first = httpx.post(f"{live_url}/mcp/", json=_LIST_TOOLS, headers=_MCP_HEADERS)
    assert first.status_code == 200
    assert "search_packages" in first.text
    assert (first.headers["RateLimit-Limit"], first.headers["RateLimit-Remaining"]) == ("3", "2")
    assert 1 <= int(first.headers["RateLimit-Reset"]) <= 10**9
    # One count per address over /mcp/ and the API.
    api = httpx.get(f"{live_url}/api/v5/")
    assert api.headers["RateLimit-Remaining"] == "1"
    assert httpx.post(f"{live_url}/mcp/", json=_LIST_TOOLS, headers=_MCP_HEADERS).is_success
    refused = httpx.post(f"{live_url}/mcp/", json=_LIST_TOOLS, headers=_MCP_HEADERS)
    assert refused.status_code == 429
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert 1 <= int(refused.headers["Retry-After"]) <= 10**9
    assert "throttled" in refused.json()["detail"]


def test_the_sdk_client_sees_the_limit_and_a_key_raises_it(
    live_url: str, settings: Settings, alice: User
) -> None:
    settings.API_RATE_LIMIT, settings.API_RATE_LIMIT_KEY = 1, 50
    settings.API_RATE_PERIOD = 10**9
    key = api_key_create(user=alice, name="assistant").key
    seen: list[httpx2.Response] = []

    async def remember(response: httpx2.Response) -> None:
        seen.append(response)

    async def session(headers: dict[str, str]) -> list[str]:
        http = httpx2.AsyncClient(headers=headers, event_hooks={"response": [remember]})
        transport = streamable_http_client(f"{live_url}/mcp/", http_client=http)
        async with http, Client(transport) as client:
            return [tool.name for tool in (await client.list_tools()).tools]

    assert "grid" in async_to_sync(session)({"Authorization": f"Api-Key {key}"})
    assert {r.headers["RateLimit-Limit"] for r in seen} == {"50"}
    remaining = [int(r.headers["RateLimit-Remaining"]) for r in seen]
    assert remaining == sorted(remaining, reverse=True) and remaining[-1] < 49
    seen.clear()
    with pytest.raises(ExceptionGroup):  # the SDK's task group fails with the 429
        async_to_sync(session)({})  # its second request is past a limit of 1
    assert [r.status_code for r in seen] == [200, 429]
    assert seen[-1].headers["RateLimit-Remaining"] == "0"
    assert int(seen[-1].headers["Retry-After"]) >= 1


def test_an_unknown_key_is_refused(live_url: str) -> None:
    response = httpx.post(
        f"{live_url}/mcp/", json=_LIST_TOOLS, headers={**_MCP_HEADERS, "X-API-Key": "pg_nope"}
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Unknown or revoked API key."}
