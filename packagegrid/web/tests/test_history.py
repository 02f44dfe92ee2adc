"""A package's edit history, and reverting an edit (staff only)."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import EditRecord, Package
from packagegrid.catalog.selectors import history_for
from packagegrid.catalog.services import package_create, package_update
from packagegrid.conftest import make_category, make_package, make_user

pytestmark = pytest.mark.django_db

# The package, the count, the records with their authors, the categories and packages
# they mention.
HISTORY_QUERIES = 5


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def package(alice: User) -> Package:
    category = make_category(title="Forms")
    return package_create(
        repo_url="https://github.com/example/widgets",
        title="Widgets",
        slug="widgets",
        category=category,
        pypi_url="",
        documentation_url="",
        created_by=alice,
    )


def _url(package: Package) -> str:
    return f"/packages/{package.slug}/history/"


def _revert_url(package: Package, record: EditRecord) -> str:
    return f"/packages/{package.slug}/history/{record.pk}/revert/"


def test_it_lists_every_edit_with_who_when_and_what(
    client: Client, alice: User, package: Package
) -> None:
    other = make_category(title="Widgets and forms")
    replacement = make_package(title="Gadgets")
    package_update(package=package, user=alice, title="Widgets <b>2</b>", category=other)
    package_update(package=package, user=alice, replaced_by=replacement)
    response = client.get(_url(package))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>History</h1>" in html
    assert html.count('class="history-entry"') == 3
    assert html.count(">Updated</span>") == 2
    assert ">Created</span>" in html
    assert "by alice" in html
    assert '<th scope="row">Title</th>' in html
    assert '<td class="history-value">Widgets</td>' in html
    assert '<td class="history-value">Widgets &lt;b&gt;2&lt;/b&gt;</td>' in html
    assert '<td class="history-value">Forms</td>' in html  # the category by its title
    assert '<td class="history-value">Widgets and forms</td>' in html
    assert '<td class="history-value">Gadgets</td>' in html
    assert "Revert" not in html  # only staff see it


def test_it_names_deleted_categories_and_accounts(
    client: Client, alice: User, package: Package
) -> None:
    gone = make_category(title="Gone")
    package_update(package=package, user=alice, category=gone)
    package_update(package=package, user=alice, category=make_category())
    gone_id = gone.pk
    gone.delete()
    alice.delete()
    html = client.get(_url(package)).content.decode()
    assert f"#{gone_id} (deleted)" in html
    assert "by a deleted account" in html


def test_it_shows_revert_buttons_to_staff_for_updates_only(
    client: Client, alice: User, staff: User, package: Package
) -> None:
    package_update(package=package, user=alice, title="Changed")
    update = history_for(package).filter(action="update").get()
    client.force_login(alice)
    assert 'class="history-revert"' not in client.get(_url(package)).content.decode()
    client.force_login(staff)
    html = client.get(_url(package)).content.decode()
    assert html.count('class="history-revert"') == 1
    assert f'action="{_revert_url(package, update)}"' in html


def test_it_is_linked_from_the_package_page(client: Client, package: Package) -> None:
    html = client.get(package.get_absolute_url()).content.decode()
    assert f'href="{_url(package)}"' in html


def test_it_answers_404_for_an_unknown_package(client: Client) -> None:
    assert client.get("/packages/nothing/history/").status_code == 404


@pytest.mark.parametrize("edits", [2, 20])
def test_it_takes_the_same_queries_whatever_the_number_of_edits(
    client: Client,
    alice: User,
    package: Package,
    edits: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    categories = [make_category() for _ in range(2)]
    for n in range(edits):
        replacement = make_package() if n % 2 else None
        package_update(
            package=package,
            user=make_user() if n % 3 else alice,
            title=f"Widgets {n}",
            category=categories[n % 2],
            replaced_by=replacement,
        )
    client.get(_url(package))  # content types are cached after the first request
    with django_assert_num_queries(HISTORY_QUERIES):
        response = client.get(_url(package))
    assert response.content.decode().count('class="history-entry"') == edits + 1


def test_it_lets_staff_revert_an_update(
    client: Client, alice: User, staff: User, package: Package
) -> None:
    package_update(package=package, user=alice, title="Vandalised")
    update = history_for(package).get(action="update")
    client.force_login(staff)
    response = client.post(_revert_url(package, update))
    assert response.status_code == 302
    assert response["Location"] == _url(package)
    package.refresh_from_db()
    assert package.title == "Widgets"
    revert = history_for(package).first()
    assert revert is not None
    assert (revert.action, revert.user) == (EditRecord.Action.REVERT, staff)
    html = client.get(response["Location"]).content.decode()
    assert "The change was reverted." in html


@pytest.mark.parametrize("who", ["anonymous", "alice"])
def test_it_refuses_a_revert_to_anyone_but_staff(
    client: Client, alice: User, package: Package, who: str
) -> None:
    package_update(package=package, user=alice, title="Changed")
    update = history_for(package).get(action="update")
    if who == "alice":
        client.force_login(alice)
    assert client.post(_revert_url(package, update)).status_code == 403
    package.refresh_from_db()
    assert package.title == "Changed"


def test_it_reverts_only_on_post_with_the_csrf_token(
    staff: User, alice: User, package: Package
) -> None:
    package_update(package=package, user=alice, title="Changed")
    update = history_for(package).get(action="update")
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.get(_revert_url(package, update)).status_code == 405
    assert client.post(_revert_url(package, update)).status_code == 403
    package.refresh_from_db()
    assert package.title == "Changed"


def test_it_answers_404_for_an_edit_of_another_package(
    client: Client, alice: User, staff: User, package: Package
) -> None:
    other = make_package(slug="other")
    package_update(package=other, user=alice, title="Other changed")
    update = history_for(other).get()
    client.force_login(staff)
    assert client.post(_revert_url(package, update)).status_code == 404
    assert client.post(f"/packages/{package.slug}/history/999999/revert/").status_code == 404


def test_it_explains_why_a_creation_cannot_be_reverted(
    client: Client, staff: User, package: Package
) -> None:
    creation = history_for(package).get()
    client.force_login(staff)
    response = client.post(_revert_url(package, creation), follow=True)
    assert "This change cannot be reverted: Only updates can be reverted." in (
        response.content.decode()
    )
    assert history_for(package).count() == 1
