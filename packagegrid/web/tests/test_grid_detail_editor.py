"""The grid page's edit controls: who sees them, what they cost, what they render."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.conftest import log_in, make_full_grid, make_grid, make_user, set_cell
from packagegrid.web.permissions import can_edit_grid
from packagegrid.web.tests.grid_actors import fresh_cache, small_grid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fresh_cache.__name__)]

# The grid, its packages with joins, their Django and Python compatibility, advisories
# and latest releases, features, cells.
ANONYMOUS_QUERIES = 7
SIGNED_IN_QUERIES = ANONYMOUS_QUERIES + 2  # the session and the user


@pytest.mark.parametrize(("packages", "features"), [(3, 2), (25, 15), (50, 20)])
@pytest.mark.parametrize("who", ["anonymous", "user", "staff"])
def test_it_takes_a_constant_number_of_queries(
    client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    packages: int,
    features: int,
    who: str,
) -> None:
    make_full_grid(packages=packages, features=features, slug="big")
    if who != "anonymous":
        log_in(client, who, staff=who == "staff")
    expected = ANONYMOUS_QUERIES if who == "anonymous" else SIGNED_IN_QUERIES
    with django_assert_num_queries(expected):
        response = client.get("/grids/g/big/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("mark-yes") == packages * features
    edit_links = html.count('class="cell-edit"')
    assert edit_links == (0 if who == "anonymous" else packages * features)


def test_it_shows_no_edit_controls_to_anonymous_visitors(client: Client) -> None:
    small_grid()
    html = client.get("/grids/g/auth/").content.decode()
    assert "cell-edit" not in html
    assert "grid-tools" not in html
    assert "csrfmiddlewaretoken" not in html  # the page stays cacheable
    assert 'href="/accounts/login/?next=/grids/g/auth/"' in html
    assert "Log in to edit this grid" in html


def test_it_shows_the_editor_to_a_logged_in_person(client: Client) -> None:
    _grid, (alpha, _bravo), feature = small_grid()
    log_in(client)
    html = client.get("/grids/g/auth/").content.decode()
    edit = f"/grids/auth/cells/{alpha.pk}/{feature.pk}/edit/"
    assert f'<td class="text cell" id="cell-{alpha.pk}-{feature.pk}">' in html
    assert f'<a class="cell-edit" href="{edit}" hx-get="{edit}" hx-target="closest td"' in html
    assert '<span class="visually-hidden">Edit Async for Alpha</span>' in html
    assert 'href="/grids/auth/edit/"' in html
    assert 'id="package-search"' in html
    assert 'hx-get="/grids/auth/packages/add/"' in html
    assert 'action="/grids/auth/features/add/"' in html
    assert f'href="/grids/auth/features/{feature.pk}/edit/"' in html
    assert f'href="/grids/auth/packages/{alpha.slug}/remove/"' in html
    assert "hx-confirm=" in html
    assert "Lock grid" not in html  # staff only
    assert "Delete grid" not in html


def test_it_shows_lock_and_delete_to_staff(client: Client) -> None:
    small_grid()
    log_in(client, "sam", staff=True)
    html = client.get("/grids/g/auth/").content.decode()
    assert 'action="/grids/auth/lock/"' in html
    assert "Lock grid" in html
    assert 'href="/grids/auth/delete/"' in html


def test_it_hides_the_editor_of_a_locked_grid_from_non_staff(client: Client) -> None:
    small_grid(is_locked=True)
    log_in(client)
    html = client.get("/grids/g/auth/").content.decode()
    assert "cell-edit" not in html
    assert "grid-tools" not in html
    assert "This grid is locked: only staff can edit it." in html
    assert ">Locked</span>" in html


def test_it_renders_the_description_as_safe_markdown(client: Client) -> None:
    make_grid(
        slug="md",
        description="**Bold** [link](https://example.com) <script>alert(1)</script>\n\n- one",
    )
    html = client.get("/grids/g/md/").content.decode()
    assert "<strong>Bold</strong>" in html
    assert '<a href="https://example.com" rel="nofollow noopener">link</a>' in html
    assert "<li>one</li>" in html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_renders_cell_markdown_and_shorthand_for_editors_too(client: Client) -> None:
    grid, (alpha, bravo), feature = small_grid()
    set_cell(grid, alpha, feature, "✓ since *2.0*")
    set_cell(grid, bravo, feature, "<b>x</b>")
    log_in(client)
    html = client.get("/grids/g/auth/").content.decode()
    assert '<span class="visually-hidden">Yes</span> since <em>2.0</em><a class="cell-edit"' in html
    assert "&lt;b&gt;x&lt;/b&gt;<a class=" in html


def test_it_decides_who_may_edit_without_queries(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    grid = make_grid()
    locked = make_grid(is_locked=True)
    alice = make_user("alice")
    sam = make_user("sam", staff=True)
    retired = make_user("retired", is_active=False)
    with django_assert_num_queries(0):
        assert not can_edit_grid(AnonymousUser(), grid)
        assert can_edit_grid(alice, grid)
        assert not can_edit_grid(alice, locked)
        assert can_edit_grid(sam, locked)
        assert not can_edit_grid(retired, grid)
