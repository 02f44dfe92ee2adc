"""The package page in a real browser."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from packagegrid.catalog.models import RepoData
from packagegrid.conftest import make_package, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_package_page_shows_its_data_when_the_first_fetch_lands(
    page: Page, live_server: object
) -> None:
    client = Client()
    client.force_login(make_user("adder"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": str(live_server)}])
    package = make_package(title="django-just-added", fetched=False, created=timezone.now())

    page.goto(f"{live_server}{package.get_absolute_url()}")
    expect(page.get_by_role("status")).to_contain_text("Fetching data.")
    stars = page.locator(".facts div", has_text="Stars").locator("dd")
    expect(stars).to_have_text("Not fetched yet")
    page.evaluate("window.__noReload = true")

    RepoData.objects.create(package=package, stars=1234, forks=5)  # the fetch lands

    expect(stars).to_have_text("1,234", timeout=12_000)
    expect(page.get_by_text("Fetching data.")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True
