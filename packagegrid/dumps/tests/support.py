"""A small catalogue with a record of every kind the dump holds, and ways to read dumps."""

from __future__ import annotations

import gzip
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User

from packagegrid.accounts.models import Profile
from packagegrid.catalog.models import Favorite, Flag, Release, Snapshot, Usage
from packagegrid.conftest import (
    FIXED_TIME,
    make_category,
    make_downloads,
    make_grid,
    make_package,
)
from packagegrid.dumps.schema import KINDS
from packagegrid.health.models import Advisory, CIMatrix, Compatibility
from packagegrid.health.scores import package_health_recompute

SECRET_EMAIL = "alice-private@example.org"
PRIVATE_FLAG = "the maintainer is my neighbour"


@dataclass(frozen=True, slots=True)
class Catalogue:
    alice: User  # shares her favorites
    bob: User  # does not


def build_catalogue() -> Catalogue:
    """Two people (one sharing favorites), two categories, three packages (one replaced
    by another, one with a null documentation URL and non-ASCII text), releases,
    compatibility, an advisory, a CI matrix, health, snapshots, downloads, usage,
    favorites, a flag and a grid with features and cells."""
    alice = User.objects.create_user("alice", email=SECRET_EMAIL, password="pw-alice-123")
    bob = User.objects.create_user("bob", email="bob@example.org", is_staff=True)
    Profile.objects.create(user=alice, github_account="alice-gh", share_favorites=True)
    Profile.objects.create(user=bob, gitlab_url="https://gitlab.com/bob")
    apps = make_category(title="Apps", slug="apps")
    other = make_category(title="Other", slug="other", description="Tools — and more")
    old = make_package(title="Old thing", slug="old-thing", category=apps, created_by=alice)
    new = make_package(
        title="Nouvelle chose ✓",
        slug="nouvelle-chose",
        category=other,
        documentation_url=None,
        repo={"participants": ["zoë", "alice-gh"], "license": "MIT"},
        pypi={
            "classifiers": ["Framework :: Django :: 5.2"],
            "project_urls": {"Source": "https://example.org/s", "Docs": "https://example.org/d"},
            "requires_dist": ["Django>=4.2,<6"],
        },
        last_modified_by=bob,
    )
    third = make_package(title="Third", slug="third", category=apps, pypi_url="")
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    for i, version in enumerate(["1.0", "1.1rc1", "2.0"]):
        Release.objects.create(
            package=new,
            version=version,
            uploaded_at=FIXED_TIME + timedelta(days=30 * i),
            is_prerelease="rc" in version,
            yanked=version == "1.0",
            yanked_reason="broken wheel" if version == "1.0" else "",
        )
    Compatibility.objects.create(
        package=new, product="django", version="5.2", sources=["classifiers", "requires_dist"]
    )
    Advisory.objects.create(
        package=old,
        advisory_id="GHSA-xxxx-yyyy-zzzz",
        aliases=["CVE-2026-0001"],
        summary="Cross-site scripting",
        fixed_in=["1.2"],
        link="https://osv.dev/vulnerability/GHSA-xxxx-yyyy-zzzz",
    )
    CIMatrix.objects.create(
        package=new,
        django=["5.2"],
        python=["3.13"],
        files={"tox.ini": {"python": ["3.13"], "django": ["5.2"]}},
        fetched_at=FIXED_TIME,
    )
    package_health_recompute(today=FIXED_TIME.date())
    Snapshot.objects.create(package=new, taken_at=FIXED_TIME, stars=5, latest_version="2.0")
    make_downloads(new, last_week=120, last_month=480, weeks=[100, 130])
    Usage.objects.create(package=new, user=alice, created=FIXED_TIME)
    Usage.objects.create(package=third, user=bob, created=FIXED_TIME)
    Favorite.objects.create(package=new, user=alice, created=FIXED_TIME)
    Favorite.objects.create(package=third, user=bob, created=FIXED_TIME)  # private
    Flag.objects.create(package=third, user=bob, reason=Flag.Reason.OTHER, message=PRIVATE_FLAG)
    make_grid(packages=[new, third], features=2, title="Things", slug="things", created_by=alice)
    make_grid(packages=[old], features=1, is_locked=True)
    return Catalogue(alice=alice, bob=bob)


def jsonl_text(directory: Path) -> str:
    return gzip.decompress((directory / "packagegrid.jsonl.gz").read_bytes()).decode()


def sqlite_rows(directory: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the dump's SQLite file."""
    db = sqlite3.connect(directory / "packagegrid.sqlite3")
    try:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    finally:
        db.close()


def database_rows() -> dict[str, list[tuple[Any, ...]]]:
    """The dumped columns of every public row, by kind, as the database holds them."""
    return {
        kind.name: list(kind.queryset().values_list(*[c.name for c in kind.columns]))
        for kind in KINDS
    }


def empty_the_database() -> None:
    """Delete every row the dump holds, and whatever refers to them."""
    for kind in reversed(KINDS):
        kind.model._default_manager.all().delete()
