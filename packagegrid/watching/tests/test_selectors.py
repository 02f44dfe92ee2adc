"""The one source of "what happened to what a person watches since T"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from packagegrid.catalog.models import Release
from packagegrid.conftest import make_package, make_user
from packagegrid.grids.services import grid_add_package, grid_remove_package
from packagegrid.watching.selectors import EVENTS_MAX, watch_events
from packagegrid.watching.tests.support import make_events, make_unwatched_events, watch

pytestmark = pytest.mark.django_db


def test_it_lists_every_kind_of_event_of_what_is_watched(alice: User, bob: User) -> None:
    before = timezone.now() - timedelta(seconds=1)
    make_events(alice, editor=bob)
    make_unwatched_events()
    events = watch_events(user=alice, since=before, until=timezone.now()).events
    titles = {event.kind: event.title for event in events}
    assert titles["release"] == "django-watched 2.0 released"
    assert titles["lifecycle"] == "django-watched is now stale (was active)"
    assert titles["advisory"] == "Security advisory GHSA-0 on django-watched"
    grid_titles = sorted(event.title for event in events if event.kind == "grid")
    assert grid_titles == [
        "django-watched grid: added the cell Async 0 / django-watched-member-0",
        "django-watched grid: added the feature “Async 0”",
        "django-watched grid: added the package django-watched-member-0",
    ]
    assert not any("other" in event.title.lower() for event in events)
    assert [event.at for event in events] == sorted((e.at for e in events), reverse=True)


def test_it_leaves_out_what_happened_before_since_and_after_until(alice: User, bob: User) -> None:
    make_events(alice, editor=bob)
    after = timezone.now() + timedelta(seconds=1)
    assert watch_events(user=alice, since=after, until=after + timedelta(days=1)).events == []
    assert watch_events(user=alice, since=None, until=after - timedelta(hours=1)).events == []


def test_it_goes_by_when_a_release_was_stored_not_uploaded(alice: User) -> None:
    package = make_package(title="django-late")
    watch(alice, package=package)
    since = timezone.now() - timedelta(minutes=1)
    # Uploaded a week ago but fetched just now: new to the watcher.
    Release.objects.create(
        package=package, version="1.0", uploaded_at=timezone.now() - timedelta(days=7)
    )
    # Stored before this was recorded: never new.
    Release.objects.create(
        package=package, version="0.9", uploaded_at=timezone.now(), found_at=None
    )
    events = watch_events(user=alice, since=since, until=timezone.now()).events
    assert [event.title for event in events] == ["django-late 1.0 released"]


def test_it_names_the_grid_of_a_removed_package(alice: User, bob: User) -> None:
    watched = make_events(alice, editor=bob)
    link = watched.grid.grid_packages.get()
    since = timezone.now()
    grid_remove_package(grid_package=link, user=bob)
    events = watch_events(user=alice, since=since, until=timezone.now()).events
    assert [event.title for event in events] == [
        "django-watched grid: removed the package django-watched-member-0"
    ]


def test_it_keeps_at_most_the_newest_events(alice: User) -> None:
    package = make_package(title="django-busy")
    watch(alice, package=package)
    Release.objects.bulk_create(
        Release(package=package, version=f"1.{i}", found_at=timezone.now() + timedelta(seconds=i))
        for i in range(EVENTS_MAX + 5)
    )
    found = watch_events(user=alice, since=None, until=timezone.now() + timedelta(days=1))
    assert found.truncated
    assert len(found.events) == EVENTS_MAX
    assert found.events[0].title == f"django-busy 1.{EVENTS_MAX + 4} released"


@pytest.mark.parametrize("n", [1, 6])
def test_it_reads_the_events_in_a_constant_number_of_queries(
    django_assert_num_queries: DjangoAssertNumQueries, n: int
) -> None:
    person, editor = make_user("watcher"), make_user("editor")
    watched = make_events(person, editor=editor, n=n)
    for i in range(n):  # more watched items, each with events
        extra = make_events(person, editor=editor, title=f"django-extra-{i}")
        grid_add_package(grid=watched.grid, package=extra.package, user=editor)
    since = timezone.now() - timedelta(minutes=1)
    watch_events(user=person, since=since, until=timezone.now())  # content types cached
    with django_assert_num_queries(9):
        found = watch_events(user=person, since=since, until=timezone.now())
    # Six events per round of `make_events`, plus the watched grid's additions.
    assert len(found.events) == 6 * n + 6 * n + n
