"""Layout in a real browser: no page scrolls sideways as a whole, on desktop or phone.

Wide content (a comparison table, a long release list) scrolls inside its own box; the
page itself must never be wider than the window.
"""

import pytest
from playwright.sync_api import Page

from packagegrid.conftest import make_grid, make_package
from packagegrid.grids.models import Element
from packagegrid.web.tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _page_width(page: Page) -> int:
    """The widest the document gets: its scroll width, beyond which the page pans."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_no_page_is_wider_than_the_window(
    page: Page, live_server: object, viewport: dict[str, int]
) -> None:
    packages = [
        make_package(title=f"django-wide-package-number-{n}", repo={"commits_over_52": [n] * 52})
        for n in range(25)
    ]
    grid = make_grid(packages=packages, features=15, title="Wide grid", is_featured=True)
    # ✓ and ✗ cells carry visually hidden "Yes"/"No" text, which once escaped the table box.
    Element.objects.filter(feature__grid=grid, feature__title="Feature 1").update(text="✓")
    Element.objects.filter(feature__grid=grid, feature__title="Feature 2").update(text="✗")
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
