"""Adding, editing and reverting packages: the services behind the forms."""

import itertools
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoCaptureOnCommitCallbacks

from packagegrid.catalog.history_services import EditConflict, RevertRefused
from packagegrid.catalog.models import Category, EditRecord, Package
from packagegrid.catalog.selectors import history_for
from packagegrid.catalog.services import (
    DuplicateRepository,
    package_create,
    package_edit_revert,
    package_update,
)
from packagegrid.conftest import make_category, make_grid, make_package, make_user
from packagegrid.fetchers.tasks import fetch_package
from packagegrid.grids.models import GridPackage

pytestmark = pytest.mark.django_db


@pytest.fixture
def category() -> Category:
    return make_category(title="Security", slug="security")


def _create(**overrides: Any) -> Package:
    values = {
        "repo_url": "https://github.com/jazzband/django-axes",
        "title": "django-axes",
        "slug": "django-axes",
        "pypi_url": "https://pypi.org/project/django-axes/",
        "documentation_url": "https://django-axes.readthedocs.io/",
        **overrides,
    }
    return package_create(**values)


def _queued_fetches() -> list[Any]:
    tasks = DBTaskResult.objects.filter(task_path=fetch_package.module_path)
    return [task.args_kwargs["args"] for task in tasks]


def test_it_creates_a_package_records_it_and_fetches_it_on_commit(
    alice: User,
    category: Category,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        package = _create(
            repo_url="git@github.com:jazzband/django-axes.git",
            category=category,
            created_by=alice,
        )
    package.refresh_from_db()
    assert package.repo_url == "https://github.com/jazzband/django-axes"
    assert (package.created_by, package.last_modified_by) == (alice, alice)
    assert package.created == package.modified
    record = history_for(package).get()
    assert record.action == EditRecord.Action.CREATE
    assert record.user == alice
    assert record.changes == {
        "category": [None, category.pk],
        "documentation_url": [None, "https://django-axes.readthedocs.io/"],
        "pypi_url": [None, "https://pypi.org/project/django-axes/"],
        "repo_url": [None, "https://github.com/jazzband/django-axes"],
        "slug": [None, "django-axes"],
        "title": [None, "django-axes"],
    }
    assert _queued_fetches() == [[package.pk]]


def test_it_enqueues_nothing_before_the_transaction_commits(
    alice: User,
    category: Category,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _create(category=category, created_by=alice)
    assert len(callbacks) == 1
    assert _queued_fetches() == []


def test_it_also_adds_the_package_to_a_grid_and_records_that_in_the_grid(
    alice: User, category: Category
) -> None:
    grid = make_grid(title="Security")
    with mock.patch("packagegrid.catalog.services.enqueue_package_fetch", autospec=True) as enqueue:
        package = _create(category=category, created_by=alice, grid=grid)
    enqueue.assert_called_once_with(package.pk)
    link = GridPackage.objects.get()
    assert (link.grid, link.package) == (grid, package)
    record = EditRecord.objects.get(content_type=ContentType.objects.get_for_model(GridPackage))
    assert record.changes == {"grid": [None, grid.pk], "package": [None, package.pk]}
    grid.refresh_from_db()
    assert grid.modified >= package.created


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/jazzband/django-axes",
        "http://github.com/Jazzband/Django-Axes/",
        "https://www.github.com/jazzband/django-axes.git",
        "git@github.com:jazzband/django-axes.git",
        "https://github.com/jazzband/django-axes/tree/master/axes",
    ],
)
def test_it_refuses_a_repository_that_is_already_listed(
    alice: User, category: Category, url: str
) -> None:
    existing = make_package(title="Axes", repo_url="http://github.com/jazzband/django-axes/")
    with pytest.raises(DuplicateRepository) as refused:
        _create(repo_url=url, slug="other", category=category, created_by=alice)
    assert refused.value.package == existing
    assert refused.value.message_dict == {
        "repo_url": ["This repository is already listed as “Axes”."]
    }
    assert Package.objects.count() == 1
    assert not EditRecord.objects.exists()


