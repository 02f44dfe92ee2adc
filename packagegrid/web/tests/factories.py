"""Small functions that build the records the web page tests need (no fixed ids)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from packagegrid.catalog.models import Category, Package, PyPIData, Release, RepoData, Usage
from packagegrid.grids.models import Element, Feature, Grid, GridPackage

_numbers = itertools.count(1)


def make_category(*, title: str = "", slug: str = "") -> Category:
    n = next(_numbers)
    title = title or f"Category {n}"
    return Category.objects.create(title=title, slug=slug or f"category-{n}", title_plural=title)


def make_package(
    *,
    title: str = "",
    slug: str = "",
    category: Category | None = None,
    description: str = "A reusable Django app.",
    stars: int = 0,
    forks: int = 0,
    commits: list[int] | None = None,
    last_commit_at: datetime | None = None,
    participants: list[str] | None = None,
    archived: bool = False,
    license: str = "",
    latest_version: str | None = "1.0",
    repo_url: str = "",
    created: datetime | None = None,
    fetched: bool = True,
    **fields: object,
) -> Package:
    """A package; with `fetched` (the default) it also has RepoData and PyPIData."""
    n = next(_numbers)
    slug = slug or f"package-{n}"
    package = Package.objects.create(
        title=title or f"Package {n}",
        slug=slug,
        category=category or make_category(),
        repo_url=repo_url or f"https://github.com/example/{slug}",
        pypi_url=f"https://pypi.org/project/{slug}/",
        created=created or timezone.now(),
        **fields,
    )
    if fetched:
        RepoData.objects.create(
            package=package,
            stars=stars,
            forks=forks,
            description=description,
            archived=archived,
            license=license,
            last_commit_at=last_commit_at,
            commits_over_52=[0] * 51 + [1] if commits is None else commits,
            participants=participants or [],
        )
        PyPIData.objects.create(package=package, latest_version=latest_version)
    return package


def make_user(username: str = "") -> AbstractBaseUser:
    return get_user_model().objects.create_user(username=username or f"user{next(_numbers)}")


def make_usage(package: Package, count: int = 1) -> None:
    for _ in range(count):
        Usage.objects.create(package=package, user=make_user())


def make_release(
    package: Package, version: str, *, days_ago: int = 0, yanked: bool = False
) -> Release:
    return Release.objects.create(
        package=package,
        version=version,
        uploaded_at=timezone.now() - timedelta(days=days_ago),
        yanked=yanked,
    )


def make_grid(*, title: str = "", slug: str = "", **fields: object) -> Grid:
    n = next(_numbers)
    return Grid.objects.create(title=title or f"Grid {n}", slug=slug or f"grid-{n}", **fields)


def add_to_grid(grid: Grid, *packages: Package) -> list[GridPackage]:
    return [GridPackage.objects.create(grid=grid, package=package) for package in packages]


def make_feature(grid: Grid, title: str = "", description: str = "") -> Feature:
    return Feature.objects.create(
        grid=grid, title=title or f"Feature {next(_numbers)}", description=description
    )


def set_cell(grid: Grid, package: Package, feature: Feature, text: str) -> Element:
    grid_package = GridPackage.objects.get(grid=grid, package=package)
    return Element.objects.create(grid_package=grid_package, feature=feature, text=text)


def make_full_grid(*, packages: int, features: int, **fields: object) -> Grid:
    """A grid of `packages` fetched packages and `features` features, every cell filled."""
    grid = make_grid(**fields)
    members = [make_package(stars=i) for i in range(packages)]
    add_to_grid(grid, *members)
    for _ in range(features):
        feature = make_feature(grid)
        for package in members:
            set_cell(grid, package, feature, "yes")
    for package in members[:2]:
        make_usage(package)
    return grid
