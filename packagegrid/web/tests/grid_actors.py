"""Named actors and helpers for the grid editor's view tests.

alice is a logged-in person, sam is staff; anonymous visitors use a bare client. Every
test module that posts imports `fresh_cache` (the rate limits count in the cache).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from packagegrid.catalog.models import EditRecord, Package
from packagegrid.catalog.selectors import history_for
from packagegrid.grids.models import Feature, Grid
from packagegrid.web.tests.factories import add_to_grid, make_feature, make_grid, make_package

HTMX = {"HX-Request": "true"}


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def log_in(client: Client, username: str = "alice", *, staff: bool = False) -> User:
    user = User.objects.create_user(username=username, is_staff=staff)
    client.force_login(user)
    return user


def csrf_client(username: str = "alice", *, staff: bool = False) -> tuple[Client, User]:
    """A client that enforces CSRF checks, logged in."""
    client = Client(enforce_csrf_checks=True)
    return client, log_in(client, username, staff=staff)


def small_grid(**fields: Any) -> tuple[Grid, list[Package], Feature]:
    """A grid "auth" of two packages and one feature, with no cells."""
    grid = make_grid(title="Auth", slug="auth", **fields)
    packages = [make_package(title="Alpha", stars=2), make_package(title="Bravo", stars=1)]
    add_to_grid(grid, *packages)
    return grid, packages, make_feature(grid, "Async")


def records(instance: Any) -> list[EditRecord]:
    return list(history_for(instance))


def conflict_cells(html: str, yours: str, current: str) -> bool:
    """Whether the page shows a conflict row with these two values."""
    return (
        f'<td class="history-value conflict-yours">{yours}</td>' in html
        and f'<td class="history-value conflict-current">{current}</td>' in html
    )


def hidden_version(html: str, version: int) -> bool:
    """Whether the page's form carries `version`."""
    return f'name="version" value="{version}"' in html
