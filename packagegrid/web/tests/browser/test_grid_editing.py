"""Building a grid in a real browser: the editor's htmx parts, end to end."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from packagegrid.conftest import make_package, make_user
from packagegrid.grids.models import Element, Feature, Grid, GridPackage
from packagegrid.grids.services import element_set
from packagegrid.web.tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page: Page, live_server: object, username: str) -> None:
    """Give the browser the session of a logged-in person (the login form has its own test)."""
    client = Client()
    client.force_login(make_user(username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": str(live_server)}])


def _whole_page_screenshot(page: Page, name: str) -> None:
    """A screenshot of a page the test scrolled: the viewport is made as tall as the page
    first, as a full-page shot of a scrolled page draws the sticky header mid-page."""
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": int(height)})
    screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_it_builds_a_grid_adds_two_packages_and_a_feature_and_edits_a_cell_inline(
    page: Page, live_server: object
) -> None:
    alpha = make_package(title="django-alpha-auth", repo={"commits_over_52": list(range(52))})
    bravo = make_package(title="django-bravo-auth", repo={"description": "Login **helpers**"})
    make_package(title="unrelated-thing")
    _log_in(page, live_server, "alice")

    page.goto(f"{live_server}/grids/")
    page.get_by_role("link", name="Add a grid").click()
    page.get_by_label("Title").fill("Authentication")
    page.get_by_label("Description").fill("Packages that *log people in*.")
    page.get_by_role("button", name="Create grid").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Authentication")
    expect(page.locator(".grid-description em")).to_have_text("log people in")
    grid = Grid.objects.get(slug="authentication")

    search = page.get_by_label("Add a package")
    # The search box is never swapped out by a change (one typed into right after a swap
    # once went unheard): the very same element must survive both additions.
    search.evaluate("box => { box.__kept = true; }")
    for package in (alpha, bravo):
        search.fill(package.title.removeprefix("django-")[:9])  # "alpha-aut", "bravo-aut"
        add = page.get_by_role("button", name=f"Add {package.title}")
        expect(add).to_be_visible()
        add.click()
        expect(page.locator("#grid-body .notice")).to_have_text(
            f"Added {package.title} to the grid."
        )
        # The list runs again: the package just added is no longer offered.
        expect(page.get_by_role("button", name=f"Add {package.title}")).to_have_count(0)
    assert search.evaluate("box => box.__kept === true")
    table = page.get_by_role("table")
    expect(table).to_contain_text(alpha.title)
    expect(table).to_contain_text(bravo.title)

    page.get_by_text("Add a feature").click()
    page.get_by_label("Title").fill("Two-factor login")
    page.get_by_role("button", name="Add feature").click()
    expect(page.get_by_role("rowheader", name="Two-factor login")).to_be_visible()

    # Mark the page: a full page load would lose this property.
    page.evaluate("window.__noReload = true")
    cell = page.locator(f"#cell-{alpha.pk}-{grid.features.get().pk}")
    cell.click()
    textarea = cell.get_by_role("textbox")
    expect(textarea).to_be_focused()
    textarea.fill("✓ since 2.0")
    _whole_page_screenshot(page, "grid-editing-cell-form")
    cell.get_by_role("button", name="Save").click()
    expect(cell.locator(".mark-yes")).to_be_visible()
    expect(cell).to_contain_text("since 2.0")
    expect(
        cell.get_by_role("link", name=f"Edit Two-factor login for {alpha.title}")
    ).to_be_focused()
    assert page.evaluate("window.__noReload") is True
    assert Element.objects.get().text == "✓ since 2.0"

    # Keyboard: Tab to the other cell's edit link and open it with Enter, then cancel.
    other = page.locator(f"#cell-{bravo.pk}-{grid.features.get().pk}")
    other.get_by_role("link").focus()
    page.keyboard.press("Enter")
    expect(other.get_by_role("textbox")).to_be_focused()
    other.get_by_role("link", name="Cancel").click()
    expect(other.get_by_role("textbox")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True

    _whole_page_screenshot(page, "grid-editing")

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    expect(page.locator(".history-entry").first).to_contain_text(
        "Two-factor login / django-alpha-auth"
    )
    screenshot(page, "grid-history")


def test_a_stale_inline_cell_save_shows_both_values_and_saving_again_keeps_mine(
    page: Page, live_server: object
) -> None:
    alpha = make_package(title="django-alpha-auth")
    grid = Grid.objects.create(title="Auth", slug="auth")
    link = GridPackage.objects.create(grid=grid, package=alpha)
    feature = Feature.objects.create(grid=grid, title="Async")
    Element.objects.create(grid_package=link, feature=feature, text="yes")
    _log_in(page, live_server, "alice")
    page.goto(f"{live_server}{grid.get_absolute_url()}")
    page.evaluate("window.__noReload = true")
    cell = page.locator(f"#cell-{alpha.pk}-{feature.pk}")
    cell.click()
    textarea = cell.get_by_role("textbox")
    expect(textarea).to_be_focused()
    # Someone else saves the cell while this form is open.
    bob = make_user("bob")
    element_set(grid_package=link, feature=feature, text="theirs", user=bob)
    textarea.fill("mine")
    cell.get_by_role("button", name="Save").click()
    expect(cell.locator(".form-errors")).to_contain_text("Someone else saved a change")
    expect(cell.locator(".conflict-yours")).to_have_text("mine")
    expect(cell.locator(".conflict-current")).to_have_text("theirs")
    screenshot(page, "grid-editing-cell-conflict")
    assert Element.objects.get().text == "theirs"
    cell.get_by_role("button", name="Save").click()  # a deliberate choice: keep mine
    expect(cell.locator("form")).to_have_count(0)
    expect(cell).to_contain_text("mine")
    assert Element.objects.get().text == "mine"
    assert page.evaluate("window.__noReload") is True  # all of it inline, no page load
