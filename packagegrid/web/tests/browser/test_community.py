"""Saying "I use this" on a package page: the count changes in place through htmx."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from packagegrid.catalog.models import Flag, Usage
from packagegrid.conftest import make_package, make_usage, make_user
from packagegrid.web.tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page: Page, live_server: object, username: str, *, staff: bool = False) -> None:
    user = make_user(username)
    if staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": str(live_server),
            }
        ]
    )


def test_it_toggles_i_use_this_in_place(page: Page, live_server: object) -> None:
    package = make_package(repo={"commits_over_52": list(range(52))})
    make_usage(package, 2)
    _log_in(page, live_server, "alice")
    page.goto(f"{live_server}{package.get_absolute_url()}")
    # A marker that a full page load would wipe out.
    page.evaluate("window.stayedOnPage = true")

    button = page.locator("#usage-button")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#usage-count")).to_have_text("2 users")
    button.click()
    expect(page.locator("#usage-button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#usage-count")).to_have_text("3 users")
    expect(page.locator("#package-users dd")).to_have_text("3")
    expect(page.locator("#usage-button")).to_be_focused()
    assert page.evaluate("window.stayedOnPage") is True
    assert Usage.objects.filter(package=package, user__username="alice").exists()
    screenshot(page, "package-in-use")

    page.locator("#usage-button").click()
    expect(page.locator("#usage-button")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#usage-count")).to_have_text("2 users")
    expect(page.locator("#package-users dd")).to_have_text("2")
    assert page.evaluate("window.stayedOnPage") is True
    assert not Usage.objects.filter(package=package, user__username="alice").exists()

    page.locator("#favorite-button").click()
    expect(page.locator("#favorite-button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#favorite-count")).to_have_text("1 favorite")


def test_it_flags_a_package_and_staff_approve_the_flag(page: Page, live_server: object) -> None:
    package = make_package(title="django-old-thing")
    _log_in(page, live_server, "alice")
    page.goto(f"{live_server}{package.get_absolute_url()}")
    page.get_by_role("link", name="Flag a problem").click()
    page.get_by_role("button", name="Send flag").click()  # nothing chosen: the browser asks
    assert not Flag.objects.exists()
    page.get_by_label("Deprecated or unmaintained").check()
    page.get_by_label("Details").fill("Replaced by django-new-thing.")
    screenshot(page, "flag-form")
    page.get_by_role("button", name="Send flag").click()
    expect(page.get_by_role("status")).to_contain_text("Staff will review your report.")

    page.context.clear_cookies()
    _log_in(page, live_server, "moderator", staff=True)
    page.goto(f"{live_server}/moderation/flags/")
    expect(page.get_by_role("listitem").filter(has_text="django-old-thing")).to_contain_text(
        "Replaced by django-new-thing."
    )
    page.emulate_media(color_scheme="dark")
    screenshot(page, "moderation-flags-dark")
    page.emulate_media(color_scheme="light")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Flag on django-old-thing approved.")
    expect(page.get_by_text("No open flags.")).to_be_visible()
    assert Flag.objects.get().status == Flag.Status.APPROVED
