"""Comparing while browsing: the "Compare" boxes and the compare tray, in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from packagegrid.conftest import (
    add_to_grid,
    make_feature,
    make_grid,
    make_package,
    set_cell,
)
from packagegrid.web.tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_packages_ticked_on_different_pages_are_compared_from_the_tray(
    page: Page, live_server: object
) -> None:
    axes = make_package(title="django-axes", slug="django-axes", repo={"stars": 30})
    make_package(title="django-filter", slug="django-filter", repo={"stars": 20})
    defender = make_package(title="django-defender", slug="django-defender", repo={"stars": 10})
    grid = make_grid(title="Login throttling")
    add_to_grid(grid, axes, defender)
    feature = make_feature(grid, "Locks out by address")
    set_cell(grid, axes, feature, "✓")

    page.goto(f"{live_server}/packages/")
    tray = page.get_by_role("form", name="Packages to compare")
    expect(tray).to_be_hidden()
    page.get_by_label("Compare django-axes").check()
    expect(tray).to_be_visible()
    expect(tray).to_contain_text("django-axes")
    expect(tray.get_by_role("button", name="Compare (1)")).to_be_disabled()

    # The selection follows the person to another page.
    page.goto(f"{live_server}{grid.get_absolute_url()}")
    expect(page.get_by_label("Compare django-axes")).to_be_checked()
    page.get_by_label("Compare django-defender").check()
    expect(tray.get_by_role("button", name="Compare (2)")).to_be_enabled()
    screenshot(page, "compare-tray")
    tray.get_by_role("button", name="Compare (2)").click()

    expect(page).to_have_url(f"{live_server}/compare/django-axes,django-defender/")
    table = page.get_by_role("table")
    expect(table).to_contain_text("django-axes")
    expect(table).to_contain_text("django-defender")
    expect(table).to_contain_text("Features from the grid Login throttling")
    expect(table).to_contain_text("Locks out by address")

    tray.get_by_role("button", name="Clear").click()
    expect(tray).to_be_hidden()
    page.goto(f"{live_server}/packages/")
    expect(page.get_by_label("Compare django-axes")).not_to_be_checked()
