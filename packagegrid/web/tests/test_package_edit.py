"""The edit-package page."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from pytest_django import DjangoAssertNumQueries, Settings

from packagegrid.catalog.models import EditRecord, Package
from packagegrid.catalog.selectors import history_for
from packagegrid.catalog.services import package_update
from packagegrid.conftest import make_category, make_package, make_user
from packagegrid.web.conflicts import CONFLICT_MESSAGE
from packagegrid.web.package_views import EDITS_PER_HOUR
from packagegrid.web.tests.grid_actors import conflict_cells, hidden_version

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 4  # session, user, the package, the categories


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _edits_take_effect(settings: Settings) -> None:
    """These tests are about editing itself: nobody's change waits for review here
    (test_package_review.py covers held changes)."""
    settings.TRUSTED_EDITS = 0


@pytest.fixture
def package() -> Package:
    return make_package(
        title="Widgets",
        slug="widgets",
        repo_url="https://github.com/example/widgets",
        pypi_url="https://pypi.org/project/widgets/",
    )


def _url(package: Package) -> str:
    return f"/packages/{package.slug}/edit/"


def _form(package: Package, **overrides: Any) -> dict[str, Any]:
    return {
        "repo_url": package.repo_url,
        "title": package.title,
        "category": str(package.category_id),
        "pypi_name": package.pypi_name,
        "documentation_url": package.documentation_url or "",
        "replaced_by": package.replaced_by.slug if package.replaced_by else "",
        **overrides,
    }


def test_it_sends_anonymous_people_to_log_in(client: Client, package: Package) -> None:
    response = client.get(_url(package))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/packages/widgets/edit/"
    response = client.post(_url(package), _form(package, title="Changed"))
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.title == "Widgets"


def test_it_shows_the_form_filled_in(
    alice_client: Client, package: Package, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(PAGE_QUERIES):
        response = alice_client.get(_url(package))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Edit Widgets</h1>" in html
    assert 'name="title" value="Widgets"' in html
    assert 'name="repo_url" value="https://github.com/example/widgets"' in html
    assert 'name="pypi_name" value="widgets"' in html
    assert f'<option value="{package.category_id}" selected>' in html
    assert 'name="slug"' not in html  # the address stays


def test_it_answers_404_for_an_unknown_package(alice_client: Client) -> None:
    assert alice_client.get("/packages/nothing/edit/").status_code == 404
    assert alice_client.post("/packages/nothing/edit/", {"title": "x"}).status_code == 404


def test_it_saves_changes_and_records_them(
    alice_client: Client, alice: User, package: Package
) -> None:
    category = make_category(title="Forms")
    replacement = make_package(title="Widgets 2", slug="widgets-2")
    response = alice_client.post(
        _url(package),
        _form(
            package,
            title="Widgets (old)",
            category=str(category.pk),
            pypi_name="https://pypi.org/project/Widgets-Old/",
            documentation_url="https://widgets.readthedocs.io/",
            replaced_by="widgets-2",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == "/packages/p/widgets/"
    package.refresh_from_db()
    assert package.title == "Widgets (old)"
    assert package.category == category
    assert package.pypi_url == "https://pypi.org/project/Widgets-Old/"
    assert package.replaced_by == replacement
    assert package.last_modified_by == alice
    record = history_for(package).get()
    assert record.user == alice
    assert record.changes["title"] == ["Widgets", "Widgets (old)"]
    assert record.changes["replaced_by"] == [None, replacement.pk]
    assert (
        "Saved your changes to Widgets (old)."
        in alice_client.get(response["Location"]).content.decode()
    )


def test_it_records_nothing_when_an_old_record_is_saved_unchanged(alice_client: Client) -> None:
    legacy = make_package(
        slug="legacy",
        repo_url="http://github.com/example/legacy/",
        documentation_url=None,
    )
    legacy.pypi_url = "http://pypi.python.org/pypi/legacy"
    legacy.save()
    response = alice_client.post(_url(legacy), _form(legacy))
    assert response.status_code == 302
    legacy.refresh_from_db()
    assert legacy.repo_url == "http://github.com/example/legacy/"
    assert legacy.pypi_url == "http://pypi.python.org/pypi/legacy"
    assert legacy.documentation_url is None
    assert not EditRecord.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"repo_url": "not a url"}, "This is not a repository URL"),
        ({"repo_url": "git@github.com:example/taken.git"}, "already listed as “Taken”"),
        ({"title": "x" * 101}, "Ensure this value has at most 100 characters (it has 101)."),
        ({"title": ""}, "This field is required."),
        ({"category": "999999"}, "Select a valid choice."),
        ({"replaced_by": "nothing-here"}, "No package has the slug “nothing-here”."),
        ({"replaced_by": "widgets"}, "A package cannot be replaced by itself."),
        ({"documentation_url": "ftp://example.com/docs"}, "Enter an http or https URL."),
    ],
)
def test_it_shows_form_errors_and_changes_nothing(
    alice_client: Client, package: Package, overrides: dict[str, str], message: str
) -> None:
    make_package(title="Taken", repo_url="https://github.com/example/taken")
    response = alice_client.post(_url(package), _form(package, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    package.refresh_from_db()
    assert (package.title, package.repo_url) == ("Widgets", "https://github.com/example/widgets")
    assert not EditRecord.objects.exists()


def test_it_refuses_a_cycle_of_replacements(alice_client: Client, package: Package) -> None:
    newer = make_package(slug="newer", replaced_by=package)
    response = alice_client.post(_url(package), _form(package, replaced_by=newer.slug))
    assert response.status_code == 200
    assert "that would make a cycle" in response.content.decode()
    package.refresh_from_db()
    assert package.replaced_by is None


def test_it_refuses_a_longer_cycle_of_replacements_on_the_form(
    alice_client: Client, package: Package
) -> None:
    newest = make_package(slug="newest", title="Newest", replaced_by=package)
    newer = make_package(slug="newer", title="Newer", replaced_by=newest)
    response = alice_client.post(_url(package), _form(package, replaced_by=newer.slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        f"“Newer” is itself replaced, directly or through other packages, by {package.title}"
        in html
    )
    package.refresh_from_db()
    assert package.replaced_by is None


def test_it_says_a_package_cannot_replace_itself(alice_client: Client, package: Package) -> None:
    response = alice_client.post(_url(package), _form(package, replaced_by=package.slug))
    assert "A package cannot be replaced by itself." in response.content.decode()
    package.refresh_from_db()
    assert package.replaced_by is None


def test_it_needs_the_csrf_token(alice: User, package: Package) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(_url(package), _form(package, title="Changed")).status_code == 403
    package.refresh_from_db()
    assert package.title == "Widgets"


def test_it_limits_how_many_edits_a_person_makes(alice_client: Client, package: Package) -> None:
    for n in range(EDITS_PER_HOUR):
        assert alice_client.post(_url(package), _form(package, title=f"T{n}")).status_code == 302
    response = alice_client.post(_url(package), _form(package, title="One too many"))
    assert response.status_code == 429
    package.refresh_from_db()
    assert package.title == f"T{EDITS_PER_HOUR - 1}"


def test_it_lets_staff_edit_too(client: Client, package: Package) -> None:
    staff = make_user("sam")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.post(_url(package), _form(package, title="By staff")).status_code == 302
    package.refresh_from_db()
    assert package.title == "By staff"


def test_the_form_carries_the_packages_version(alice_client: Client, package: Package) -> None:
    html = alice_client.get(_url(package)).content.decode()
    assert hidden_version(html, package.version)


def test_a_stale_save_shows_both_values_and_changes_nothing(
    alice_client: Client, package: Package
) -> None:
    form = {**_form(package, title="Mine"), "version": str(package.version)}
    package_update(package=package, user=make_user("bob"), title="Theirs")  # saved meanwhile
    response = alice_client.post(_url(package), form)
    assert response.status_code == 200
    html = response.content.decode()
    assert CONFLICT_MESSAGE in html
    assert conflict_cells(html, "Mine", "Theirs")
    assert 'value="Mine"' in html  # the person's values stay in the form
    assert hidden_version(html, package.version + 1)
    assert Package.objects.get(pk=package.pk).title == "Theirs"
    assert EditRecord.objects.count() == 1
    # Saving the conflict form again is a deliberate choice: it keeps "Mine".
    form["version"] = str(package.version + 1)
    assert alice_client.post(_url(package), form).status_code == 302
    assert Package.objects.get(pk=package.pk).title == "Mine"
