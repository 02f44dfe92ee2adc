"""The PyPI JSON API client against a local HTTP server serving recorded responses."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer

from packagegrid.fetchers.pypi import pypi_project_fetch
from packagegrid.fetchers.tests.support import quick_client
from packagegrid.fetchers.types import (
    PyPIFetch,
    PyPIProject,
    ReleaseInfo,
)

FIXTURES = Path(__file__).parent / "fixtures" / "pypi"
SAMPLE = "/pypi/django-sample/json"
LEGACY = "/pypi/django-legacy-thing/json"


@pytest.fixture
def api(httpserver: HTTPServer, settings: Settings) -> HTTPServer:
    settings.PYPI_URL = httpserver.url_for("").rstrip("/")
    return httpserver


def _body(name: str) -> str:
    return (FIXTURES / name).read_text()


def _json(name: str) -> Any:
    return json.loads(_body(name))


def _fetch(name: str, etags: dict[str, str] | None = None) -> PyPIFetch:
    with quick_client() as client:
        return pypi_project_fetch(client, name=name, etags=etags or {})


def _project(api: HTTPServer, data: dict[str, Any], path: str = LEGACY) -> PyPIProject:
    api.expect_request(path).respond_with_json(data)
    project = _fetch(path.split("/")[2]).project
    assert project is not None
    return project


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_it_reads_every_field_of_a_project(api: HTTPServer) -> None:
    api.expect_request(SAMPLE).respond_with_data(
        _body("django-sample.json"),
        content_type="application/json",
        headers={"ETag": '"8d1f-sample"'},
    )

    fetch = _fetch("django-sample")

    info = _json("django-sample.json")["info"]
    assert fetch == PyPIFetch(
        project=PyPIProject(
            name="django-sample",
            summary="Sample management for Django projects.",
            latest_version="3.2.1",
            # Oldest first, each at its earliest file; 4.0.0a1 has no files.
            releases=[
                ReleaseInfo(
                    "3.0.0", _at("2025-01-10T08:00:00.123456Z"), False, "", ">=3.12", False
                ),
                ReleaseInfo(
                    "3.1.0", _at("2025-06-01T10:00:00.500000Z"), False, "", ">=3.12", False
                ),
                ReleaseInfo(
                    "3.2.0", _at("2026-01-15T12:00:00Z"), True, "Broken migration", ">=3.12"
                ),
                ReleaseInfo(
                    "3.2.1", _at("2026-01-20T09:14:30.102030Z"), False, "", ">=3.12", False
                ),
            ],
            classifiers=info["classifiers"],
            requires_python=">=3.12",
            license="BSD-3-Clause",
            development_status="5 - Production/Stable",
            project_urls=info["project_urls"],
            documentation_url="https://django-sample.readthedocs.io/",
            keywords="django, samples, laboratory",
            requires_dist=["Django>=5.2", 'djangorestframework>=3.15; extra == "rest"'],
            license_expression="BSD-3-Clause",
            advisories=[],
            description=info["description"],
            description_content_type="text/markdown",
            last_serial=31415926,
        ),
        etags={api.url_for(SAMPLE): '"8d1f-sample"'},
        requests=1,
        not_modified=0,
    )
    api.check_assertions()


def test_it_skips_yanked_releases_for_the_latest_version(api: HTTPServer) -> None:
    data = _json("django-sample.json")
    del data["releases"]["3.2.1"]
    # One yanked file among good ones does not yank the release.
    data["releases"]["3.1.0"][0]["yanked"] = True
    project = _project(api, data, SAMPLE)
    assert project.latest_version == "3.1.0"
    assert [(r.version, r.yanked) for r in project.releases] == [
        ("3.0.0", False),
        ("3.1.0", False),
        ("3.2.0", True),
    ]


def test_it_has_no_latest_version_when_every_release_is_yanked(api: HTTPServer) -> None:
    data = _json("django-legacy-thing.json")
    for files in data["releases"].values():
        for file in files:
            file["yanked"] = True
    project = _project(api, data)
    assert project.latest_version is None
    assert all(r.yanked for r in project.releases)


def test_it_reads_a_legacy_project_with_nulls(api: HTTPServer) -> None:
    project = _project(api, _json("django-legacy-thing.json"))
    assert project == PyPIProject(
        name="django-legacy-thing",
        summary="",
        latest_version="1.0",
        releases=[
            ReleaseInfo("0.9", _at("2014-05-02T21:17:03Z"), yanked=False),
            ReleaseInfo("1.0", _at("2015-11-20T14:02:51Z"), yanked=False),
        ],
        classifiers=[
            "Development Status :: 3 - Alpha",
            "Framework :: Django",
            "License :: OSI Approved :: MIT License",
            "Programming Language :: Python :: 2.7",
        ],
        requires_python="",
        # No license_expression: the licence classifier (the license field agrees).
        license="MIT",
        development_status="3 - Alpha",
        project_urls={},
        documentation_url="https://pythonhosted.org/django-legacy-thing/",
        description="A legacy thing for Django.\n",
        last_serial=1876543,
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"license_expression": "MIT OR Apache-2.0", "license": "MIT"}, "MIT OR Apache-2.0"),
        ({"license": "BSD"}, "MIT"),  # the classifier before the field
        ({"license": "See LICENSE\nfor details", "classifiers": []}, ""),
        ({"license": "Apache 2.0", "classifiers": []}, "Apache-2.0"),
    ],
    ids=["expression", "classifier", "text", "field"],
)
def test_it_stores_the_licence_normalised(
    api: HTTPServer, fields: dict[str, Any], expected: str
) -> None:
    # The rules themselves are tested in packagegrid/lib/tests/test_licenses.py.
    data = _json("django-legacy-thing.json")
    data["info"].update(fields)
    assert _project(api, data).license == expected


@pytest.mark.parametrize("label", ["Documentation", "docs", "DOCS", "Documentation:"])
def test_it_finds_the_documentation_url_under_any_spelling(api: HTTPServer, label: str) -> None:
    data = _json("django-legacy-thing.json")
    data["info"]["project_urls"] = {
        "Source": "https://github.com/old/django-legacy-thing",
        label: "https://legacy-thing.readthedocs.io/",
    }
    assert _project(api, data).documentation_url == "https://legacy-thing.readthedocs.io/"


@pytest.mark.parametrize(
    ("keywords", "expected"),
    [
        ("django, rest  api ,,", "django, rest api"),
        ("django rest api", "django, rest, api"),
        ("", ""),
        (None, ""),
    ],
    ids=["commas", "spaces", "empty", "null"],
)
def test_it_reads_keywords_separated_by_commas_or_spaces(
    api: HTTPServer, keywords: str | None, expected: str
) -> None:
    data = _json("django-legacy-thing.json")
    data["info"]["keywords"] = keywords
    assert _project(api, data).keywords == expected


def test_it_follows_a_redirect_to_the_canonical_name(api: HTTPServer) -> None:
    api.expect_request("/pypi/Django_Sample/json").respond_with_data(
        "", status=301, headers={"Location": api.url_for(SAMPLE)}
    )
    api.expect_request(SAMPLE).respond_with_data(
        _body("django-sample.json"), headers={"ETag": '"8d1f-sample"'}
    )

    fetch = _fetch("Django_Sample")

    assert fetch.project is not None and fetch.project.name == "django-sample"
    # The ETag belongs to the canonical URL, the one that answered.
    assert fetch.etags == {api.url_for(SAMPLE): '"8d1f-sample"'}
    assert (fetch.requests, fetch.not_modified) == (2, 0)
    api.check_assertions()


def test_it_sends_the_canonical_etag_after_a_redirect(api: HTTPServer) -> None:
    api.expect_request("/pypi/Django_Sample/json").respond_with_data(
        "", status=308, headers={"Location": SAMPLE}
    )
    api.expect_request(SAMPLE, headers={"If-None-Match": '"8d1f-sample"'}).respond_with_data(
        "", status=304, headers={"ETag": '"8d1f-sample"'}
    )
    etags = {api.url_for(SAMPLE): '"8d1f-sample"'}

    fetch = _fetch("Django_Sample", etags)

    assert fetch == PyPIFetch(project=None, etags=etags, requests=2, not_modified=1)


def test_it_reads_a_project_with_no_releases(api: HTTPServer) -> None:
    api.expect_request("/pypi/django-placeholder/json").respond_with_data(
        _body("django-placeholder.json")
    )
    project = _fetch("django-placeholder").project
    assert project is not None
    assert (project.releases, project.latest_version) == ([], None)
    assert (project.license, project.development_status, project.documentation_url) == ("", "", "")
    assert (project.summary, project.project_urls) == ("Reserved.", {})
