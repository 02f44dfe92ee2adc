"""The PyPI JSON API client against a local HTTP server serving recorded responses."""

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from packagegrid.fetchers.pypi import pypi_project_fetch
from packagegrid.fetchers.tests.support import drain, quick_client
from packagegrid.fetchers.types import (
    FetchFailed,
    PyPIFetch,
    PyPIProject,
    RateLimitExhausted,
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
                ReleaseInfo("3.0.0", _at("2025-01-10T08:00:00.123456Z"), yanked=False),
                ReleaseInfo("3.1.0", _at("2025-06-01T10:00:00.500000Z"), yanked=False),
                ReleaseInfo("3.2.0", _at("2026-01-15T12:00:00Z"), yanked=True),
                ReleaseInfo("3.2.1", _at("2026-01-20T09:14:30.102030Z"), yanked=False),
            ],
            classifiers=info["classifiers"],
            requires_python=">=3.12",
            license="BSD-3-Clause",
            development_status="5 - Production/Stable",
            project_urls=info["project_urls"],
            documentation_url="https://django-sample.readthedocs.io/",
            keywords="django, samples, laboratory",
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
        # No license_expression: the short license field, first line.
        license="MIT",
        development_status="3 - Alpha",
        project_urls={},
        documentation_url="https://pythonhosted.org/django-legacy-thing/",
    )


MIT_TEXT = (
    "Copyright (c) 2015 Old Maintainer\n\n"
    "Permission is hereby granted, free of charge, to any person obtaining a copy of this "
    'software and associated documentation files (the "Software"), to deal in the Software '
    "without restriction..."
)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"license_expression": "MIT OR Apache-2.0", "license": "MIT"}, "MIT OR Apache-2.0"),
        ({"license": "BSD License\nSee LICENSE for details"}, "BSD License"),
        ({"license": MIT_TEXT}, "MIT License"),
        ({"license": "UNKNOWN"}, "MIT License"),
        ({"license": None}, "MIT License"),
        ({"license": None, "classifiers": ["Framework :: Django"]}, ""),
    ],
    ids=["expression", "license-field", "long-text", "unknown", "null", "nothing"],
)
def test_it_reads_the_licence_expression_then_field_then_classifier(
    api: HTTPServer, fields: dict[str, Any], expected: str
) -> None:
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


def test_it_refuses_a_redirect_to_another_site(api: HTTPServer) -> None:
    api.expect_request(SAMPLE).respond_with_data(
        "", status=301, headers={"Location": "https://elsewhere.example/pypi/django-sample/json"}
    )
    with pytest.raises(FetchFailed, match="elsewhere") as caught:
        _fetch("django-sample")
    assert (caught.value.reason, caught.value.permanent, caught.value.requests) == (
        "client_error",
        True,
        1,
    )


def test_it_reads_a_project_with_no_releases(api: HTTPServer) -> None:
    api.expect_request("/pypi/django-placeholder/json").respond_with_data(
        _body("django-placeholder.json")
    )
    project = _fetch("django-placeholder").project
    assert project is not None
    assert (project.releases, project.latest_version) == ([], None)
    assert (project.license, project.development_status, project.documentation_url) == ("", "", "")
    assert (project.summary, project.project_urls) == ("Reserved.", {})


def test_it_sends_the_stored_etag_and_reports_304_as_nothing_new(api: HTTPServer) -> None:
    etags = {api.url_for(SAMPLE): '"8d1f-sample"'}
    api.expect_request(SAMPLE, headers={"If-None-Match": '"8d1f-sample"'}).respond_with_data(
        "", status=304, headers={"ETag": '"8d1f-sample"'}
    )

    fetch = _fetch("django-sample", etags)

    assert fetch == PyPIFetch(project=None, etags=etags, requests=1, not_modified=1)
    api.check_assertions()


def test_it_reports_an_unknown_project_as_not_found(api: HTTPServer) -> None:
    api.expect_request("/pypi/no-such-project/json").respond_with_json(
        {"message": "Not Found"}, status=404
    )
    with pytest.raises(FetchFailed) as caught:
        _fetch("no-such-project")
    assert (caught.value.reason, caught.value.permanent, caught.value.requests) == (
        "not_found",
        True,
        1,
    )


def test_it_retries_a_server_error_then_succeeds(api: HTTPServer) -> None:
    api.expect_oneshot_request(SAMPLE).respond_with_data("Backend unavailable", status=503)
    api.expect_request(SAMPLE).respond_with_data(_body("django-sample.json"))
    sleeps: list[float] = []

    with quick_client(sleeps) as client:
        fetch = pypi_project_fetch(client, name="django-sample", etags={})
        attempts = client.requests_made

    assert fetch.project is not None and fetch.project.latest_version == "3.2.1"
    assert (fetch.requests, attempts, len(sleeps)) == (1, 2, 1)


def test_it_stops_when_the_rate_limit_is_spent(api: HTTPServer) -> None:
    api.expect_request(SAMPLE).respond_with_data(
        "Too Many Requests", status=429, headers={"Retry-After": "5"}
    )
    sleeps: list[float] = []
    with quick_client(sleeps) as client, pytest.raises(RateLimitExhausted) as caught:
        pypi_project_fetch(client, name="django-sample", etags={})
    assert (caught.value.reason, caught.value.permanent, caught.value.requests) == (
        "rate_limited",
        False,
        1,
    )
    assert sleeps == [5.0, 5.0]


def test_it_reports_malformed_json_as_transient(api: HTTPServer) -> None:
    api.expect_request(SAMPLE).respond_with_data(
        _body("django-sample.json")[:500], content_type="application/json"
    )
    with pytest.raises(FetchFailed) as caught:
        _fetch("django-sample")
    assert (caught.value.reason, caught.value.permanent, caught.value.requests) == (
        "malformed",
        False,
        1,
    )


def test_it_reports_a_timeout_after_the_retries(api: HTTPServer, settings: Settings) -> None:
    settings.HTTP_TIMEOUT_SECONDS = 0.2

    released = threading.Event()

    def slow(request: Request) -> Response:
        released.wait(0.5)  # longer than the timeout
        return Response(_body("django-sample.json"), content_type="application/json")

    api.expect_request(SAMPLE).respond_with_handler(slow)
    sleeps: list[float] = []
    with quick_client(sleeps) as client:
        with pytest.raises(FetchFailed) as caught:
            pypi_project_fetch(client, name="django-sample", etags={})
        attempts = client.requests_made
    drain(api, released, requests=3)
    assert (caught.value.reason, caught.value.permanent, caught.value.requests) == (
        "timeout",
        False,
        1,
    )
    assert (attempts, len(sleeps)) == (3, 2)
