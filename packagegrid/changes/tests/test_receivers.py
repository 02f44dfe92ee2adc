"""Recording changes where data is written: services, fetches, the admin, cascades."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from packagegrid.catalog.djangopackages import import_lines
from packagegrid.catalog.models import Category, EditRecord, Package
from packagegrid.catalog.moderation_services import package_delete
from packagegrid.catalog.services import package_update
from packagegrid.changes.models import Change
from packagegrid.conftest import make_category, make_grid, make_package
from packagegrid.fetchers import services as fetch_services
from packagegrid.fetchers.types import PyPIFetch, PyPIProject, ReleaseInfo, RepoFetch, RepoInfo
from packagegrid.grids import services as grid_services
from packagegrid.grids.models import Feature, Grid
from packagegrid.health.models import PackageHealth
from packagegrid.health.scores import package_health_recompute

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _log() -> list[tuple[str, int, str, list[str]]]:
    return [(c.kind, c.object_id, c.action, c.fields) for c in Change.objects.order_by("id")]


def _since(start: int) -> list[tuple[str, int, str, list[str]]]:
    return _log()[start:]


def test_it_records_a_package_create_update_and_delete_with_field_names() -> None:
    staff = User.objects.create_user("staff", is_staff=True)
    package = make_package()
    log = _log()
    [created] = [c for c in log if c[:3] == ("package", package.pk, "create")]
    assert created[1:3] == (package.pk, "create")
    assert {"title", "slug", "repo_url", "category"} <= set(created[3])
    assert "modified" not in created[3]
    start = len(log)

    package_update(package=package, user=staff, title="Renamed")
    assert _since(start) == [("package", package.pk, "update", ["title"])]

    start = len(_log())
    package_update(package=package, user=staff, title="Renamed")  # no change
    assert _since(start) == []

    package_id = package.pk
    package_delete(package=package, user=staff)
    assert ("package", package_id, "delete", []) in _since(start)


def test_an_unchanged_fetch_records_nothing_and_a_changed_one_names_its_fields() -> None:
    package = make_package()
    info = RepoInfo(
        stars=174,
        forks=87,
        description="d",
        archived=False,
        license="MIT",
        open_issues=1,
        default_branch="main",
        homepage="",
        pushed_at=NOW,
    )
    project = PyPIProject(
        name="thing",
        summary="s",
        latest_version="2.0",
        releases=[ReleaseInfo("2.0", NOW, False)],
        classifiers=[],
        requires_python="",
        license="MIT",
        development_status="",
        project_urls={},
        documentation_url="",
    )

    def fetch() -> None:
        fetch_services.package_apply_repo(
            package=package, source="github", fetch=RepoFetch(info=info), now=NOW
        )
        fetch_services.package_apply_pypi(
            package=package, fetch=PyPIFetch(project=project), now=NOW
        )
        fetch_services.package_finish_fetch(package=package, now=NOW)

    start = len(_log())
    fetch()
    first = _since(start)
    repo_change = next(c for c in first if c[0] == "package" and "repo.stars" in c[3])
    assert {"repo.stars", "repo.license"} <= set(repo_change[3])
    release_id = package.releases.get(version="2.0").pk
    assert ("release", release_id, "create") in [c[:3] for c in first]

    start = len(_log())
    fetch()
    assert _since(start) == []

    project.releases[0] = ReleaseInfo("2.0", NOW, True)
    fetch()
    assert ("release", release_id, "update", ["yanked"]) in _since(start)


def test_it_records_grid_features_cells_and_what_a_grid_delete_cascades_to() -> None:
    user = User.objects.create_user("alice")
    package = make_package()
    grid = grid_services.grid_create(title="Forms", slug="forms", description="", user=user)
    link = grid_services.grid_add_package(grid=grid, package=package, user=user)
    feature = grid_services.feature_create(grid=grid, title="Ajax", description="", user=user)
    cell = grid_services.element_set(grid_package=link, feature=feature, text="yes", user=user)
    start = len(_log())
    ids = grid.pk, feature.pk, cell.pk
    grid_services.grid_delete(grid=grid, user=user)
    deleted = _since(start)
    assert ("grid", ids[0], "delete", []) in deleted
    assert ("feature", ids[1], "delete", []) in deleted
    assert ("cell", ids[2], "delete", []) in deleted
    kinds = [(c[0], c[2]) for c in _log()[:start]]
    assert ("grid", "create") in kinds
    assert ("grid", "update") in kinds  # the package added: "packages"
    assert ("feature", "create") in kinds
    assert ("cell", "create") in kinds


def test_restored_cells_are_recorded_although_bulk_inserted() -> None:
    user = User.objects.create_user("alice")
    grid = make_grid(packages=[make_package(), make_package()], features=1)
    feature = Feature.objects.get(grid=grid)
    grid_services.feature_delete(feature=feature, user=user)
    record = EditRecord.objects.get(action=EditRecord.Action.DELETE)
    start = len(_log())
    restored = grid_services.feature_restore(grid=grid, record=record, user=user)
    assert restored == 2
    cells = [c for c in _since(start) if c[0] == "cell"]
    assert len(cells) == 2 and all(c[2] == "create" for c in cells)


def test_a_full_save_in_the_admin_lists_only_the_fields_that_changed() -> None:
    category = make_category()
    start = len(_log())
    category.description = "New words"
    category.save()
    category.save()  # the same again: nothing changed
    assert _since(start) == [("category", category.pk, "update", ["description"])]


def test_a_lifecycle_move_is_recorded_and_a_score_move_is_not() -> None:
    package = make_package()
    package_health_recompute([package.pk])
    PackageHealth.objects.filter(package=package).update(lifecycle="abandoned", score=1)
    start = len(_log())
    package_health_recompute([package.pk])
    assert _since(start) == [("package", package.pk, "update", ["lifecycle"])]
    PackageHealth.objects.filter(package=package).update(score=2)
    start = len(_log())
    package_health_recompute([package.pk])
    assert _since(start) == []


def test_a_rolled_back_change_leaves_no_record() -> None:
    make_category()
    start = len(_log())
    with pytest.raises(RuntimeError), transaction.atomic():
        Category.objects.create(title="Gone", slug="gone")
        raise RuntimeError
    assert _since(start) == []


def test_an_import_records_its_bulk_inserted_grids_and_grid_links() -> None:
    line = (
        (Path(__file__).resolve().parents[2] / "demo" / "data" / "packages.jsonl")
        .open(encoding="utf-8")
        .readline()
    )
    import_lines([line])
    package = Package.objects.get()
    grid_ids = set(Grid.objects.values_list("pk", flat=True))
    log = _log()
    assert ("package", package.pk, "create") in [c[:3] for c in log]
    assert {c[1] for c in log if c[0] == "grid" and c[2] == "create"} == grid_ids
    assert {c[1] for c in log if c[0] == "grid" and c[3] == ["packages"]} == grid_ids
