"""Search documents built from packages and grids."""

from typing import Any

import pytest

from packagegrid.conftest import add_to_grid, make_grid, make_package, make_usage
from packagegrid.search.documents import license_label
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
    facets = _document(package.pk).facets.split("\n")
    assert facets == [
        "type=package",
        f"category={package.category.slug}\t{package.category.title}",
        f"grid={grid.slug}\tTools",
        "license=BSD-3-Clause",
        "django=4.2",
        "django=5.2",
        "python=3.10",
        "python=3.12",
        "status=active",
        "pypi=yes",
    ]


@pytest.mark.parametrize(
    ("repo", "pypi", "status"),
    [
        ({"archived": True}, {}, "status=archived"),
        ({}, {"latest_version": None}, "pypi=no"),
    ],
)
def test_it_records_status_and_release_facets(
    repo: dict[str, Any], pypi: dict[str, Any], status: str
) -> None:
    package = make_package(repo=repo, pypi=pypi)
    assert status in _document(package.pk).facets.split("\n")


def test_it_marks_a_replaced_package_deprecated_and_halves_its_quality() -> None:
    successor = make_package(repo={"stars": 5000})
    package = make_package(repo={"stars": 5000})
    before = _document(package.pk).quality
    package.replaced_by = successor
    package.save()
    document = _document(package.pk)
    assert "status=deprecated" in document.facets.split("\n")
    assert document.quality == before // 2
    assert document.active_at is None


def test_it_bounds_the_stored_quality() -> None:
    package = make_package(repo={"stars": 10**9})
    make_usage(package, count=3)
    assert _document(package.pk).quality < 80


def test_it_indexes_grids_with_their_size_as_quality() -> None:
    small = make_grid(title="Small grid", slug="small")
    big = make_grid(title="Big grid", slug="big")
    add_to_grid(big, *(make_package() for _ in range(5)))
    documents = {d.slug: d for d in SearchDocument.objects.filter(kind="grid")}
    assert documents["small"].quality < documents["big"].quality
    assert documents["big"].name_text == " big biggrid "
    assert documents["big"].facets == "type=grid"
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
