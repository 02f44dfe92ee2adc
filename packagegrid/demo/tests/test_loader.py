"""The demo data set: real records, grids built from them, cells backed by the records."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from packagegrid.catalog.models import Category, Package
from packagegrid.demo.loader import DATA_FILE, FEATURES, GRID_RULES, demo_load
from packagegrid.grids.models import Element, Feature, Grid, GridPackage

pytestmark = pytest.mark.django_db


def _snapshot() -> list[object]:
    return [
        list(model.objects.values().order_by("pk"))
        for model in (Category, Package, Grid, GridPackage, Feature, Element)
    ]


def test_it_loads_every_record_and_the_four_categories() -> None:
    report = demo_load()
    records = DATA_FILE.read_text(encoding="utf-8").splitlines()
    assert report.created == len(records) == 186
    assert report.errors == []
    assert Package.objects.filter(pk=3773, slug="openwisp-users").exists()
    assert list(Category.objects.order_by("pk").values_list("title_plural", flat=True)) == [
        "Apps",
        "Frameworks",
        "Projects",
        "Other",
    ]


def test_it_builds_a_dozen_grids_with_a_cell_for_every_package_and_feature() -> None:
    demo_load()
    assert Grid.objects.count() == len(GRID_RULES) >= 12
    for grid in Grid.objects.all():
        links = GridPackage.objects.filter(grid=grid).count()
        assert links >= 5, grid.slug
        assert grid.features.count() == len(FEATURES)
        assert Element.objects.filter(feature__grid=grid).count() == links * len(FEATURES)
    assert Grid.objects.filter(is_featured=True).count() >= 4


def test_its_cells_state_only_what_the_record_shows() -> None:
    demo_load()
    records = {
        r["id"]: r for r in map(json.loads, DATA_FILE.read_text(encoding="utf-8").splitlines())
    }
    for element in Element.objects.select_related("feature", "grid_package"):
        record = records[element.grid_package.package_id]
        match element.feature.title:
            case "Release on PyPI":
                assert element.text == (record["pypi_version"] or "-")
            case "Documentation link":
                assert element.text == ("+" if record["documentation_url"] else "-")
            case "Commits in 52 weeks":
                commits = record["commits_over_52"]
                assert element.text == (str(sum(commits)) if commits else "no data")
            case "Contributors":
                people = record["participants"]
                assert element.text == (str(len(people)) if people else "none listed")
            case "Code host":
                assert element.text.lower().replace(" ", "") in record["repo_url"].lower()


def test_it_puts_a_package_in_a_grid_only_when_its_record_says_so() -> None:
    demo_load()
    bitbucket = Grid.objects.get(slug="hosted-on-bitbucket")
    assert all("bitbucket.org" in p.repo_url for p in bitbucket.packages.all())
    forms = Grid.objects.get(slug="forms")
    for package in forms.packages.select_related("repo_data"):
        assert "form" in f"{package.title} {package.repo_data.description}".lower()


def test_loading_twice_changes_nothing() -> None:
    demo_load()
    before = _snapshot()
    out = StringIO()
    call_command("demo", stdout=out)
    assert "0 created, 0 updated, 186 unchanged, 0 failed" in out.getvalue()
    assert _snapshot() == before
