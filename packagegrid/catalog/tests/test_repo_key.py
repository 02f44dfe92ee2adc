"""The normalised repository key: kept in sync on save, unique in the database, and
handed out deterministically to existing rows by the migration's function."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from packagegrid.catalog import services
from packagegrid.catalog.models import Package
from packagegrid.catalog.selectors import package_for_repo
from packagegrid.conftest import make_category, make_package, make_user
from packagegrid.fetchers.services import package_apply_repo
from packagegrid.fetchers.types import RepoFetch
from packagegrid.lib.repo_urls import DuplicateKey, KeyClaim, assign_repo_keys, parse_repo_url

pytestmark = pytest.mark.django_db

T0 = datetime(2020, 1, 1, tzinfo=UTC)


def test_it_stores_the_key_of_the_repository_url() -> None:
    package = make_package(repo_url="http://www.github.com/Owner/Repo.git/")
    package.refresh_from_db()
    assert package.repo_key == "github.com/owner/repo"


@pytest.mark.parametrize("repo_url", ["", "https://github.com/../..", "not a url"])
def test_it_stores_no_key_without_a_readable_repository_url(repo_url: str) -> None:
    first = make_package(repo_url=repo_url)
    second = make_package(repo_url=repo_url)
    assert Package.objects.filter(pk__in=[first.pk, second.pk], repo_key=None).count() == 2


def test_it_follows_repo_url_changes_saved_with_update_fields() -> None:
    package = make_package(repo_url="https://github.com/a/b")
    package.repo_url = "https://gitlab.com/Group/Sub/Project"
    package.save(update_fields=["repo_url"])
    package.refresh_from_db()
    assert package.repo_key == "gitlab.com/group/sub/project"


def test_other_partial_saves_leave_the_key_alone() -> None:
    package = make_package(repo_url="https://github.com/a/b")
    Package.objects.filter(pk=package.pk).update(repo_key=None)  # an older duplicate
    package.title = "Renamed"
    package.save(update_fields=["title"])
    package.refresh_from_db()
    assert package.repo_key is None


def test_the_database_refuses_a_second_package_for_one_repository() -> None:
    make_package(repo_url="https://github.com/owner/repo")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_package(repo_url="https://GitHub.com/OWNER/repo.git")
    assert Package.objects.filter(repo_key="github.com/owner/repo").count() == 1


def test_the_lookup_matches_on_the_key_only() -> None:
    package = make_package(repo_url="https://github.com/owner/repo")
    make_package(repo_url="https://github.com/owner/repo-extra")
    assert package_for_repo(repo=parse_repo_url("git@github.com:Owner/Repo.git")) == package
    assert (
        package_for_repo(repo=parse_repo_url("github.com/owner/repo"), exclude_id=package.pk)
        is None
    )


def test_a_lost_race_in_the_add_form_shows_the_duplicate_error(client: Client) -> None:
    """The form's check and the service's check both pass; the insert hits the constraint."""
    category = make_category()
    alice = make_user("alice")
    client.force_login(alice)
    # Another person's package lands between the checks and the insert.
    other = make_package(title="Axes", repo_url="https://github.com/jazzband/django-axes")
    real = package_for_repo  # what services calls (the test replaces it there)
    calls: list[object] = []

    def first_misses(**kwargs: object) -> Package | None:
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)  # type: ignore[arg-type]  # kwargs passed through as received

    with (
        mock.patch("packagegrid.catalog.forms.package_for_repo", return_value=None),
        mock.patch.object(services, "package_for_repo", side_effect=first_misses),
    ):
        response = client.post(
            "/packages/add/",
            {
                "step": "create",
                "repo_url": "https://github.com/jazzband/django-axes",
                "title": "django-axes",
                "slug": "django-axes",
                "category": str(category.pk),
                "pypi_name": "django-axes",
                "documentation_url": "",
                "grid": "",
            },
        )
    assert response.status_code == 200
    assert f'<a href="{other.get_absolute_url()}">Axes</a>' in response.content.decode()
    assert len(calls) == 2  # the service's check, then the check after the IntegrityError
    assert list(Package.objects.values_list("pk", flat=True)) == [other.pk]


def test_a_lost_race_in_an_edit_raises_the_duplicate_error() -> None:
    alice = make_user("alice")
    make_package(title="Axes", repo_url="https://github.com/jazzband/django-axes")
    mine = make_package(repo_url="https://github.com/me/mine")
    real = package_for_repo  # what services calls (the test replaces it there)
    calls: list[object] = []

    def first_misses(**kwargs: object) -> Package | None:
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)  # type: ignore[arg-type]  # kwargs passed through as received

    with (
        mock.patch.object(services, "package_for_repo", side_effect=first_misses),
        pytest.raises(services.DuplicateRepository) as raised,
    ):
        services.package_update(
            package=mine, user=alice, repo_url="https://github.com/jazzband/django-axes"
        )
    assert raised.value.package.title == "Axes"
    assert len(calls) == 2
    mine.refresh_from_db()
    assert mine.repo_key == "github.com/me/mine"


def _claim(id: int, slug: str, repo_url: str, days: int = 0) -> KeyClaim:
    return KeyClaim(id=id, created=T0 + timedelta(days=days), slug=slug, repo_url=repo_url)


def test_the_migration_keeps_each_key_on_the_oldest_package_and_reports_the_rest() -> None:
    claims = [
        _claim(3, "axes-copy", "https://github.com/jazzband/django-axes/", days=2),
        _claim(1, "axes", "http://www.github.com/Jazzband/django-axes.git", days=5),
        _claim(2, "axes-first", "https://github.com/jazzband/django-axes", days=1),
        _claim(4, "unique", "https://gitlab.com/a/b/c"),
        _claim(5, "no-repo", ""),
        _claim(6, "bad", "https://github.com/../.."),
        _claim(7, "same-day-later-id", "https://gitlab.com/A/B/C"),
    ]
    keys, duplicates = assign_repo_keys(claims)
    assert keys == {
        1: None,
        2: "github.com/jazzband/django-axes",
        3: None,
        4: "gitlab.com/a/b/c",
        5: None,
        6: None,
        7: None,
    }
    assert duplicates == [
        DuplicateKey(
            key="github.com/jazzband/django-axes", kept="axes-first", left=("axes-copy", "axes")
        ),
        DuplicateKey(key="gitlab.com/a/b/c", kept="unique", left=("same-day-later-id",)),
    ]
    assert str(duplicates[1]) == (
        "gitlab.com/a/b/c: kept on 'unique' (the oldest); left without a key: 'same-day-later-id'"
    )
    assert assign_repo_keys(reversed(claims)) == (keys, duplicates)


def test_a_moved_repository_updates_the_key() -> None:
    package = make_package(repo_url="https://github.com/old/name")
    package_apply_repo(
        package=package, source="github", fetch=RepoFetch(moved_to="https://github.com/New/Name")
    )
    package.refresh_from_db()
    assert (package.repo_url, package.repo_key) == (
        "https://github.com/New/Name",
        "github.com/new/name",
    )


def test_a_move_onto_a_listed_repository_keeps_the_old_url() -> None:
    make_package(repo_url="https://github.com/new/name")
    package = make_package(repo_url="https://github.com/old/name")
    package_apply_repo(
        package=package, source="github", fetch=RepoFetch(moved_to="https://github.com/new/name")
    )
    package.refresh_from_db()
    assert (package.repo_url, package.repo_key) == (
        "https://github.com/old/name",
        "github.com/old/name",
    )


def test_the_admin_refuses_a_listed_or_invalid_repository_with_a_message(client: Client) -> None:
    admin = make_user("root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    make_package(title="Axes", repo_url="https://github.com/jazzband/django-axes")
    mine = make_package(repo_url="https://github.com/me/mine")
    url = f"/admin/catalog/package/{mine.pk}/change/"
    form = {
        "title": mine.title,
        "slug": mine.slug,
        "category": str(mine.category_id),
        "pypi_url": "",
        "documentation_url": "",
        "created_0": "2020-01-01",
        "created_1": "00:00:00",
        "modified_0": "2020-01-01",
        "modified_1": "00:00:00",
        "repo_data-TOTAL_FORMS": "0",
        "repo_data-INITIAL_FORMS": "0",
        "pypi_data-TOTAL_FORMS": "0",
        "pypi_data-INITIAL_FORMS": "0",
    }
    taken = client.post(url, {**form, "repo_url": "https://GitHub.com/jazzband/django-axes/"})
    assert taken.status_code == 200
    assert "This repository is already listed as “Axes”." in taken.content.decode()
    invalid = client.post(url, {**form, "repo_url": "https://github.com/../.."})
    assert "Not a valid repository URL." in invalid.content.decode()
    mine.refresh_from_db()
    assert mine.repo_key == "github.com/me/mine"


def test_the_admin_edits_a_duplicate_left_without_a_key(client: Client) -> None:
    admin = make_user("root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    make_package(title="Axes", repo_url="https://github.com/jazzband/django-axes")
    old = make_package(repo_url="https://github.com/me/mine")
    Package.objects.filter(pk=old.pk).update(repo_url="http://github.com/Jazzband/django-axes")
    old.refresh_from_db()
    assert old.repo_key == "github.com/me/mine"
    Package.objects.filter(pk=old.pk).update(repo_key=None)
    response = client.post(
        f"/admin/catalog/package/{old.pk}/change/",
        {
            "title": "Renamed",
            "slug": old.slug,
            "category": str(old.category_id),
            "repo_url": old.repo_url,
            "pypi_url": "",
            "documentation_url": "",
            "created_0": "2020-01-01",
            "created_1": "00:00:00",
            "modified_0": "2020-01-01",
            "modified_1": "00:00:00",
            "repo_data-TOTAL_FORMS": "0",
            "repo_data-INITIAL_FORMS": "0",
            "pypi_data-TOTAL_FORMS": "0",
            "pypi_data-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    renamed = Package.objects.get(pk=old.pk)
    assert (renamed.title, renamed.repo_key) == ("Renamed", None)
