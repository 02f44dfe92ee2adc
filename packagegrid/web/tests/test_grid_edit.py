"""Adding, editing, locking and deleting grids: who may, and what bad input does."""

import pytest
from django.test import Client
from pytest_django import Settings

from packagegrid.catalog.models import EditRecord
from packagegrid.conftest import csrf_client, log_in, make_grid
from packagegrid.grids.models import Grid
from packagegrid.web.tests.grid_actors import fresh_cache, records

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fresh_cache.__name__)]


def test_it_sends_anonymous_visitors_to_log_in(client: Client) -> None:
    grid = make_grid(slug="auth")
    for url in ("/grids/add/", "/grids/auth/edit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    response = client.post("/grids/add/", {"title": "Sneaky"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.post("/grids/auth/edit/", {"title": "Sneaky", "slug": "auth"}).status_code == 302
    grid.refresh_from_db()
    assert grid.title != "Sneaky"
    assert Grid.objects.count() == 1


def test_it_shows_the_add_form(client: Client) -> None:
    log_in(client)
    response = client.get("/grids/add/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Add a grid</h1>" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="slug"' in html


def test_it_creates_a_grid_and_goes_to_it(client: Client) -> None:
    alice = log_in(client)
    response = client.post(
        "/grids/add/", {"title": "Forms", "slug": "forms", "description": "*Nice* forms"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/grids/g/forms/"
    grid = Grid.objects.get(slug="forms")
    assert grid.created_by == alice
    assert [r.action for r in records(grid)] == [EditRecord.Action.CREATE]
    html = client.get("/grids/g/forms/").content.decode()
    assert "<em>Nice</em> forms" in html


def test_it_makes_the_slug_from_the_title_when_left_empty(client: Client) -> None:
    log_in(client)
    client.post("/grids/add/", {"title": "Rich Text Editors", "slug": "", "description": ""})
    assert Grid.objects.get().slug == "rich-text-editors"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"title": "", "slug": "x"}, "This field is required."),
        ({"title": "x" * 101, "slug": "x"}, "Ensure this value has at most 100 characters"),
        ({"title": "Ok", "slug": "not a slug"}, "Enter a valid “slug”"),
        ({"title": "Ok", "slug": "taken"}, "The slug “taken” is already used by another grid."),
        ({"title": "???", "slug": ""}, "Enter a slug: the title has no letters or digits"),
    ],
)
def test_it_refuses_bad_input_and_creates_nothing(
    client: Client, data: dict[str, str], error: str
) -> None:
    make_grid(slug="taken")
    log_in(client)
    response = client.post("/grids/add/", {"description": "", **data})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Grid.objects.count() == 1
    assert not EditRecord.objects.exists()


def test_it_requires_the_csrf_token() -> None:
    client, _alice = csrf_client()
    response = client.post("/grids/add/", {"title": "Forms", "slug": "forms"})
    assert response.status_code == 403
    assert not Grid.objects.exists()


