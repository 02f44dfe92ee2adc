"""The main pages in a real browser, with screenshots for review."""

import pytest
from playwright.sync_api import Page, expect

from packagegrid.conftest import make_grid, make_package
from packagegrid.web.tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_shows_home_package_and_grid_pages(page: Page, live_server: object) -> None:
    packages = [make_package(repo={"commits_over_52": list(range(52))}) for _ in range(3)]
    grid = make_grid(packages=packages, features=3, title="Authentication", is_featured=True)
    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Authentication").first).to_be_visible()
    assert screenshot(page, "home").stat().st_size > 10_000

    page.get_by_role("link", name="Authentication").first.click()
    expect(page).to_have_url(f"{live_server}{grid.get_absolute_url()}")
    expect(page.get_by_role("table")).to_contain_text(packages[0].title)
    screenshot(page, "grid")

    page.get_by_role("link", name=packages[0].title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(packages[0].title)
    screenshot(page, "package")


def test_it_switches_to_dark_mode_and_remembers_it(page: Page, live_server: object) -> None:
    page.goto(f"{live_server}/")
    toggle = page.locator("#theme-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    theme = page.evaluate("document.documentElement.dataset.theme")
    assert theme == "dark"
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)"
    screenshot(page, "home-dark")


def test_the_package_list_filters_in_place_with_a_shareable_url(
    page: Page, live_server: object
) -> None:
    make_package(title="django-axes", slug="django-axes")
    make_package(title="django-filter", slug="django-filter")
    page.goto(f"{live_server}/packages/")
    page.evaluate("window.__notReloaded = true")
    page.get_by_label("Name contains").fill("axes")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(f"{live_server}/packages/?q=axes&category=&sort=health")
    expect(page.locator("#package-results")).to_contain_text("django-axes")
    expect(page.locator("#package-results")).not_to_contain_text("django-filter")
    assert page.evaluate("window.__notReloaded") is True
