"""CI files through GitHub's contents API, against a local fake answering in its documented
format (https://docs.github.com/en/rest/repos/contents#get-repository-content)."""

import base64
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from pytest_httpserver import HTTPServer

from packagegrid.conftest import make_package
from packagegrid.fetchers.models import FetchState
from packagegrid.fetchers.tests.support import quick_client
from packagegrid.health.ci_client import github_ci_fetch
from packagegrid.health.models import CIMatrix, Compatibility

pytestmark = pytest.mark.django_db

TOX = "[tox]\nenvlist = py3{12,13}-dj{52,60}\n"
WORKFLOW = """
jobs:
  test:
    strategy:
      matrix:
        python-version: ["3.14"]
        django-version: ["6.1"]
"""
BASE = "/repos/acme/widgets/contents"


def _file(path: str, text: str) -> dict[str, object]:
    return {
        "type": "file",
        "encoding": "base64",
        "size": len(text),
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": "3d21ec53a331a6f037a91c368710b99387d012c1",
        "content": base64.encodebytes(text.encode()).decode(),
    }


@pytest.fixture
def github(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request(f"{BASE}/tox.ini").respond_with_json(
        _file("tox.ini", TOX), headers={"ETag": '"tox-1"'}
    )
    httpserver.expect_request(f"{BASE}/noxfile.py").respond_with_json(
        {"message": "Not Found"}, status=404
    )
    httpserver.expect_request(f"{BASE}/.github/workflows").respond_with_json(
        [
            {"type": "file", "name": "tests.yml", "path": ".github/workflows/tests.yml"},
            {"type": "file", "name": "README.md", "path": ".github/workflows/README.md"},
        ],
        headers={"ETag": '"dir-1"'},
    )
    httpserver.expect_request(f"{BASE}/.github/workflows/tests.yml").respond_with_json(
        _file(".github/workflows/tests.yml", WORKFLOW), headers={"ETag": '"wf-1"'}
    )
    return httpserver


def _api(server: HTTPServer) -> str:
    return server.url_for("").rstrip("/")


def test_it_reads_tox_and_workflow_files(github: HTTPServer) -> None:
    with override_settings(GITHUB_API_URL=_api(github)):
        fetch = github_ci_fetch(quick_client(), owner="acme", name="widgets", etags={}, token="")
    assert fetch.files == {
        "tox.ini": {"python": {"3.12", "3.13"}, "django": {"5.2", "6.0"}, "wagtail": set()},
        ".github/workflows/tests.yml": {"python": {"3.14"}, "django": {"6.1"}, "wagtail": set()},
    }
    assert fetch.requests == 4  # tox.ini, noxfile.py (404), the directory, one workflow
    assert fetch.etags[f"{_api(github)}{BASE}/tox.ini"] == '"tox-1"'


def test_unchanged_files_answer_304_and_keep_their_versions(httpserver: HTTPServer) -> None:
    api = _api(httpserver)
    etags = {
        f"{api}{BASE}/tox.ini": '"tox-1"',
        f"{api}{BASE}/.github/workflows": '"dir-1"',
        f"{api}{BASE}/.github/workflows/tests.yml": '"wf-1"',
    }
    for path in ("tox.ini", ".github/workflows", ".github/workflows/tests.yml"):
        httpserver.expect_request(
            f"{BASE}/{path}", headers={"If-None-Match": etags[f"{api}{BASE}/{path}"]}
        ).respond_with_data("", status=304)
    httpserver.expect_request(f"{BASE}/noxfile.py").respond_with_data("", status=404)
    with override_settings(GITHUB_API_URL=api):
        fetch = github_ci_fetch(quick_client(), owner="acme", name="widgets", etags=etags, token="")
    assert fetch.files == {"tox.ini": None, ".github/workflows/tests.yml": None}
    assert fetch.not_modified == 3


def test_the_command_stores_ci_compatibility_within_its_budget(github: HTTPServer) -> None:
    package = make_package(repo_url="https://github.com/acme/widgets")
    out = StringIO()
    with override_settings(GITHUB_API_URL=_api(github), GITHUB_TOKEN=""):
        call_command("fetch_ci", budget=10, stdout=out)
    assert "1 packages read, 0 failed, 4 requests" in out.getvalue()
    matrix = CIMatrix.objects.get(package=package)
    assert (matrix.django, matrix.python) == (["5.2", "6.0", "6.1"], ["3.12", "3.13", "3.14"])
    compat = {
        (c.product, c.version): c.sources for c in Compatibility.objects.filter(package=package)
    }
    assert compat[("django", "6.1")] == ["ci"]
    state = FetchState.objects.get(package=package, source="github_ci")
    assert len(state.etags) == 3


def test_the_command_is_off_without_a_budget() -> None:
    out = StringIO()
    call_command("fetch_ci", stdout=out)
    assert "off" in out.getvalue()
