"""The add-package page: paste a repository URL, check it, pre-fill, create."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from packagegrid.catalog.models import Category, EditRecord, Package
from packagegrid.conftest import make_category, make_grid, make_package, make_user
from packagegrid.fetchers.tasks import fetch_package
from packagegrid.grids.models import GridPackage
from packagegrid.web.package_views import ADDS_PER_HOUR

if TYPE_CHECKING:
    from packagegrid.conftest import TestResponse

pytestmark = pytest.mark.django_db

URL = "/packages/add/"
HTMX = {"HTTP_HX_REQUEST": "true"}
PAGE_QUERIES = 2  # session, user
# session, user, the duplicate check, the free slug, the categories and the grids (whether
# there are any, then the options).
CHECK_QUERIES = 7


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def category() -> Category:
    return make_category(title="Security", slug="security")


def _check(client: Client, repo_url: str, **extra: Any) -> TestResponse:
    return client.post(URL, {"step": "check", "repo_url": repo_url}, **extra)


def _form(chosen: Category, **overrides: Any) -> dict[str, Any]:
    return {
        "step": "create",
        "repo_url": "https://github.com/jazzband/django-axes/tree/master/",
        "title": "django-axes",
        "slug": "django-axes",
        "category": str(chosen.pk),
        "pypi_name": "django-axes",
        "documentation_url": "",
        "grid": "",
        **overrides,
    }


def test_it_sends_anonymous_people_to_log_in(client: Client, category: Category) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/packages/add/"
    response = client.post(URL, _form(category))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Package.objects.exists()


def test_it_shows_the_url_field_first(
    alice_client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(PAGE_QUERIES):
        response = alice_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Add a package</h1>" in html
    assert 'name="repo_url"' in html
    assert 'hx-post="/packages/add/"' in html
    assert 'name="step" value="check"' in html  # the plain-form fallback
    assert 'name="title"' not in html


@pytest.mark.parametrize(
    "pasted",
    [
        "https://github.com/jazzband/django-axes",
        "http://github.com/jazzband/django-axes/",
        "https://github.com/jazzband/django-axes.git",
        "git@github.com:jazzband/django-axes.git",
        "ssh://git@github.com/jazzband/django-axes.git",
        "https://github.com/jazzband/django-axes/tree/master/",
        "  github.com/jazzband/django-axes  ",
    ],
)
def test_it_normalises_the_url_and_prefills_the_form(
    alice_client: Client,
    category: Category,
    pasted: str,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    make_grid(title="Auth")
    with django_assert_num_queries(CHECK_QUERIES):
        response = _check(alice_client, pasted)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Repository: <code>https://github.com/jazzband/django-axes</code>" in html
    assert 'name="title" value="django-axes"' in html
    assert 'name="slug" value="django-axes"' in html
    assert 'name="pypi_name" value="django-axes"' in html
    assert f'<option value="{category.pk}">Security</option>' in html
    assert 'name="step" value="create"' in html


def test_it_answers_htmx_with_the_details_alone(alice_client: Client, category: Category) -> None:
    response = _check(alice_client, "https://github.com/jazzband/django-axes", **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert "<h1>" not in html
    assert 'name="title" value="django-axes"' in html


def test_it_suggests_a_free_slug(alice_client: Client, category: Category) -> None:
    make_package(slug="django-axes", repo_url="https://github.com/someone/django-axes")
    html = _check(alice_client, "https://github.com/jazzband/django-axes").content.decode()
    assert 'name="slug" value="django-axes-2"' in html


@pytest.mark.parametrize("pasted", ["not a url", "https://github.com/jazzband", "ftp://x/a/b"])
def test_it_explains_an_invalid_url(alice_client: Client, pasted: str) -> None:
    response = _check(alice_client, pasted, **HTMX)
    html = response.content.decode()
    assert "This is not a repository URL" in html
    assert 'name="title"' not in html


def test_it_shows_no_error_while_the_field_is_empty(alice_client: Client) -> None:
    html = _check(alice_client, "  ", **HTMX).content.decode()
    assert "errorlist" not in html
    assert "not a repository URL" not in html
    assert "This field is required" not in html


def test_it_shows_the_package_that_already_lists_the_repository(
    alice_client: Client, category: Category
) -> None:
    existing = make_package(title="Axes", repo_url="http://github.com/Jazzband/django-axes/")
    html = _check(alice_client, "git@github.com:jazzband/django-axes.git").content.decode()
    assert "<strong>Already listed.</strong>" in html
    assert f'<a href="{existing.get_absolute_url()}">Axes</a>' in html
    assert 'name="title"' not in html
    assert 'value="create"' not in html


def test_it_creates_the_package_and_enqueues_its_fetch(
    alice_client: Client,
    alice: User,
    category: Category,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(URL, _form(category))
    package = Package.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/packages/p/django-axes/"
    assert package.repo_url == "https://github.com/jazzband/django-axes"
    assert package.pypi_url == "https://pypi.org/project/django-axes/"
    assert (package.category, package.created_by) == (category, alice)
    assert EditRecord.objects.get().action == "create"
    queued = DBTaskResult.objects.filter(task_path=fetch_package.module_path)
    assert [task.args_kwargs["args"] for task in queued] == [[package.pk]]
    page = alice_client.get(response["Location"]).content.decode()
    assert "Added django-axes." in page


def test_it_also_adds_the_package_to_a_grid(alice_client: Client, category: Category) -> None:
    grid = make_grid(title="Auth", slug="auth")
    response = alice_client.post(URL, _form(category, grid=str(grid.pk)))
    assert response.status_code == 302
    assert GridPackage.objects.get().grid == grid


def test_it_preselects_a_grid_named_in_the_address(alice_client: Client) -> None:
    grid = make_grid(title="Auth", slug="auth")
    html = alice_client.get(f"{URL}?grid=auth").content.decode()
    assert f'<input type="hidden" name="grid" value="{grid.pk}">' in html


def test_it_keeps_the_preselected_grid_through_the_check(
    alice_client: Client, category: Category
) -> None:
    grid = make_grid(title="Auth", slug="auth")
    response = alice_client.post(
        URL, {"step": "check", "repo_url": "https://github.com/a/b", "grid": str(grid.pk)}
    )
    assert f'<option value="{grid.pk}" selected>Auth</option>' in response.content.decode()


def test_it_offers_locked_grids_to_staff_only(
    client: Client, alice: User, category: Category
) -> None:
    make_grid(title="Open")
    make_grid(title="Closed", is_locked=True)
    client.force_login(alice)
    html = _check(client, "https://github.com/a/b").content.decode()
    assert ">Open</option>" in html
    assert ">Closed</option>" not in html
    staff = make_user("staff")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert ">Closed</option>" in _check(client, "https://github.com/a/b").content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"repo_url": "nonsense"}, "This is not a repository URL"),
        ({"slug": "TAKEN"}, "The slug “TAKEN” is already used by another package."),
        ({"slug": "has spaces"}, "Enter a valid “slug”"),
        ({"title": "x" * 101}, "Ensure this value has at most 100 characters (it has 101)."),
        ({"category": ""}, "This field is required."),
        ({"category": "999999"}, "Select a valid choice."),
        ({"grid": "999999"}, "Choose a grid from the list: that one does not exist or is locked."),
        ({"pypi_name": "not a name!"}, "Enter a PyPI project name"),
        ({"documentation_url": "javascript:alert(1)"}, "Enter a valid URL."),
    ],
)
def test_it_shows_form_errors_and_changes_nothing(
    alice_client: Client, category: Category, overrides: dict[str, str], message: str
) -> None:
    make_package(slug="taken", repo_url="https://github.com/someone/taken")
    response = alice_client.post(URL, _form(category, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Package.objects.count() == 1
    assert not EditRecord.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_it_refuses_a_locked_grid_to_people_who_are_not_staff(
    alice_client: Client, category: Category
) -> None:
    grid = make_grid(is_locked=True)
    response = alice_client.post(URL, _form(category, grid=str(grid.pk)))
    assert "Choose a grid from the list" in response.content.decode()
    assert not Package.objects.exists()


def test_it_shows_the_existing_package_instead_of_creating_a_duplicate(
    alice_client: Client, category: Category
) -> None:
    existing = make_package(title="Axes", repo_url="https://github.com/jazzband/django-axes")
    response = alice_client.post(URL, _form(category, slug="axes-again"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="{existing.get_absolute_url()}">Axes</a>' in html
    assert Package.objects.count() == 1


def test_it_escapes_what_people_type(alice_client: Client, category: Category) -> None:
    response = alice_client.post(
        URL, _form(category, title="<script>alert(1)</script>", slug="x y")
    )
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_needs_the_csrf_token(alice: User, category: Category) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(URL, _form(category)).status_code == 403
    assert not Package.objects.exists()


def test_it_refuses_other_methods(alice_client: Client) -> None:
    assert alice_client.put(URL).status_code == 405
    assert alice_client.delete(URL).status_code == 405


def test_it_limits_how_many_packages_a_person_adds(
    alice_client: Client, category: Category
) -> None:
    for _ in range(ADDS_PER_HOUR):
        assert alice_client.post(URL, _form(category, title="")).status_code == 200
    response = alice_client.post(URL, _form(category))
    assert response.status_code == 429
    assert not Package.objects.exists()


def test_it_does_not_count_checks_against_the_limit(
    alice_client: Client, category: Category
) -> None:
    for _ in range(ADDS_PER_HOUR + 5):
        assert _check(alice_client, "https://github.com/a/b", **HTMX).status_code == 200
    assert alice_client.post(URL, _form(category)).status_code == 302
