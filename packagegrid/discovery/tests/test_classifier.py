"""The Django-package classifier, on hand-made documents and on the 400 most downloaded
projects that mention Django, against the labelled list in data/top400-labels.txt."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from packagegrid.discovery.classifier import (
    ProjectFacts,
    Signal,
    django_package_verdict,
    django_package_verdicts,
    only_in_extra,
)
from packagegrid.fetchers.pypi import pypi_project_parse
from packagegrid.lib.pypi_names import normalize_pypi_name

DATA = Path(__file__).parent / "data"


def _labels() -> dict[str, str]:
    """The projects labelled "not a Django package", with the reason given."""
    lines = (DATA / "top400-labels.txt").read_text().splitlines()
    rows = [line.split(maxsplit=1) for line in lines if line.strip() and not line.startswith("#")]
    return {normalize_pypi_name(name): reason for name, reason in rows}


def _top400() -> list[ProjectFacts]:
    projects = []
    with gzip.open(DATA / "pypi-top400.jsonl.gz", "rt") as lines:
        for line in lines:
            project = pypi_project_parse(json.dumps(json.loads(line)["json"]))
            projects.append(
                ProjectFacts(
                    name=project.name,
                    classifiers=project.classifiers,
                    requires_dist=project.requires_dist,
                    description=project.description,
                )
            )
    return projects


def _verdict(
    *,
    classifiers: list[str] | None = None,
    requires: list[str] | None = None,
    readme: str = "",
    known: frozenset[str] = frozenset(),
) -> tuple[bool, Signal, str]:
    verdict = django_package_verdict(
        classifiers=classifiers or [],
        requires_dist=requires or [],
        description=readme,
        known=known,
    )
    return verdict.is_django, verdict.signal, verdict.detail


def test_it_accepts_any_framework_classifier() -> None:
    assert _verdict(classifiers=["Framework :: Django :: 5.2"])[:2] == (True, Signal.CLASSIFIER)
    assert _verdict(classifiers=["Framework :: Wagtail :: 7"])[0]
    assert _verdict(classifiers=["Framework :: Django CMS :: 4.1"])[0]
    assert not _verdict(classifiers=["Framework :: Djangoish", "Framework :: Flask"])[0]


def test_it_accepts_a_framework_dependency_outside_an_extra() -> None:
    assert _verdict(requires=["Django>=4.2"]) == (True, Signal.REQUIREMENT, "django")
    assert _verdict(requires=["django-cms"])[2] == "django-cms"
    assert _verdict(requires=['channels; python_version >= "3.10"'])[0]
    assert _verdict(requires=['Django; extra != "lite"'])[0]


def test_it_refuses_a_framework_only_inside_an_extra() -> None:
    assert not _verdict(requires=['django>=4.2; extra == "django"'])[0]
    assert not _verdict(requires=['djangorestframework; python_version>"3" and extra=="drf"'])[0]
    assert only_in_extra(None) is False


def test_it_ignores_unreadable_requirements() -> None:
    assert _verdict(requires=["not a requirement !!", "django"])[:2] == (True, Signal.REQUIREMENT)


def test_it_accepts_a_dependency_on_a_known_django_package() -> None:
    known = frozenset({"wagtail-modeladmin"})
    assert _verdict(requires=["Wagtail_ModelAdmin>=2"], known=known) == (
        True,
        Signal.KNOWN_DEPENDENCY,
        "wagtail-modeladmin",
    )
    assert not _verdict(requires=['wagtail-modeladmin; extra == "x"'], known=known)[0]


def test_it_accepts_a_readme_that_configures_django() -> None:
    assert _verdict(readme="Add `'thing'` to your INSTALLED_APPS.")[:2] == (True, Signal.README)
    assert _verdict(readme="Add it to MIDDLEWARE")[0]
    assert _verdict(readme="Usage:\n\n    from django.db import models\n")[0]
    assert not _verdict(readme="Works with frameworks such as django, flask and pyramid.")[0]


def test_it_decides_nothing_from_a_django_name() -> None:
    verdicts = django_package_verdicts(
        [ProjectFacts(name="django-lookalike", classifiers=[], requires_dist=[], description="")]
    )
    assert verdicts == {
        "django-lookalike": django_package_verdict(classifiers=[], requires_dist=[], description="")
    }
    assert not verdicts["django-lookalike"].is_django


def test_it_counts_projects_of_the_same_run_whatever_their_order() -> None:
    addon = ProjectFacts(name="addon", classifiers=[], requires_dist=["base"], description="")
    base = ProjectFacts(name="Base", classifiers=[], requires_dist=["django"], description="")
    verdicts = django_package_verdicts([addon, base])
    assert verdicts["addon"].signal is Signal.KNOWN_DEPENDENCY
    assert verdicts["base"].signal is Signal.REQUIREMENT


def test_it_reaches_95_percent_precision_and_recall_on_the_top_400(
    capsys: pytest.CaptureFixture[str],
) -> None:
    negatives = _labels()
    projects = _top400()
    names = {normalize_pypi_name(p.name) for p in projects}
    assert len(names) == 400
    assert len(negatives) == 11 and negatives.keys() <= names  # the labels name real projects
    verdicts = django_package_verdicts(projects)
    false_positives = sorted(n for n, v in verdicts.items() if v.is_django and n in negatives)
    false_negatives = sorted(
        n for n, v in verdicts.items() if not v.is_django and n not in negatives
    )
    true_positives = sum(1 for n, v in verdicts.items() if v.is_django and n not in negatives)
    precision = true_positives / (true_positives + len(false_positives))
    recall = true_positives / (true_positives + len(false_negatives))
    with capsys.disabled():
        print(
            f"\ntop-400 discovery: precision {precision:.1%}, recall {recall:.1%}; "
            f"false positives {false_positives}; false negatives {false_negatives}"
        )
    assert precision >= 0.95
    assert recall >= 0.95
