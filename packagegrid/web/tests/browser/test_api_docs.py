"""The API docs pages in a real browser: Swagger UI and Redoc render every API version's
operations from our own static files, under the Content-Security-Policy, with no request
leaving the site."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request, expect

from packagegrid.web.tests.browser.conftest import screenshot
from packagegrid.web.tests.browser.test_csp import _violations, _watch

pytestmark = pytest.mark.django_db(transaction=True)


def _foreign_requests(page: Page, live_server: object) -> list[str]:
    foreign: list[str] = []

    def on_request(request: Request) -> None:
        if not request.url.startswith(str(live_server)) and not request.url.startswith(
            ("data:", "blob:")
        ):
            foreign.append(request.url)

    page.on("request", on_request)
    return foreign


def test_swagger_ui_renders_the_operations(page: Page, live_server: object) -> None:
    console = _watch(page)
    foreign = _foreign_requests(page, live_server)
    page.goto(f"{live_server}/api/")
    page.get_by_role("link", name="Swagger UI").first.click()
    expect(page).to_have_url(f"{live_server}/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    for path in ("/api/v3/packages/", "/api/v4/packages/{id}/", "/api/v5/packages/"):
        assert any(text.replace("\u200b", "") == path for text in paths), path
    assert len(paths) == 22
    screenshot(page, "api-swagger-ui")
    assert _violations(page, console) == []
    assert foreign == []


def test_redoc_renders_the_operations(page: Page, live_server: object) -> None:
    console = _watch(page)
    foreign = _foreign_requests(page, live_server)
    page.goto(f"{live_server}/api/redoc/")
    expect(page.get_by_role("heading", name="packagegrid API").first).to_be_visible()
    expect(page.locator("[data-section-id^='tag/v5']").first).to_be_attached()
    expect(page.get_by_text("/api/v4/search/").first).to_be_attached()
    screenshot(page, "api-redoc")
    # Redoc's "powered by" logo on its CDN is the one foreign address it names; the
    # policy blocks it (img-src), and nothing else is blocked.
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    violations = _violations(page, console)
    assert [v for v in violations if "cdn.redoc.ly" not in v] == []
    assert set(foreign) <= {logo}
    if foreign:
        assert any("img-src" in v and "cdn.redoc.ly" in v for v in violations)
