"""Flags and package deletion."""

import pytest
from django.contrib.contenttypes.models import ContentType
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import EditRecord, Flag, Package, Usage
from packagegrid.catalog.moderation_selectors import flag_list_open
from packagegrid.catalog.moderation_services import (
    FlagAlreadyResolved,
    FlagRefused,
    flag_create,
    flag_resolve,
    package_delete,
)
from packagegrid.conftest import add_to_grid, make_grid, make_package, make_user
from packagegrid.grids.models import GridPackage

pytestmark = pytest.mark.django_db


def test_it_files_an_open_flag() -> None:
    package, alice = make_package(), make_user("alice")
    flag = flag_create(package=package, user=alice, reason="deprecated", message="Use X.")
    assert (flag.status, flag.user, flag.resolved_by) == (Flag.Status.OPEN, alice, None)


def test_it_refuses_a_second_open_flag_with_the_same_reason() -> None:
    package, alice = make_package(), make_user("alice")
    flag_create(package=package, user=alice, reason="spam", message="Spam.")
    with pytest.raises(FlagRefused):
        flag_create(package=package, user=alice, reason="spam", message="Again.")
    flag_create(package=package, user=alice, reason="other", message="Something else.")
    assert Flag.objects.count() == 2


def test_it_accepts_the_same_reason_again_once_the_first_is_resolved() -> None:
    package, alice, staff = make_package(), make_user("alice"), make_user("staff")
    first = flag_create(package=package, user=alice, reason="spam", message="Spam.")
    flag_resolve(flag=first, user=staff, approve=False)
    flag_create(package=package, user=alice, reason="spam", message="Still spam.")
    assert Flag.objects.filter(status=Flag.Status.OPEN).count() == 1


@pytest.mark.parametrize(("approve", "status"), [(True, "approved"), (False, "rejected")])
def test_it_records_who_resolved_a_flag_and_when(approve: bool, status: str) -> None:
    package, alice, staff = make_package(), make_user("alice"), make_user("staff")
    flag = flag_create(package=package, user=alice, reason="deprecated", message="Dead.")
    flag_resolve(flag=flag, user=staff, approve=approve)
    flag.refresh_from_db()
    assert flag.status == status
    assert flag.resolved_by == staff
    assert flag.resolved_at is not None


def test_it_leaves_the_package_alone_when_approving_a_deprecated_flag() -> None:
    package, alice, staff = make_package(), make_user("alice"), make_user("staff")
    flag = flag_create(package=package, user=alice, reason="deprecated", message="Dead.")
    flag_resolve(flag=flag, user=staff, approve=True)
    package.refresh_from_db()
    assert package.replaced_by is None
    assert not package.is_deprecated


def test_it_resolves_a_flag_only_once() -> None:
    package, alice = make_package(), make_user("alice")
    first, second = make_user("first"), make_user("second")
    flag = flag_create(package=package, user=alice, reason="spam", message="Spam.")
    stale_copy = Flag.objects.get(pk=flag.pk)
    flag_resolve(flag=flag, user=first, approve=True)
    with pytest.raises(FlagAlreadyResolved):
        flag_resolve(flag=stale_copy, user=second, approve=False)
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_by) == ("approved", first)


def test_it_lists_open_flags_oldest_first(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    package, alice, staff = make_package(), make_user("alice"), make_user("staff")
    old = flag_create(package=package, user=alice, reason="spam", message="1")
    new = flag_create(package=package, user=alice, reason="other", message="2")
    done = flag_create(package=package, user=alice, reason="wrong_data", message="3")
    flag_resolve(flag=done, user=staff, approve=True)
    with django_assert_num_queries(2):
        queue = flag_list_open(page_number="")
        assert [f.pk for f in queue.flags] == [old.pk, new.pk]
        assert queue.flags[0].package.title == package.title


def test_it_deletes_a_package_with_its_links_and_records_it() -> None:
    package, alice, staff = make_package(title="Gone"), make_user("alice"), make_user("staff")
    add_to_grid(make_grid(), package)
    Usage.objects.create(package=package, user=alice)
    flag_create(package=package, user=alice, reason="spam", message="Spam.")
    package_id = package.pk
    package_delete(package=package, user=staff)
    assert not Package.objects.filter(pk=package_id).exists()
    assert not GridPackage.objects.exists()
    assert not Usage.objects.exists()
    assert not Flag.objects.exists()
    record = EditRecord.objects.get(
        content_type=ContentType.objects.get_for_model(Package), object_id=package_id
    )
    assert record.action == EditRecord.Action.DELETE
    assert record.user == staff
    assert record.changes["title"] == ["Gone", None]