def test_it_tells_apart_repositories_whose_names_only_start_alike(
    alice: User, category: Category
) -> None:
    make_package(repo_url="https://github.com/jazzband/django-axes-extra")
    make_package(repo_url="https://github.com/other-jazzband/django-axes")
    package = _create(category=category, created_by=alice)
    assert package.pk is not None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"repo_url": "not a url"}, "repo_url"),
        ({"repo_url": "https://github.com/only-owner"}, "repo_url"),
        ({"repo_url": "ftp://github.com/a/b"}, "repo_url"),
        ({"title": "x" * 101}, "title"),
        ({"slug": "has spaces"}, "slug"),
        ({"slug": "x" * 101}, "slug"),
        ({"slug": "DJANGO-AXES"}, "slug"),  # taken, compared case-insensitively
        ({"documentation_url": "javascript:alert(1)"}, "documentation_url"),
        ({"pypi_url": "x" * 501}, "pypi_url"),
    ],
)
def test_it_refuses_bad_input_and_changes_nothing(
    alice: User, category: Category, overrides: dict[str, str], field: str
) -> None:
    make_package(slug="django-axes", repo_url="https://github.com/someone/else")
    with pytest.raises(ValidationError) as refused:
        _create(category=category, created_by=alice, **overrides)
    assert field in refused.value.message_dict
    assert Package.objects.count() == 1
    assert not EditRecord.objects.exists()
    assert _queued_fetches() == []


def test_it_refuses_a_locked_grid_to_people_who_are_not_staff(
    alice: User, category: Category
) -> None:
    grid = make_grid(is_locked=True)
    with pytest.raises(ValidationError) as refused:
        _create(category=category, created_by=alice, grid=grid)
    assert "grid" in refused.value.message_dict
    assert not Package.objects.exists()
    assert not GridPackage.objects.exists()


def test_it_lets_staff_add_to_a_locked_grid(category: Category) -> None:
    staff = make_user("staff")
    staff.is_staff = True
    staff.save()
    grid = make_grid(is_locked=True)
    package = _create(category=category, created_by=staff, grid=grid)
    assert list(grid.packages.all()) == [package]


