"""Search documents built from packages and grids."""

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from packagegrid.catalog.models import Package
from packagegrid.conftest import add_to_grid, make_grid, make_health, make_package, make_usage
from packagegrid.health.models import PackageHealth
from packagegrid.health.scores import package_health_recompute
from packagegrid.search.documents import MAX_QUALITY, license_label
from packagegrid.search.models import SearchDocument

pytestmark = pytest.mark.django_db


def _document(package_id: int) -> SearchDocument:
    return SearchDocument.objects.get(package_id=package_id)


def test_it_weights_names_titles_descriptions_and_other_fields_apart() -> None:
    package = make_package(
        title="Django REST framework",
        slug="djangorestframework",
        repo={"description": "Web APIs for Django.", "participants": ["tomchristie"]},
        pypi={"summary": "Toolkit for APIs"},
    )
    make_grid(title="APIs and REST", slug="apis", packages=[package])
    document = _document(package.pk)
    assert document.key == "djangorestframework"
    assert document.name_text == " djangorestframework restframework "
    assert document.title_text == " django rest framework djangorestframework "
    assert document.body_text == " web apis for django toolkit for apis "
    assert document.other_text == " category 1 apis and rest tomchristie "


def test_it_reads_facets_from_the_records() -> None:
    package = make_package(
        slug="django-x",
        repo={"license": "BSD-3-Clause"},
        pypi={
            "latest_version": "2.0",
            "classifiers": [
                "Framework :: Django",
                "Framework :: Django :: 5.2",
                "Framework :: Django :: 4.2",
                "Programming Language :: Python :: 3",
                "Programming Language :: Python :: 3.12",
                "Programming Language :: Python :: 3.10",
            ],
        },
    )
    grid = make_grid(title="Tools", slug="tools", packages=[package])
    make_health(package, 40, "stale")
    facets = _document(package.pk).facets.split("\n")
    assert facets == [
        "type=package",
        "listing=reviewed",
        f"category={package.category.slug}\t{package.category.title}",
        f"grid={grid.slug}\tTools",
        "license=BSD-3-Clause",
        "django=4.2",
        "django=5.2",
        "python=3.10",
        "python=3.12",
        "lifecycle=stale",
        "pypi=yes",
    ]


@pytest.mark.parametrize(
    ("repo", "pypi", "line"),
    [
        ({"archived": True}, {}, "lifecycle=archived"),
        ({}, {"latest_version": None}, "pypi=no"),
    ],
)
def test_it_records_lifecycle_and_release_facets(
    repo: dict[str, Any], pypi: dict[str, Any], line: str
) -> None:
    package = make_package(repo=repo, pypi=pypi)
    assert line in _document(package.pk).facets.split("\n")


def test_it_leaves_an_unscored_package_without_score_or_lifecycle() -> None:
    package = make_package(repo={"stars": 5000})
    make_usage(package, count=3)
    document = _document(package.pk)
    assert (document.health_score, document.lifecycle, document.quality) == (None, "", 0)
    assert not any(line.startswith("lifecycle=") for line in document.facets.split("\n"))


def test_it_ranks_ties_by_the_health_score_not_the_stars() -> None:
    popular = make_package(repo={"stars": 90_000})
    healthy = make_package(repo={"stars": 3})
    make_health(popular, 12, "abandoned")
    make_health(healthy, 81)
    assert _document(popular.pk).quality == 12
    document = _document(healthy.pk)
    assert (document.quality, document.health_score, document.lifecycle) == (81, 81, "active")
    assert "lifecycle=active" in document.facets.split("\n")


def test_it_marks_a_replaced_package_deprecated_before_its_score_is_recomputed() -> None:
    successor = make_package()
    package = make_package()
    make_health(package, 70, "active")
    package.replaced_by = successor
    package.save()
    document = _document(package.pk)
    assert "lifecycle=deprecated" in document.facets.split("\n")
    assert "lifecycle=active" not in document.facets.split("\n")
    assert document.lifecycle == "deprecated"


def test_it_keeps_a_deprecated_archived_package_deprecated() -> None:
    package = make_package(repo={"archived": True})
    make_health(package, 10, "deprecated")
    assert _document(package.pk).lifecycle == "deprecated"


def test_it_bounds_the_stored_quality() -> None:
    package = make_package()
    make_health(package, 100)
    document = _document(package.pk)
    assert (document.quality, document.health_score) == (MAX_QUALITY, 100)


def test_it_rewrites_the_documents_whose_health_a_recompute_changed() -> None:
    package = make_package(repo={"last_commit_at": timezone.now()})
    package_health_recompute(today=date(2026, 12, 6))
    stored = PackageHealth.objects.get(package=package)
    document = _document(package.pk)
    assert (document.health_score, document.lifecycle) == (stored.score, stored.lifecycle)
    assert document.quality == min(stored.score, MAX_QUALITY)
    with CaptureQueriesContext(connection) as captured:
        assert package_health_recompute(today=date(2026, 12, 6)) == 0
    assert not [q for q in captured.captured_queries if "search_searchdocument" in q["sql"]]
    Package.objects.filter(pk=package.pk).update(replaced_by=make_package())  # no signal
    package_health_recompute([package.pk], today=date(2026, 12, 6))
    stored.refresh_from_db()
    assert stored.lifecycle == "deprecated"
    document = _document(package.pk)
    assert (document.health_score, document.lifecycle) == (stored.score, "deprecated")
    assert "lifecycle=deprecated" in document.facets.split("\n")


def test_it_indexes_grids_with_their_size_as_quality() -> None:
    small = make_grid(title="Small grid", slug="small")
    big = make_grid(title="Big grid", slug="big")
    add_to_grid(big, *(make_package() for _ in range(5)))
    documents = {d.slug: d for d in SearchDocument.objects.filter(kind="grid")}
    assert documents["small"].quality < documents["big"].quality
    assert documents["big"].name_text == " big biggrid "
    assert documents["big"].facets == "type=grid\nlisting=reviewed"
    assert small.pk == documents["small"].grid_id


@pytest.mark.parametrize(
    ("pypi_license", "repo_license", "label"),
    [
        # PyPIData.license is stored normalised (packagegrid.lib.licenses): shown as is.
        ("MIT", "Apache-2.0", "MIT"),
        ("GPL-2.0-only OR LGPL-2.1-or-later", "", "GPL-2.0-only OR LGPL-2.1-or-later"),
        # Without it, the code host's, read by the same rules.
        ("", "BSD-3-Clause", "BSD-3-Clause"),
        ("", "bsd-3-clause", "BSD-3-Clause"),
        ("", "NOASSERTION", ""),
        ("", "Other", ""),
    ],
)
def test_it_labels_the_license_as_the_package_page_shows_it(
    pypi_license: str, repo_license: str, label: str
) -> None:
    package = make_package(repo={"license": repo_license}, pypi={"license": pypi_license})
    assert license_label(pypi=package.pypi_data, repo=package.repo_data) == label


def test_it_marks_a_package_no_person_reviewed_yet() -> None:
    reviewed = make_package(slug="django-reviewed")
    found = make_package(slug="django-found", reviewed=False)
    assert _document(reviewed.pk).reviewed
    assert "listing=reviewed" in _document(reviewed.pk).facets.split("\n")
    assert not _document(found.pk).reviewed
    assert "listing=discovered" in _document(found.pk).facets.split("\n")
