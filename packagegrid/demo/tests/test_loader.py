"""The demo data set: real records, grids built from them, cells backed by the records."""

import gzip
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from packagegrid.catalog.models import Category, Package, PyPIData, Release
from packagegrid.demo.loader import DATA_FILE, FEATURES, GRID_RULES, PYPI_FILE, demo_load
from packagegrid.fetchers.pypi import pypi_project_parse
from packagegrid.grids.models import Element, Feature, Grid, GridPackage
from packagegrid.health.models import Advisory, Compatibility
from packagegrid.lib.pypi_names import normalize_pypi_name

pytestmark = pytest.mark.django_db


def _pypi_lines() -> list[dict[str, Any]]:
    with gzip.open(PYPI_FILE, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _snapshot() -> list[object]:
    return [
        list(model.objects.values().order_by("pk"))
        for model in (
            Category, Package, Grid, GridPackage, Feature, Element,
            PyPIData, Release, Compatibility, Advisory,
        )
    ]  # fmt: skip


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
    # The release cell shows the latest release of the recorded PyPI document, which is
    # newer than the djangopackages.org record; the record's when PyPI has no document.
    latest = {
        normalize_pypi_name(line["name"]): pypi_project_parse(json.dumps(line["json"]))
        for line in _pypi_lines()
        if line["status"] == 200
    }
    for element in Element.objects.select_related("feature", "grid_package__package"):
        record = records[element.grid_package.package_id]
        match element.feature.title:
            case "Release on PyPI":
                project = latest.get(normalize_pypi_name(element.grid_package.package.pypi_name))
                expected = project.latest_version if project else record["pypi_version"]
                assert element.text == (expected or "-")
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


def test_it_applies_the_real_pypi_documents_of_its_packages() -> None:
    demo_load()
    # django-sesame and django-toosimple-q: their PyPI documents of 2026-12-06.
    sesame = Package.objects.get(pk=1694)
    assert sesame.pypi_name == "django-sesame"
    pypi = PyPIData.objects.get(package=sesame)
    assert (pypi.latest_version, pypi.license) == ("3.2.5", "BSD-3-Clause")
    assert pypi.requires_dist == ["django>=5.2", 'ua-parser>=0.15; extra == "ua"']
    assert pypi.fetched_at is not None and pypi.fetched_at.date().isoformat() == "2026-12-06"
    assert Release.objects.filter(package=sesame).count() == 22
    compat = {
        (c.product, c.version): c.sources for c in Compatibility.objects.filter(package=sesame)
    }
    assert compat[("django", "5.2")] == ["classifiers", "requires_dist"]
    assert compat[("python", "3.13")] == ["classifiers", "requires_python"]
    assert compat[("python", "3.14")] == ["requires_python"]
    assert ("django", "4.2") not in compat

    toosimple = Package.objects.get(pk=4566)
    yanked = Release.objects.get(package=toosimple, version="1.1.0")
    assert (yanked.yanked, yanked.yanked_reason) == (True, "(buggy, use 1.2.1+ instead)")
    assert Release.objects.get(package=toosimple, version="0.1.0b1").is_prerelease
    # The demo data holds no advisory against a latest version.
    assert not Advisory.objects.exists()
    # The number of demo packages with compatibility data (README, "Demo data").
    assert Compatibility.objects.values("package").distinct().count() == 56
