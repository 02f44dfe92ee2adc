"""Signing up, logging out with the POST button and logging in again, in a real browser."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from packagegrid.accounts.models import Profile
from packagegrid.web.tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-Unusual-passphrase"


def test_it_signs_up_logs_out_and_logs_in_again(page: Page, live_server: object) -> None:
    page.goto(f"{live_server}/")
    header = page.get_by_role("navigation", name="Account")
    header.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    screenshot(page, "signup")
    page.get_by_role("button", name="Sign up").click()

    expect(header.get_by_role("link", name="alice")).to_be_visible()
    assert Profile.objects.filter(user__username="alice").exists()

    header.get_by_role("button", name="Log out").click()
    expect(header.get_by_role("link", name="Log in")).to_be_visible()
    expect(header.get_by_role("link", name="alice")).to_have_count(0)

    header.get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_label("Username or e-mail").fill("alice")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    screenshot(page, "login-error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(header.get_by_role("link", name="alice")).to_be_visible()

    header.get_by_role("link", name="alice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("alice")
    screenshot(page, "profile")
    assert User.objects.get(username="alice").is_active
