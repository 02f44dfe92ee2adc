"""Helpers for the grid editor's view tests (the people who act are in
packagegrid/conftest.py: `log_in`, `csrf_client`).

Every test module that posts imports `fresh_cache` (the rate limits count in the cache).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from packagegrid.catalog.models import EditRecord, Package
from packagegrid.catalog.selectors import history_for
from packagegrid.conftest import add_to_grid, make_feature, make_grid, make_package
from packagegrid.grids.models import Feature, Grid

HTMX = {"HX-Request": "true"}


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def small_grid(**fields: Any) -> tuple[Grid, list[Package], Feature]:
    """A grid "auth" of two packages and one feature, with no cells."""
    grid = make_grid(title="Auth", slug="auth", **fields)
    packages = [
        make_package(title="Alpha", repo={"stars": 2}),
        make_package(title="Bravo", repo={"stars": 1}),
    ]
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
