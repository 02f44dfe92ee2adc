"""The "I use this" and favorite services."""

import pytest
from django.db import IntegrityError, transaction

from packagegrid.catalog.community_selectors import favorite_count, usage_count
from packagegrid.catalog.community_services import favorite_toggle, usage_toggle
from packagegrid.catalog.models import Favorite, Usage
from packagegrid.conftest import make_package, make_user

pytestmark = pytest.mark.django_db


def test_it_says_and_unsays_that_a_person_uses_a_package() -> None:
    package, alice = make_package(), make_user("alice")
    assert usage_toggle(package=package, user=alice, on=True) is True
    assert Usage.objects.filter(package=package, user=alice).count() == 1
    assert usage_toggle(package=package, user=alice, on=False) is False
    assert not Usage.objects.filter(package=package, user=alice).exists()


def test_it_changes_nothing_when_the_same_state_is_submitted_twice() -> None:
    package, alice = make_package(), make_user("alice")
    usage_toggle(package=package, user=alice, on=True)
    assert usage_toggle(package=package, user=alice, on=True) is True
    assert usage_count(package=package) == 1
    usage_toggle(package=package, user=alice, on=False)
    assert usage_toggle(package=package, user=alice, on=False) is False
    assert usage_count(package=package) == 0


def test_it_flips_the_state_without_an_explicit_one() -> None:
    package, alice = make_package(), make_user("alice")
    assert usage_toggle(package=package, user=alice) is True
    assert usage_toggle(package=package, user=alice) is False
    assert favorite_toggle(package=package, user=alice) is True
    assert favorite_toggle(package=package, user=alice) is False


def test_it_counts_each_person_once() -> None:
    package = make_package()
    people = [make_user() for _ in range(3)]
    for person in people:
        usage_toggle(package=package, user=person, on=True)
        favorite_toggle(package=package, user=person, on=True)
    favorite_toggle(package=package, user=people[0], on=False)
    assert usage_count(package=package) == 3
    assert favorite_count(package=package) == 2


def test_it_relies_on_the_database_refusing_a_second_row() -> None:
    # What makes a concurrent double submit safe: the loser's insert fails and
    # get_or_create reads the winner's row instead.
    package, alice = make_package(), make_user("alice")
    Usage.objects.create(package=package, user=alice)
    Favorite.objects.create(package=package, user=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Usage.objects.create(package=package, user=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Favorite.objects.create(package=package, user=alice)


def test_it_keeps_other_peoples_rows() -> None:
    package, alice, bob = make_package(), make_user("alice"), make_user("bob")
    usage_toggle(package=package, user=alice, on=True)
    usage_toggle(package=package, user=bob, on=True)
    usage_toggle(package=package, user=alice, on=False)
    assert list(Usage.objects.values_list("user__username", flat=True)) == ["bob"]
