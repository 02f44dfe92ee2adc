"""The PyPI client's reading of real documents (PyPI's JSON API on 2026-12-06)."""

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from packagegrid.fetchers.pypi import pypi_project_parse
from packagegrid.fetchers.types import AdvisoryInfo, PyPIProject
from packagegrid.health.model import typed_marker

DEMO_FILE = Path(__file__).parents[2] / "demo" / "data" / "pypi-demo.jsonl.gz"
TOP_FILE = Path("/work/shared/data/pypi-top400.jsonl.gz")


def _project(name: str, path: Path = DEMO_FILE) -> PyPIProject:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["name"] == name:
                return pypi_project_parse(json.dumps(record["json"]))
    raise LookupError(name)


def test_every_demo_document_reads() -> None:
    with gzip.open(DEMO_FILE, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    readable = [pypi_project_parse(json.dumps(r["json"])) for r in records if r["status"] == 200]
    assert len(readable) == 161
    assert sum(1 for r in records if r["status"] == 404) == 2


def test_django_toosimple_q_yanked_reasons_and_pre_releases() -> None:
    project = _project("django-toosimple-q")
    releases = {r.version: r for r in project.releases}
    assert releases["1.1.0"].yanked
    assert releases["1.1.0"].yanked_reason == "(buggy, use 1.2.1+ instead)"
    assert releases["0.1.0b1"].is_prerelease
    assert not releases["1.2.1"].is_prerelease
    assert project.requires_dist == ["croniter>=1.3", "django-picklefield>=3.0", "django>=3.2"]


def test_django_sesame_licence_expression_and_urls() -> None:
    project = _project("django-sesame")
    assert project.latest_version == "3.2.5"
    assert project.license == "BSD-3-Clause"
    assert project.requires_python == ">=3.11"
    assert project.documentation_url.startswith("https://django-sesame.readthedocs.io")
    assert project.advisories == []


@pytest.mark.skipif(not TOP_FILE.exists(), reason="shared data")
def test_django_rest_framework_lists_an_advisory_against_its_latest_version() -> None:
    # The old `django-rest-framework` project (0.1.0) on PyPI, not `djangorestframework`.
    project = _project("django-rest-framework", TOP_FILE)
    # Two records of one advisory (GitHub's and PyPI's own), each naming the other.
    assert [a.id for a in project.advisories] == ["GHSA-xqcf-hj92-967m", "PYSEC-2026-804"]
    assert project.advisories[1].aliases == ["CVE-2018-25045", "GHSA-xqcf-hj92-967m"]
    assert project.advisories[:1] == [
        AdvisoryInfo(
            id="GHSA-xqcf-hj92-967m",
            aliases=["CVE-2018-25045", "PYSEC-2026-804"],
            summary=(
                "Django REST framework (aka django-rest-framework) before 3.9.1 allows XSS "
                "because the default DRF Browsable API view templates disable autoescaping."
            ),
            fixed_in=["3.9.1"],
            link="https://osv.dev/vulnerability/GHSA-xqcf-hj92-967m",
            withdrawn=None,
        )
    ]


@pytest.mark.skipif(not TOP_FILE.exists(), reason="shared data")
def test_every_top_document_reads() -> None:
    with gzip.open(TOP_FILE, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if '"status": 200' in line]
    projects = [pypi_project_parse(json.dumps(r["json"])) for r in records]
    assert len(projects) == 400
    assert all(r.uploaded_at is None or r.uploaded_at.tzinfo for p in projects for r in p.releases)
    assert any(p.license_expression for p in projects)


def test_a_withdrawn_advisory_keeps_its_date() -> None:
    document = {
        "info": {"name": "x", "classifiers": []},
        "releases": {},
        "vulnerabilities": [
            {
                "id": "PYSEC-1",
                "aliases": None,
                "details": "d" * 1500,
                "summary": None,
                "fixed_in": None,
                "link": None,
                "withdrawn": "2026-01-02T03:04:05Z",
            }
        ],
    }
    (info,) = pypi_project_parse(json.dumps(document)).advisories
    assert info.withdrawn == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert (info.aliases, info.fixed_in, info.link) == ([], [], "")
    assert len(info.summary) == 1000 and info.summary.endswith("…")


def test_an_oversized_requires_dist_is_malformed() -> None:
    from pydantic import ValidationError

    document = {"info": {"name": "x", "requires_dist": ["a" * 1001]}, "releases": {}}
    with pytest.raises(ValidationError):
        pypi_project_parse(json.dumps(document))


def _documents(path: Path) -> list[dict[str, object]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line)["json"] for line in lines if '"status": 200' in line]


@pytest.mark.skipif(not TOP_FILE.exists(), reason="shared data")
def test_no_real_document_states_a_project_status() -> None:
    """PyPI's JSON API of December 2026 does not carry PEP 792's marker (the simple API
    does): every real project reads as "not stated", never as a made-up status."""
    documents = _documents(DEMO_FILE) + _documents(TOP_FILE)
    assert len(documents) == 561
    assert not any("project-status" in document for document in documents)
    projects = [pypi_project_parse(json.dumps(document)) for document in documents]
    assert {(p.project_status, p.project_status_reason) for p in projects} == {("", "")}


@pytest.mark.parametrize(
    ("marker", "status", "reason"),
    [
        ({"status": "archived", "reason": "  Moved to\nacme. "}, "archived", "Moved to acme."),
        ({"status": "Quarantined"}, "quarantined", ""),
        ({"status": "deprecated", "reason": None}, "deprecated", ""),
        ({"status": "active"}, "active", ""),
        ({"status": "retired", "reason": "not a PEP 792 marker"}, "", ""),
        ({}, "", ""),
        (None, "", ""),
    ],
)
def test_it_reads_pep_792s_project_status(
    marker: dict[str, object] | None, status: str, reason: str
) -> None:
    document = {"info": {"name": "x"}, "releases": {}, "project-status": marker}
    project = pypi_project_parse(json.dumps(document))
    assert (project.project_status, project.project_status_reason) == (status, reason)


def test_a_long_status_reason_is_bounded() -> None:
    document = {
        "info": {"name": "x"},
        "releases": {},
        "project-status": {"status": "deprecated", "reason": "r" * 5000},
    }
    reason = pypi_project_parse(json.dumps(document)).project_status_reason
    assert len(reason) == 1000 and reason.endswith("…")


@pytest.mark.skipif(not TOP_FILE.exists(), reason="shared data")
def test_the_typed_marker_of_real_projects() -> None:
    """28 of the top 400 declare `Typing :: Typed`; django-filter-stubs declares nothing
    but is a stub-only package; none of the demo's 161 projects is typed."""
    markers = {
        str(p.name): typed_marker(name=p.name, classifiers=p.classifiers)
        for p in (pypi_project_parse(json.dumps(d)) for d in _documents(TOP_FILE))
    }
    assert sum(1 for m in markers.values() if m == "Typing :: Typed classifier") == 28
    assert markers["django-htmx"] == "Typing :: Typed classifier"
    assert markers["django-filter-stubs"] == "stub-only package"
    assert markers["djangorestframework"] == ""
    demo = [pypi_project_parse(json.dumps(d)) for d in _documents(DEMO_FILE)]
    assert not any(typed_marker(name=p.name, classifiers=p.classifiers) for p in demo)
