"""The permission matrix of every write route: who may POST, the status they get, and
whether the database changed.

Actors: anonymous, alice (a member), bob (another member), staff. Each row names one
write and, per actor, the expected status and whether a table changed. "ok" means the
write went through (200 for a re-rendered fragment or 302 back to a page). A locked grid
has rows of its own. Adding a write route is one row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from packagegrid.conftest import make_package
from packagegrid.web.tests.security_support import World, build_world, db_changes, db_snapshot

OK = "ok"
LOGIN = 302  # anonymous: sent to the login page
DENIED = 403
# (status, database changed) for each actor.
Expectation = tuple[int | str, bool]
MEMBERS: dict[str, Expectation] = {
    "anonymous": (LOGIN, False),
    "alice": (OK, True),
    "bob": (OK, True),
    "staff": (OK, True),
}
STAFF_ONLY: dict[str, Expectation] = {
    "anonymous": (LOGIN, False),
    "alice": (DENIED, False),
    "bob": (DENIED, False),
    "staff": (OK, True),
}


@dataclass(frozen=True, slots=True)
class Write:
    label: str
    url: Callable[[World], str]
    data: Callable[[World], dict[str, Any]]
    expect: dict[str, Expectation]


def _package_form(world: World) -> dict[str, Any]:
    return {
        "repo_url": "https://github.com/example/charlie",
        "title": "Charlie",
        "slug": "charlie",
        "category": world.category.pk,
        "pypi_name": "",
        "documentation_url": "",
        "replaced_by": "",
    }


def _grid(world: World, locked: bool) -> str:
    return world.locked_grid.slug if locked else world.grid.slug


def _feature(world: World, locked: bool) -> int:
    return world.locked_feature.pk if locked else world.feature.pk


def _grid_writes(locked: bool) -> list[Write]:
    """The grid editor's writes, on the open grid (members) or the locked one (staff)."""
    who = STAFF_ONLY if locked else MEMBERS
    tag = "locked grid" if locked else "grid"

    def grid(w: World) -> str:
        return f"/grids/{_grid(w, locked)}"

    return [
        Write(
            f"{tag}: edit",
            lambda w: f"{grid(w)}/edit/",
            lambda w: {"title": "Changed", "slug": _grid(w, locked), "description": "x"},
            who,
        ),
        Write(
            f"{tag}: add a package",
            lambda w: f"{grid(w)}/packages/add/",
            lambda w: {"package": w.extra["third"].slug},
            who,
        ),
        Write(
            f"{tag}: remove a package",
            lambda w: f"{grid(w)}/packages/{w.other_package.slug}/remove/",
            lambda w: {},
            who,
        ),
        Write(
            f"{tag}: add a feature",
            lambda w: f"{grid(w)}/features/add/",
            lambda w: {"title": "New", "description": ""},
            who,
        ),
        Write(
            f"{tag}: edit a feature",
            lambda w: f"{grid(w)}/features/{_feature(w, locked)}/edit/",
            lambda w: {"title": "Changed", "description": "x"},
            who,
        ),
        Write(
            f"{tag}: delete a feature",
            lambda w: f"{grid(w)}/features/{_feature(w, locked)}/delete/",
            lambda w: {},
            who,
        ),
        Write(
            f"{tag}: edit a cell",
            lambda w: f"{grid(w)}/cells/{w.package.pk}/{_feature(w, locked)}/edit/",
            lambda w: {"text": "changed"},
            who,
        ),
    ]


WRITES = [
    Write("add a package", lambda w: "/packages/add/", _package_form, MEMBERS),
    Write(
        "edit a package",
        lambda w: f"/packages/{w.package.slug}/edit/",
        lambda w: {**_package_form(w), "repo_url": w.package.repo_url, "title": "Changed"},
        MEMBERS,
    ),
    Write(
        "delete a package",
        lambda w: f"/packages/{w.package.slug}/delete/",
        lambda w: {},
        STAFF_ONLY,
    ),
    Write(
        "revert a package edit",
        lambda w: f"/packages/{w.package.slug}/history/{w.package_record.pk}/revert/",
        lambda w: {},
        # Refused outright rather than sent to log in: nothing is done, either way.
        {**STAFF_ONLY, "anonymous": (DENIED, False)},
    ),
    Write(
        "I use this",
        lambda w: f"/packages/{w.package.slug}/usage/",
        lambda w: {"on": "on"},
        MEMBERS,
    ),
    Write(
        "favorite",
        lambda w: f"/packages/{w.package.slug}/favorite/",
        lambda w: {"on": "on"},
        MEMBERS,
    ),
    Write(
        "flag a package",
        lambda w: f"/packages/{w.other_package.slug}/flag/",
        lambda w: {"reason": "other", "message": "Spam"},
        MEMBERS,
    ),
    Write(
        "refresh a package", lambda w: f"/packages/{w.package.slug}/refresh/", lambda w: {}, MEMBERS
    ),
    Write(
        "resolve a flag",
        lambda w: f"/moderation/flags/{w.flag.pk}/",
        lambda w: {"decision": "approve"},
        STAFF_ONLY,
    ),
    Write(
        "add a grid",
        lambda w: "/grids/add/",
        lambda w: {"title": "New grid", "slug": "new-grid", "description": ""},
        MEMBERS,
    ),
    Write(
        "lock a grid",
        lambda w: f"/grids/{w.grid.slug}/lock/",
        lambda w: {"is_locked": "1"},
        STAFF_ONLY,
    ),
    Write("delete a grid", lambda w: f"/grids/{w.grid.slug}/delete/", lambda w: {}, STAFF_ONLY),
    Write(
        "revert a grid edit",
        lambda w: f"/grids/{w.grid.slug}/history/{w.grid_record.pk}/revert/",
        lambda w: {},
        STAFF_ONLY,
    ),
    Write(
        "edit my profile",
        lambda w: "/profiles/edit/",
        lambda w: {"github_account": "changed-gh", "bitbucket_url": "", "gitlab_url": ""},
        MEMBERS,
    ),
    *_grid_writes(locked=False),
    *_grid_writes(locked=True),
]

CASES = [(write, actor) for write in WRITES for actor in write.expect]


def _client(world: World, actor: str) -> Client:
    client = Client(raise_request_exception=False)
    users: dict[str, User] = {"alice": world.alice, "bob": world.bob, "staff": world.staff}
    if actor in users:
        client.force_login(users[actor])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("write", "actor"), CASES, ids=[f"{write.label} as {actor}" for write, actor in CASES]
)
def test_permission_matrix(
    write: Write, actor: str, django_capture_on_commit_callbacks: Any
) -> None:
    cache.clear()  # the rate limits count in the cache
    world = build_world()
    world.extra["third"] = make_package(title="Charlie", slug="charlie-pkg")
    world.package_record.changes = {"title": ["Old alpha", "Alpha"]}
    client = _client(world, actor)
    expected_status, expected_change = write.expect[actor]
    before = db_snapshot()

    # Enqueued tasks are written on commit: run those callbacks as a real commit would.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(write.url(world), write.data(world))

    changes = db_changes(before, db_snapshot())
    if expected_status == OK:
        assert response.status_code in {200, 302}, response.content[:300]
    else:
        assert response.status_code == expected_status
    if expected_status == LOGIN:
        assert response["Location"].startswith("/accounts/login/")
    assert bool(changes) == expected_change, changes
