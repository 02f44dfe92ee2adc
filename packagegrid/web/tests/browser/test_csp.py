"""The Content-Security-Policy in a real browser: no page breaks it, and htmx and the
theme toggle keep working under it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import ConsoleMessage, Page, expect

from packagegrid.conftest import make_grid, make_package, make_user

pytestmark = pytest.mark.django_db(transaction=True)

# Recorded in the page itself: the browser fires this event for every blocked resource,
# inline script or style.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def _watch(page: Page) -> list[str]:
    """Collect CSP reports from the console and from violation events on every page."""
    console: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            console.append(message.text)

    page.on("console", on_console)
    page.add_init_script(RECORD_VIOLATIONS)
    return console


def _violations(page: Page, console: list[str]) -> list[str]:
    return [*console, *page.evaluate("window.__cspViolations || []")]


def _log_in(page: Page, live_server: object) -> None:
    client = Client()
    client.force_login(make_user("carol"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": str(live_server)}]
    )


def test_pages_break_no_rule_and_htmx_and_the_theme_toggle_work(
    page: Page, live_server: object
) -> None:
    package = make_package(title="django-axes", slug="django-axes")
    make_package(title="django-filter", slug="django-filter")
    grid = make_grid(packages=[package], features=2, title="Security")
    console = _watch(page)

    response = page.goto(f"{live_server}/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]

    # The theme script runs (it is a static file) and the toggle switches and persists.
    toggle = page.locator("#theme-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"

    # htmx: the package list filters in place.
    page.goto(f"{live_server}/packages/")
    page.evaluate("window.__notReloaded = true")
    page.get_by_label("Name contains").fill("axes")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#package-results")).not_to_contain_text("django-filter")
    assert page.evaluate("window.__notReloaded") is True
    # htmx injected no <style> of its own (it would be blocked).
    assert page.evaluate("document.querySelectorAll('style').length") == 0

    # htmx POST for a logged-in person: "I use this" switches in place.
    _log_in(page, live_server)
    page.goto(f"{live_server}{package.get_absolute_url()}")
    page.evaluate("window.__notReloaded = true")
    page.locator("#usage-button").click()
    expect(page.locator("#usage-button")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.__notReloaded") is True

    for path in (grid.get_absolute_url(), "/search/?q=axes", "/accounts/login/", "/admin/login/"):
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("networkidle")

    assert _violations(page, console) == []


def test_an_inline_script_would_be_blocked(page: Page, live_server: object) -> None:
    """The policy is enforced, not only sent: a script injected inline does not run."""
    console = _watch(page)
    page.goto(f"{live_server}/")
    page.evaluate(
        "const s = document.createElement('script');"
        "s.textContent = 'window.__injected = true';"
        "document.body.appendChild(s);"
    )
    assert page.evaluate("window.__injected === true") is False
    assert any("script-src" in v for v in _violations(page, console))
