"""allauth's pages in the site design: sign up, log in, log out, password reset, e-mail."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings

from packagegrid.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

GITHUB_APP = {"github": {"APPS": [{"client_id": "id", "secret": "secret"}], "SCOPE": ["read:user"]}}


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/login/", "Log in"),
        ("/accounts/signup/", "Sign up"),
        ("/accounts/password/reset/", "Reset your password"),
        ("/accounts/password/reset/done/", "Check your e-mail"),
        ("/accounts/confirm-email/", "Verify your e-mail address"),
    ],
)
def test_it_renders_the_entrance_pages_in_the_site_design(
    client: Client, path: str, heading: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'class="site-header"' in html
    assert "auth-container" in html


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/logout/", "Log out"),
        ("/accounts/email/", "E-mail addresses"),
        ("/accounts/password/change/", "Change your password"),
        ("/accounts/3rdparty/", "Account Connections"),  # allauth's own, in our layout
    ],
)
def test_it_renders_the_account_pages_in_the_site_design(
    client: Client, alice: User, path: str, heading: str
) -> None:
    client.force_login(alice)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html
    assert 'class="site-header"' in html


def test_it_labels_the_login_fields(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_login">' in html
    assert '<label for="id_password">' in html
    assert 'href="/accounts/password/reset/"' in html


def test_it_shows_no_github_button_without_a_github_app(client: Client) -> None:
    assert "Sign in with GitHub" not in client.get("/accounts/login/").content.decode()
    assert "Sign in with GitHub" not in client.get("/accounts/signup/").content.decode()


@override_settings(SOCIALACCOUNT_PROVIDERS=GITHUB_APP)
def test_it_shows_a_github_button_when_a_github_app_is_configured(client: Client) -> None:
    html = client.get("/accounts/login/?next=/packages/").content.decode()
    assert "Sign in with GitHub" in html
    assert 'action="/accounts/github/login/?process=login&amp;next=%2Fpackages%2F"' in html
    assert "Sign in with GitHub" in client.get("/accounts/signup/").content.decode()


def test_it_logs_a_new_person_in_after_sign_up(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": "bob@example.com",
            "username": "bob",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["user"].username == "bob"


def test_it_shows_sign_up_errors_and_creates_nobody(client: Client, alice: User) -> None:
    response = client.post(
        "/accounts/signup/",
        {"email": "not-an-email", "username": "alice", "password1": "x", "password2": "y"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'class="errorlist"' in html
    assert User.objects.count() == 1


def test_it_refuses_the_username_edit(client: Client) -> None:
    client.post(
        "/accounts/signup/",
        {
            "email": "e@example.com",
            "username": "edit",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert not User.objects.filter(username="edit").exists()


def test_it_logs_in_to_next_on_this_site(client: Client, alice: User) -> None:
    response = client.post(
        "/accounts/login/", {"login": "alice", "password": PASSWORD, "next": "/packages/"}
    )
    assert response["Location"] == "/packages/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_it_never_redirects_off_site_after_login(client: Client, alice: User, target: str) -> None:
    response = client.post(
        "/accounts/login/", {"login": "alice", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_shows_an_error_for_a_wrong_password(client: Client, alice: User) -> None:
    response = client.post("/accounts/login/", {"login": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert 'class="form-errors" role="alert"' in response.content.decode()


def test_it_logs_out_only_on_post(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200  # the confirmation page; still logged in
    assert '<form class="form-stack" method="post" action="/accounts/logout/">' in (
        response.content.decode()
    )
    assert client.get("/accounts/email/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/accounts/email/").status_code == 302


def test_it_requires_a_csrf_token_to_log_out(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/accounts/logout/").status_code == 403
    assert client.get("/accounts/email/").status_code == 200


def test_it_offers_log_in_and_sign_up_in_the_header(client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in html
    assert 'href="/accounts/signup/"' in html
    assert "hx-headers" not in html  # no CSRF token: anonymous pages stay cacheable
    assert "csrfmiddlewaretoken" not in html


def test_it_shows_the_person_and_a_logout_button_in_the_header(client: Client, alice: User) -> None:
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert '<a class="account-name" href="/accounts/profile/">alice</a>' in html
    assert '<form method="post" action="/accounts/logout/">' in html
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'", html)
    assert "vendor/htmx-2.0.11.min.js" in html


def test_it_resets_a_password_by_email(client: Client, alice: User) -> None:
    response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/accounts/password/reset/key/\S+/)", str(mail.outbox[0].body)
    )
    assert link
    response = client.get(link.group(1), follow=True)
    assert "<h1>Choose a new password</h1>" in response.content.decode()
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    new = "another-Long-passphrase"
    response = client.post(form_url, {"password1": new, "password2": new}, follow=True)
    assert "<h1>Password changed</h1>" in response.content.decode()
    assert client.login(username="alice", password=new)


def test_it_says_when_a_reset_link_is_invalid(client: Client) -> None:
    response = client.get("/accounts/password/reset/key/x-bad/")
    assert response.status_code == 200
    assert "<h1>Link expired</h1>" in response.content.decode()


def test_it_links_the_profile_form_from_the_account_pages(client: Client) -> None:
    client.force_login(make_user("carol"))
    assert 'href="/profiles/edit/"' in client.get("/accounts/email/").content.decode()
