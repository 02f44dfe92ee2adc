"""Compatibility from stored facts, on invented edge cases and real PyPI documents."""

import gzip
import json
from pathlib import Path

import pytest

from packagegrid.fetchers.pypi import pypi_project_parse
from packagegrid.fetchers.types import PyPIProject
from packagegrid.health.compatibility import (
    classifier_versions,
    compatibility,
    requirement_versions,
    specifier_versions,
)

SHARED = Path("/work/shared/data")
DEMO_FILE = Path(__file__).parents[2] / "demo" / "data" / "pypi-demo.jsonl.gz"


def _project(name: str, path: Path = DEMO_FILE) -> PyPIProject:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["name"] == name:
                return pypi_project_parse(json.dumps(record["json"]))
    raise LookupError(name)


def test_classifiers_name_feature_releases_and_majors() -> None:
    classifiers = [
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Framework :: Django :: 9.9",  # unknown: left out
        "Framework :: Wagtail :: 7",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.13",
        "Programming Language :: Python :: 3 :: Only",
    ]
    assert classifier_versions(classifiers, "django") == {"5.2"}
    assert classifier_versions(classifiers, "python") == {"3.13"}
    assert classifier_versions(classifiers, "wagtail") == {"7.0", "7.1", "7.2", "7.3", "7.4"}


def test_a_specifier_admits_a_feature_release_when_any_patch_satisfies_it() -> None:
    assert specifier_versions(">=4.2.8,<6", "django") == {"4.2", "5.0", "5.1", "5.2"}
    assert specifier_versions(">=3.8,!=3.9.*,<3.11", "python") == {"3.8", "3.10"}
    assert specifier_versions("~=3.12.0", "python") == {"3.12"}
    assert specifier_versions("", "python") == set()
    assert specifier_versions("not a specifier", "python") == set()


def test_requires_dist_ignores_extras_and_bare_requirements() -> None:
    requires = [
        'Django>=5.2; python_version >= "3.10"',
        'django>=4.2,<5; extra == "legacy"',
        "wagtail",  # no specifier: names no version
        "not a requirement ((",
    ]
    assert requirement_versions(requires, "django") == {"5.2", "6.0", "6.1"}
    assert requirement_versions(requires, "wagtail") == set()
    assert requirement_versions(requires, "python") == set()


def test_it_maps_each_version_to_its_sources_in_order() -> None:
    result = compatibility(
        classifiers=["Framework :: Django :: 5.2", "Programming Language :: Python :: 3.13"],
        requires_python=">=3.12",
        requires_dist=["Django>=5.2,<6"],
        ci={"django": ["5.2", "6.0", "main"], "python": ["3.13"]},
    )
    assert result == {
        "django": {"5.2": ["classifiers", "requires_dist", "ci"], "6.0": ["ci"]},
        "python": {
            "3.12": ["requires_python"],
            "3.13": ["classifiers", "requires_python", "ci"],
            "3.14": ["requires_python"],
            "3.15": ["requires_python"],
        },
    }
    assert list(result["python"]) == ["3.12", "3.13", "3.14", "3.15"]  # oldest first


def test_no_facts_give_an_empty_mapping() -> None:
    assert compatibility(classifiers=[], requires_python="", requires_dist=[]) == {}


def test_django_sesame_from_its_real_document() -> None:
    # django-sesame 3.2.5: Django 5.2-6.1 classifiers, django>=5.2, requires_python >=3.11.
    project = _project("django-sesame")
    result = compatibility(
        classifiers=project.classifiers,
        requires_python=project.requires_python,
        requires_dist=project.requires_dist,
    )
    assert result["django"] == {
        "5.2": ["classifiers", "requires_dist"],
        "6.0": ["classifiers", "requires_dist"],
        "6.1": ["classifiers", "requires_dist"],
    }
    assert result["python"]["3.11"] == ["classifiers", "requires_python"]
    assert result["python"]["3.15"] == ["requires_python"]
    assert "3.10" not in result["python"]


def test_django_toosimple_q_mixes_an_old_classifier_and_a_wide_requirement() -> None:
    # django-toosimple-q: "Framework :: Django :: 2.2" and django>=3.2, no requires_python.
    project = _project("django-toosimple-q")
    result = compatibility(
        classifiers=project.classifiers,
        requires_python=project.requires_python,
        requires_dist=project.requires_dist,
    )
    assert result["django"]["2.2"] == ["classifiers"]
    assert result["django"]["3.2"] == ["requires_dist"]
    assert "3.1" not in result["django"]
    assert "python" not in result


@pytest.mark.skipif(not (SHARED / "pypi-top400.jsonl.gz").exists(), reason="shared data")
def test_real_top_projects_djangorestframework_and_wagtail_modeladmin() -> None:
    drf = _project("djangorestframework", SHARED / "pypi-top400.jsonl.gz")
    result = compatibility(
        classifiers=drf.classifiers,
        requires_python=drf.requires_python,
        requires_dist=drf.requires_dist,
    )
    assert result["django"]["5.2"] == ["classifiers", "requires_dist"]
    assert "4.1" not in result["django"]
    assert result["python"]["3.13"] == ["classifiers", "requires_python"]

    # wagtail-modeladmin: "Framework :: Wagtail :: 7" and ":: 8", Wagtail>=7.0.
    modeladmin = _project("wagtail-modeladmin", SHARED / "pypi-top400.jsonl.gz")
    wagtail = compatibility(
        classifiers=modeladmin.classifiers,
        requires_python=modeladmin.requires_python,
        requires_dist=modeladmin.requires_dist,
    )["wagtail"]
    assert wagtail["7.0"] == wagtail["8.0"] == ["classifiers", "requires_dist"]
    assert "6.3" not in wagtail
