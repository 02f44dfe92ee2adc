"""The "I use this" and favorite toggles on the package page."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import Favorite, Package, Usage
from packagegrid.conftest import make_package, make_usage, make_user
from packagegrid.search.selectors import search_synonyms
from packagegrid.web.community_views import TOGGLES_PER_HOUR

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# Session, user, then the package page's five: its four (the package, its releases, grids
# and fetch problems) and the similar-packages search (this package is in no grid, and
# the search matches something on its first query), and its health facts' two:
# compatibility and advisories, the trends panel's snapshots, the dependencies panel's
# three, then the weekly downloads.
PAGE_QUERIES_LOGGED_IN = 14


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def package() -> Package:
    return make_package(title="Widgets", slug="widgets")


def test_it_shows_counts_and_a_login_link_to_anonymous_people(
    client: Client, package: Package
) -> None:
    make_usage(package, 3)
    html = client.get(package.get_absolute_url()).content.decode()
    assert "<strong>3</strong> users" in html
    assert 'href="/accounts/login/?next=/packages/p/widgets/"' in html
    assert "I use this" not in html
    assert "csrfmiddlewaretoken" not in html  # so the response cache may keep the page


def test_it_shows_the_persons_own_state(client: Client, package: Package, alice: User) -> None:
    Usage.objects.create(package=package, user=alice)
    client.force_login(alice)
    html = client.get(package.get_absolute_url()).content.decode()
    assert 'id="usage-button" class="button toggle-button" aria-pressed="true"' in html
    assert 'id="favorite-button" class="button toggle-button" aria-pressed="false"' in html
    assert '<input type="hidden" name="on" value="off">' in html  # usage: next click stops


@pytest.mark.parametrize("count", [1, 20])
def test_it_shows_the_state_without_an_extra_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, alice: User, count: int
) -> None:
    package = make_package()
    make_usage(package, count)
    for _ in range(count):
        Favorite.objects.create(package=package, user=make_user())
    Usage.objects.create(package=package, user=alice)
    client.force_login(alice)
    search_synonyms()  # cached as on a running site (this module clears the cache)
    with django_assert_num_queries(PAGE_QUERIES_LOGGED_IN):
        assert client.get(package.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("kind", ["usage", "favorite"])
def test_it_changes_nothing_on_get(
    client: Client, package: Package, alice: User, kind: str
) -> None:
    client.force_login(alice)
    assert client.get(f"/packages/widgets/{kind}/?on=on").status_code == 405
    assert not Usage.objects.exists()
    assert not Favorite.objects.exists()


@pytest.mark.parametrize("kind", ["usage", "favorite"])
def test_it_requires_a_csrf_token(package: Package, alice: User, kind: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(f"/packages/widgets/{kind}/", {"on": "on"}).status_code == 403
    assert not Usage.objects.exists()
    assert not Favorite.objects.exists()


def test_it_accepts_the_csrf_token_in_the_htmx_header(package: Package, alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(package.get_absolute_url())  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/packages/widgets/usage/", {"on": "on"}, HTTP_X_CSRFTOKEN=token, headers=HTMX
    )
    assert response.status_code == 200
    assert Usage.objects.filter(user=alice).exists()


@pytest.mark.parametrize("kind", ["usage", "favorite"])
def test_it_sends_anonymous_people_to_log_in_and_back(
    client: Client, package: Package, kind: str
) -> None:
    response = client.post(
        f"/packages/widgets/{kind}/", {"on": "on", "next": "/packages/p/widgets/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/packages/p/widgets/"
    assert not Usage.objects.exists()


def test_it_redirects_the_whole_page_for_anonymous_htmx_requests(
    client: Client, package: Package
) -> None:
    response = client.post(
        "/packages/widgets/usage/", {"on": "on", "next": "/packages/p/widgets/"}, headers=HTMX
    )
    assert response["HX-Redirect"] == "/accounts/login/?next=/packages/p/widgets/"


def test_it_answers_htmx_with_the_button_and_count(
    client: Client, package: Package, alice: User
) -> None:
    make_usage(package, 2)
    client.force_login(alice)
    response = client.post("/packages/widgets/usage/", {"on": "on"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<form class="toggle" id="usage-toggle"')
    assert 'aria-pressed="true"' in html
    assert "<strong>3</strong> users" in html
    assert '<div id="package-users" hx-swap-oob="true"><dt>Users</dt><dd>3</dd></div>' in html
    assert "<html" not in html

    html = client.post("/packages/widgets/usage/", {"on": "off"}, headers=HTMX).content.decode()
    assert 'aria-pressed="false"' in html
    assert "<strong>2</strong> users" in html


def test_it_answers_htmx_with_the_favorite_button(
    client: Client, package: Package, alice: User
) -> None:
    client.force_login(alice)
    html = client.post("/packages/widgets/favorite/", {"on": "on"}, headers=HTMX).content.decode()
    assert 'id="favorite-button" class="button toggle-button" aria-pressed="true"' in html
    assert "<strong>1</strong> favorite<" in html
    assert Favorite.objects.filter(user=alice, package=package).exists()


def test_it_redirects_back_with_a_message_without_javascript(
    client: Client, package: Package, alice: User
) -> None:
    client.force_login(alice)
    response = client.post("/packages/widgets/usage/", {"on": "on"}, follow=True)
    assert response.redirect_chain == [("/packages/p/widgets/", 302)]
    assert "You use Widgets." in response.content.decode()
    assert 'aria-pressed="true"' in response.content.decode()


def test_it_goes_back_to_next_on_this_site(client: Client, package: Package, alice: User) -> None:
    client.force_login(alice)
    response = client.post(
        "/packages/widgets/favorite/", {"on": "on", "next": "/grids/?sort=packages"}
    )
    assert response["Location"] == "/grids/?sort=packages"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://testserver@evil.example/",
    ],
)
def test_it_never_redirects_off_site(
    client: Client, package: Package, alice: User, target: str
) -> None:
    client.force_login(alice)
    response = client.post("/packages/widgets/usage/", {"on": "on", "next": target})
    assert response["Location"] == "/packages/p/widgets/"


def test_it_counts_a_double_submit_once(client: Client, package: Package, alice: User) -> None:
    client.force_login(alice)
    for _ in range(2):
        client.post("/packages/widgets/usage/", {"on": "on"})
    assert Usage.objects.filter(package=package).count() == 1
    for _ in range(2):
        client.post("/packages/widgets/usage/", {"on": "off"})
    assert Usage.objects.filter(package=package).count() == 0


@pytest.mark.parametrize("data", [{}, {"on": "yes"}, {"on": "<script>"}])
def test_it_refuses_bad_input_and_changes_nothing(
    client: Client, package: Package, alice: User, data: dict[str, str]
) -> None:
    client.force_login(alice)
    assert client.post("/packages/widgets/usage/", data).status_code == 400
    assert not Usage.objects.exists()


def test_it_is_404_for_an_unknown_package(client: Client, alice: User) -> None:
    client.force_login(alice)
    assert client.post("/packages/nope/usage/", {"on": "on"}).status_code == 404
    assert client.post("/packages/%00/usage/", {"on": "on"}).status_code == 400


def test_it_is_rate_limited(client: Client, package: Package, alice: User) -> None:
    client.force_login(alice)
    for index in range(TOGGLES_PER_HOUR):
        response = client.post("/packages/widgets/usage/", {"on": "off" if index % 2 else "on"})
        assert response.status_code == 302
    response = client.post("/packages/widgets/usage/", {"on": "on"}, headers=HTMX)
    assert response.status_code == 429
    assert not Usage.objects.exists()  # the last allowed click said "off"


def test_it_takes_the_same_number_of_queries_however_many_users(
    client: Client, alice: User
) -> None:
    # Session, user, package, get_or_create's read and insert, the count; plus whatever
    # the receivers of Usage saves do (cache version, search index). What matters is that
    # it does not grow with the number of rows.
    counts = []
    for users in (1, 20):
        package = make_package()
        make_usage(package, users)
        client.force_login(alice)
        with CaptureQueriesContext(connection) as queries:
            client.post(f"/packages/{package.slug}/usage/", {"on": "on"}, headers=HTMX)
        counts.append(len(queries))
    assert counts[0] == counts[1]