def test_it_shows_the_edit_form_filled_in(client: Client) -> None:
    make_grid(title="Forms", slug="forms", description="About forms")
    log_in(client)
    response = client.get("/grids/forms/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Forms"' in html
    assert ">\nAbout forms</textarea>" in html


def test_it_edits_a_grid_and_records_the_change(client: Client) -> None:
    grid = make_grid(title="Forms", slug="forms", description="")
    alice = log_in(client)
    response = client.post(
        "/grids/forms/edit/", {"title": "Form helpers", "slug": "form-helpers", "description": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == "/grids/g/form-helpers/"
    grid.refresh_from_db()
    assert grid.title == "Form helpers"
    (record,) = records(grid)
    assert record.user == alice
    assert record.changes == {
        "slug": ["forms", "form-helpers"],
        "title": ["Forms", "Form helpers"],
    }


def test_it_keeps_its_own_slug_when_editing(client: Client) -> None:
    make_grid(title="Forms", slug="forms")
    log_in(client)
    response = client.post("/grids/forms/edit/", {"title": "Forms!", "slug": "forms"})
    assert response.status_code == 302


def test_it_refuses_a_slug_taken_by_another_grid(client: Client) -> None:
    make_grid(slug="taken")
    grid = make_grid(title="Mine", slug="mine")
    log_in(client)
    response = client.post("/grids/mine/edit/", {"title": "Mine", "slug": "taken"})
    assert response.status_code == 200
    assert "already used by another grid" in response.content.decode()
    grid.refresh_from_db()
    assert grid.slug == "mine"


def test_it_is_404_for_an_unknown_grid(client: Client) -> None:
    log_in(client)
    assert client.get("/grids/nope/edit/").status_code == 404
    assert client.get("/grids/%00/edit/").status_code == 400


def test_it_lets_only_staff_edit_a_locked_grid(client: Client) -> None:
    grid = make_grid(title="Locked", slug="locked", is_locked=True)
    log_in(client)
    assert client.get("/grids/locked/edit/").status_code == 403
    assert (
        client.post("/grids/locked/edit/", {"title": "Mine", "slug": "locked"}).status_code == 403
    )
    grid.refresh_from_db()
    assert grid.title == "Locked"

    client.logout()
    log_in(client, "sam", staff=True)
    assert client.get("/grids/locked/edit/").status_code == 200
    assert client.post("/grids/locked/edit/", {"title": "Ok", "slug": "locked"}).status_code == 302
    grid.refresh_from_db()
    assert grid.title == "Ok"


def test_it_lets_staff_lock_and_unlock_a_grid(client: Client) -> None:
    grid = make_grid(slug="auth")
    sam = log_in(client, "sam", staff=True)
    response = client.post("/grids/auth/lock/", {"is_locked": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/grids/g/auth/"
    grid.refresh_from_db()
    assert grid.is_locked
    client.post("/grids/auth/lock/", {"is_locked": "0"})
    grid.refresh_from_db()
    assert not grid.is_locked
    assert [(r.user, r.changes) for r in records(grid)] == [
        (sam, {"is_locked": [True, False]}),
        (sam, {"is_locked": [False, True]}),
    ]


def test_it_refuses_locking_to_non_staff_and_on_get(client: Client) -> None:
    grid = make_grid(slug="auth")
    log_in(client)
    assert client.post("/grids/auth/lock/", {"is_locked": "1"}).status_code == 403
    client.logout()
    log_in(client, "sam", staff=True)
    assert client.get("/grids/auth/lock/", {"is_locked": "1"}).status_code == 405
    grid.refresh_from_db()
    assert not grid.is_locked


def test_it_asks_staff_before_deleting_a_grid(client: Client) -> None:
    make_grid(title="Doomed", slug="doomed")
    log_in(client, "sam", staff=True)
    response = client.get("/grids/doomed/delete/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Delete the grid “Doomed”?" in html
    assert 'action="/grids/doomed/delete/"' in html
    assert Grid.objects.filter(slug="doomed").exists()  # GET changes nothing


def test_it_lets_staff_delete_a_grid(client: Client) -> None:
    grid = make_grid(title="Doomed", slug="doomed")
    grid_id = grid.pk
    log_in(client, "sam", staff=True)
    response = client.post("/grids/doomed/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/grids/"
    assert not Grid.objects.exists()
    assert EditRecord.objects.get(object_id=grid_id).action == EditRecord.Action.DELETE


def test_it_refuses_deleting_to_non_staff(client: Client) -> None:
    make_grid(slug="doomed")
    log_in(client)
    assert client.get("/grids/doomed/delete/").status_code == 403
    assert client.post("/grids/doomed/delete/").status_code == 403
    assert Grid.objects.exists()


def test_it_rate_limits_new_grids(client: Client, settings: Settings) -> None:
    log_in(client)
    for n in range(20):
        client.post("/grids/add/", {"title": f"Grid {n}"})
    response = client.post("/grids/add/", {"title": "One too many"})
    assert response.status_code == 429
    assert Grid.objects.count() == 20
