"""Adding a package from a GitHub URL in a real browser, with and without JavaScript."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from packagegrid.catalog.models import Package
from packagegrid.conftest import make_category, make_grid, make_package, make_user
from packagegrid.web.tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASTED = "https://github.com/jazzband/django-axes/tree/master/"


def _log_in(page: Page, live_server: object, username: str) -> None:
    """Give the browser the session of a logged-in person (the login form has its own test)."""
    client = Client()
    client.force_login(make_user(username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": str(live_server)}])


def test_it_adds_a_package_from_a_github_url(page: Page, live_server: object) -> None:
    make_category(title="Security", slug="security")
    make_category(title="Forms", slug="forms")
    make_grid(title="Authentication", slug="authentication")
    _log_in(page, live_server, "alice")
    page.goto(f"{live_server}/packages/add/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a package")

    page.get_by_label("Repository URL").fill(PASTED)
    # htmx checks the URL and swaps in the pre-filled details: no page load.
    expect(page.locator("#repo-status")).to_contain_text("https://github.com/jazzband/django-axes")
    expect(page.get_by_label("Title")).to_have_value("django-axes")
    expect(page.get_by_label("Slug")).to_have_value("django-axes")
    expect(page.get_by_label("PyPI name")).to_have_value("django-axes")
    page.get_by_label("Category").select_option(label="Security")
    page.get_by_label("Also add to grid").select_option(label="Authentication")
    screenshot(page, "add-package")

    page.get_by_role("button", name="Add package").click()
    expect(page).to_have_url(f"{live_server}/packages/p/django-axes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("django-axes")
    expect(page.get_by_role("status").first).to_contain_text("Added django-axes.")
    expect(page.get_by_role("link", name="Authentication")).to_be_visible()
    screenshot(page, "add-package-done")
    package = Package.objects.get()
    assert package.repo_url == "https://github.com/jazzband/django-axes"
    assert package.category.slug == "security"


def test_it_shows_the_package_already_listing_a_repository(page: Page, live_server: object) -> None:
    existing = make_package(title="Axes", repo_url="https://github.com/jazzband/django-axes")
    _log_in(page, live_server, "alice")
    page.goto(f"{live_server}/packages/add/")
    page.get_by_label("Repository URL").fill("git@github.com:Jazzband/django-axes.git")
    expect(page.locator("#repo-status")).to_contain_text("Already listed.")
    page.get_by_role("link", name="Axes", exact=True).click()
    expect(page).to_have_url(f"{live_server}{existing.get_absolute_url()}")
    assert Package.objects.count() == 1


def test_it_adds_a_package_without_javascript(browser: Browser, live_server: object) -> None:
    make_category(title="Security", slug="security")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        _log_in(page, live_server, "bob")
        page.goto(f"{live_server}/packages/add/")
        page.get_by_label("Repository URL").fill("git@github.com:jazzband/django-axes.git")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_label("Title")).to_have_value("django-axes")
        page.get_by_label("Category").select_option(label="Security")
        page.get_by_role("button", name="Add package").click()
        expect(page).to_have_url(f"{live_server}/packages/p/django-axes/")
    finally:
        context.close()
