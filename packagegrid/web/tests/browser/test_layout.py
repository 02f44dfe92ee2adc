"""Layout in a real browser: no page scrolls sideways as a whole, on desktop or phone.

Wide content (a comparison table, a long release list) scrolls inside its own box; the
page itself must never be wider than the window.
"""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, ViewportSize, expect

from packagegrid.conftest import make_grid, make_package, make_user
from packagegrid.grids.models import Element
from packagegrid.health.services import package_apply_compatibility
from packagegrid.web.tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def _page_width(page: Page) -> int:
    """The widest the document gets: its scroll width, beyond which the page pans."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_no_page_is_wider_than_the_window(
    page: Page, live_server: object, viewport: ViewportSize
) -> None:
    packages = [
        make_package(title=f"django-wide-package-number-{n}", repo={"commits_over_52": [n] * 52})
        for n in range(25)
    ]
    grid = make_grid(packages=packages, features=15, title="Wide grid", is_featured=True)
    # ✓ and ✗ cells carry visually hidden "Yes"/"No" text, which once escaped the table box.
    Element.objects.filter(feature__grid=grid, feature__title="Feature 1").update(text="✓")
    Element.objects.filter(feature__grid=grid, feature__title="Feature 2").update(text="✗")
    # A compatibility table with every Django and Python release and each source.
    package_apply_compatibility(
        package=packages[0],
        classifiers=[],
        requires_python=">=3.6",
        requires_dist=["Django>=1.11"],
        ci={"django": ["5.2"], "python": ["3.13"]},
    )
    page.set_viewport_size(viewport)
    paths = [
        "/",
        "/packages/",
        packages[0].get_absolute_url(),
        "/grids/",
        grid.get_absolute_url(),
        f"/compare/{packages[0].slug},{packages[1].slug},{packages[2].slug}/",
        "/search/?q=wide",
        "/about/",
        "/readiness/",
        "/readiness/django/5.2/",
    ]
    too_wide = {}
    for path in paths:
        page.goto(f"{live_server}{path}")
        width = _page_width(page)
        if width > viewport["width"]:
            too_wide[path] = width
    screenshot(page, f"layout-about-{viewport['width']}")
    page.goto(f"{live_server}{grid.get_absolute_url()}")
    screenshot(page, f"layout-grid-{viewport['width']}")
    assert too_wide == {}, f"pages wider than {viewport['width']} px: {too_wide}"


def test_on_a_phone_search_filters_sit_in_a_disclosure_above_the_results(
    page: Page, live_server: object
) -> None:
    for n in range(25):
        make_package(title=f"django-widget-{n}", repo={"description": "Widgets for forms"})
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/search/?q=widgets")
    filters = page.locator("summary", has_text="Filters")
    first_result = page.locator(".result").first
    expect(filters).to_be_visible()
    expect(page.locator(".facets-side")).to_be_hidden()
    assert filters.bounding_box()["y"] < first_result.bounding_box()["y"]  # type: ignore[index]  # visible elements have a box
    filters.click()
    facet = page.locator(".facets-disclosure .facet-value").first
    expect(facet).to_be_visible()
    screenshot(page, "search-filters-390")

    page.set_viewport_size(DESKTOP)
    expect(filters).to_be_hidden()
    expect(page.locator(".facets-side .facet-value").first).to_be_visible()


def test_on_a_touch_screen_editable_cells_show_their_pencil(
    browser: Browser, live_server: object
) -> None:
    grid = make_grid(packages=[make_package()], features=1)
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    client = Client()
    client.force_login(make_user("toucher"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": str(live_server)}])
    page.goto(f"{live_server}{grid.get_absolute_url()}")
    pencil = page.locator(".cell-edit-icon").first
    assert float(pencil.evaluate("icon => getComputedStyle(icon).opacity")) > 0.5
    context.close()