def test_it_updates_fields_and_records_before_and_after(
    alice: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    package = make_package(title="Old", repo_url="https://github.com/a/old")
    new_category = make_category(title="New")
    replacement = make_package()
    with django_capture_on_commit_callbacks(execute=True):
        updated = package_update(
            package=package,
            user=alice,
            title="New title",
            category=new_category,
            repo_url="git@github.com:a/new.git",
            replaced_by=replacement,
        )
    assert updated.title == "New title"
    assert updated.repo_url == "https://github.com/a/new"
    assert (updated.last_modified_by, updated.replaced_by) == (alice, replacement)
    record = history_for(package).get()
    assert record.action == EditRecord.Action.UPDATE
    assert record.changes == {
        "category": [package.category_id, new_category.pk],
        "replaced_by": [None, replacement.pk],
        "repo_url": ["https://github.com/a/old", "https://github.com/a/new"],
        "title": ["Old", "New title"],
    }
    assert _queued_fetches() == [[package.pk]]  # the repository changed


def test_it_records_nothing_and_fetches_nothing_when_nothing_changed(
    alice: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    package = make_package(title="Same", repo_url="http://www.github.com/a/same/")
    modified = package.modified
    with django_capture_on_commit_callbacks(execute=True):
        # The same repository in another form keeps the stored form.
        updated = package_update(
            package=package, user=alice, title="Same", repo_url="https://github.com/a/same"
        )
    assert updated.repo_url == "http://www.github.com/a/same/"
    assert updated.modified == modified
    assert not EditRecord.objects.exists()
    assert _queued_fetches() == []


def test_it_does_not_fetch_when_only_the_title_changes(alice: User) -> None:
    package = make_package()
    with mock.patch("packagegrid.catalog.services.enqueue_package_fetch", autospec=True) as enqueue:
        package_update(package=package, user=alice, title="Renamed")
    enqueue.assert_not_called()


def test_it_refuses_a_repository_another_package_lists(alice: User) -> None:
    other = make_package(title="Other", repo_url="https://github.com/a/taken")
    package = make_package(title="Mine", repo_url="https://github.com/a/mine")
    with pytest.raises(DuplicateRepository) as refused:
        package_update(
            package=package, user=alice, title="Changed", repo_url="https://github.com/A/Taken/"
        )
    assert refused.value.package == other
    package.refresh_from_db()
    assert (package.title, package.repo_url) == ("Mine", "https://github.com/a/mine")
    assert not EditRecord.objects.exists()


def test_it_refuses_a_package_replaced_by_itself_or_by_one_it_replaces(alice: User) -> None:
    package = make_package()
    replaced = make_package(replaced_by=package)
    for replacement in (package, replaced):
        with pytest.raises(ValidationError) as refused:
            package_update(package=package, user=alice, replaced_by=replacement)
        assert "replaced_by" in refused.value.message_dict
    package.refresh_from_db()
    assert package.replaced_by is None


@pytest.mark.parametrize("length", [1, 2, 3, 4])
def test_it_refuses_a_cycle_of_replacements_of_any_length(alice: User, length: int) -> None:
    """A chain B→C→…→A made first; then A replaced by B would close a cycle of `length`
    packages (1: A replaced by itself)."""
    first = make_package(title="A")
    chain = [first]
    for n in range(1, length):
        chain.append(make_package(title=f"P{n}"))
    for package, replacement in itertools.pairwise(chain[1:]):
        Package.objects.filter(pk=package.pk).update(replaced_by=replacement)
    Package.objects.filter(pk=chain[-1].pk).update(replaced_by=first if length > 1 else None)
    replacement = chain[1] if length > 1 else first
    with pytest.raises(ValidationError) as refused:
        package_update(package=first, user=alice, replaced_by=replacement)
    message = refused.value.message_dict["replaced_by"][0]
    assert "cycle" in message or "itself" in message
    first.refresh_from_db()
    assert first.replaced_by is None
    assert not EditRecord.objects.exists()


def test_it_accepts_a_chain_of_replacements_without_a_cycle(alice: User) -> None:
    first, second, third, fourth = (make_package(title=t) for t in "ABCD")
    Package.objects.filter(pk=second.pk).update(replaced_by=third)
    Package.objects.filter(pk=third.pk).update(replaced_by=fourth)
    updated = package_update(package=first, user=alice, replaced_by=second)
    assert updated.replaced_by == second


def test_it_refuses_a_stale_package_edit_and_saves_nothing(alice: User) -> None:
    package = make_package(title="Original")
    version = package.version
    package_update(package=package, user=alice, title="Theirs")
    with pytest.raises(EditConflict) as conflict:
        package_update(package=package, user=alice, title="Mine", expected_version=version)
    assert isinstance(conflict.value.current, Package)
    assert conflict.value.current.title == "Theirs"
    package.refresh_from_db()
    assert (package.title, package.version) == ("Theirs", version + 1)
    assert EditRecord.objects.count() == 1


def test_it_saves_a_package_edit_from_the_current_version(alice: User) -> None:
    package = make_package(title="Original")
    updated = package_update(
        package=package, user=alice, title="Mine", expected_version=package.version
    )
    assert (updated.title, updated.version) == ("Mine", package.version + 1)


def test_it_refuses_over_long_text_and_fields_that_are_not_editable(alice: User) -> None:
    package = make_package(title="Kept")
    with pytest.raises(ValidationError):
        package_update(package=package, user=alice, title="x" * 101)
    with pytest.raises(TypeError):
        package_update(package=package, user=alice, slug="new-slug")
    package.refresh_from_db()
    assert package.title == "Kept"
    assert not EditRecord.objects.exists()


def test_it_reverts_an_update_and_fetches_the_old_repository_again(
    alice: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    staff = make_user("staff")
    package = make_package(repo_url="https://github.com/a/before")
    package_update(package=package, user=alice, repo_url="https://github.com/a/after")
    update = history_for(package).get()
    with django_capture_on_commit_callbacks(execute=True):
        revert = package_edit_revert(record=update, user=staff)
    package.refresh_from_db()
    assert package.repo_url == "https://github.com/a/before"
    assert revert.action == EditRecord.Action.REVERT
    assert revert.changes == {
        "repo_url": ["https://github.com/a/after", "https://github.com/a/before"]
    }
    assert _queued_fetches() == [[package.pk]]


def test_it_refuses_to_revert_a_creation(alice: User, category: Category) -> None:
    package = _create(category=category, created_by=alice)
    with pytest.raises(RevertRefused):
        package_edit_revert(record=history_for(package).get(), user=alice)
    assert Package.objects.filter(pk=package.pk).exists()
