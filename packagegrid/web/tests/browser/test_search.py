"""Search in a real browser: the header type-ahead with the keyboard, and the results page."""

import pytest
from playwright.sync_api import Page, expect

from packagegrid.conftest import make_category, make_grid, make_package
from packagegrid.web.tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue() -> None:
    apps = make_category(title="App", slug="apps")
    tools = make_category(title="Tool", slug="tools")
    sesame = make_package(
        title="django-sesame",
        slug="django-sesame",
        category=apps,
        repo={"description": '"Magic Links" - URLs with authentication tokens', "stars": 1029},
    )
    make_package(
        title="django-session-security",
        slug="django-session-security",
        category=tools,
        repo={"description": "Log out idle sessions", "stars": 300},
    )
    make_package(
        title="sesame-tools",
        slug="sesame-tools",
        category=tools,
        repo={"description": "Helpers for django-sesame", "stars": 5, "archived": True},
    )
    make_grid(title="Sessions and logins", slug="sessions", packages=[sesame])


def test_search_with_type_ahead_and_open_a_result(
    page: Page, live_server: object, catalogue: None
) -> None:
    page.goto(f"{live_server}/grids/")
    box = page.locator("#header-q")
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.click()
    box.press_sequentially("sesame", delay=40)

    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("django-sesame")
    expect(options).to_have_count(3)  # two packages and "All results for"
    expect(box).to_have_attribute("aria-expanded", "true")
    assert screenshot(page, "search-type-ahead").stat().st_size > 10_000

    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "header-suggest-1")
    box.press("ArrowDown")
    box.press("ArrowUp")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_be_focused()

    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    box.press("Enter")
    expect(page).to_have_url(f"{live_server}/packages/p/django-sesame/")
    expect(page.get_by_role("heading", level=1)).to_have_text("django-sesame")


def test_search_with_a_click_on_a_suggestion(
    page: Page, live_server: object, catalogue: None
) -> None:
    page.emulate_media(color_scheme="dark")
    page.goto(f"{live_server}/")
    box = page.locator("#header-q")
    box.click()
    box.press_sequentially("sessio", delay=40)
    option = page.get_by_role("option", name="Grid Sessions and logins")
    expect(option).to_be_visible()
    option.hover()
    screenshot(page, "search-type-ahead-dark")
    option.click()
    expect(page).to_have_url(f"{live_server}/grids/g/sessions/")


def test_search_results_with_facets_and_a_typo(
    page: Page, live_server: object, catalogue: None
) -> None:
    page.goto(f"{live_server}/")
    box = page.locator("#header-q")
    box.fill("sesame")
    box.press("Enter")  # no option is active: the form is submitted
    expect(page).to_have_url(f"{live_server}/search/?q=sesame")
    results = page.locator("ol.results > li")
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text("django-sesame")
    expect(results.first.locator("mark").first).to_have_text("sesame")
    screenshot(page, "search-results")

    page.get_by_role("link", name="Tool 1").click()
    expect(page).to_have_url(f"{live_server}/search/?q=sesame&category=tools")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Archived")
    page.get_by_role("link", name="Stars").click()
    expect(page).to_have_url(f"{live_server}/search/?q=sesame&category=tools&sort=stars")
    page.get_by_role("link", name="Clear all filters").click()
    expect(results).to_have_count(2)

    page.goto(f"{live_server}/search/?q=djnago-sesame")
    expect(results.first).to_contain_text("django-sesame")
    expect(page.get_by_role("status")).to_contain_text("including names close to it")
    screenshot(page, "search-typo")
