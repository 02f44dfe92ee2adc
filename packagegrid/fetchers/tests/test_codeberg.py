"""The Codeberg (Forgejo / Gitea API v1) client against a local HTTP server."""

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer

from packagegrid.fetchers.codeberg import codeberg_repo_fetch
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.tests.support import quick_client
from packagegrid.fetchers.types import RepoFetch, RepoInfo

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FIXTURES = Path(__file__).parent / "fixtures" / "codeberg"
REPO = "/api/v1/repos/jazz/django-sample"
COMMITS = f"{REPO}/commits"
LEAN = {"stat": "false", "verification": "false", "files": "false"}
COMMITS_QUERY = {"since": "2025-03-03T00:00:00Z", "limit": "50", "page": "1", **LEAN}
COMMITS_URL = (
    "/commits?since=2025-03-03T00%3A00%3A00Z&limit=50&page=1"
    "&stat=false&verification=false&files=false"
)


@pytest.fixture
def api(httpserver: HTTPServer, settings: Settings) -> HTTPServer:
    settings.CODEBERG_API_URL = httpserver.url_for("/api/v1")
    return httpserver


def _body(name: str) -> str:
    return (FIXTURES / name).read_text()


def _json(name: str) -> Any:
    return json.loads(_body(name))


def _serve_repo(api: HTTPServer) -> None:
    api.expect_request(REPO).respond_with_data(
        _body("repository.json"), content_type="application/json", headers={"ETag": '"r1"'}
    )


def _serve_commits(api: HTTPServer) -> None:
    api.expect_request(COMMITS, query_string=COMMITS_QUERY).respond_with_data(
        _body("commits.json"),
        content_type="application/json",
        headers={"ETag": '"c1"', "X-Total-Count": "6", "X-HasMore": "false"},
    )


def _fetch(client: HttpClient, etags: dict[str, str] | None = None) -> RepoFetch:
    return codeberg_repo_fetch(
        client, owner="jazz", name="django-sample", etags=etags or {}, now=NOW
    )


def test_it_reads_the_repository_and_its_commits(api: HTTPServer) -> None:
    _serve_repo(api)
    _serve_commits(api)

    with quick_client() as client:
        fetch = _fetch(client)

    repo = _json("repository.json")
    weekly = [0] * 52
    # 2026-03-01 17:22Z and 02-27 in the last week, 02-20 the week before, 2025-12-25 ten
    # weeks back, 2025-03-04 in the oldest week; 2025-03-03 06:00Z is just too old.
    weekly[51], weekly[50], weekly[42], weekly[0] = 2, 1, 1, 1
    assert fetch == RepoFetch(
        info=RepoInfo(
            stars=repo["stars_count"],
            forks=repo["forks_count"],
            description=repo["description"],
            archived=False,
            license="MIT",
            open_issues=9,
            default_branch="main",
            homepage="https://django-sample.example.org",
            pushed_at=datetime(2026, 3, 1, 17, 30, tzinfo=UTC),
        ),
        commits_over_52=weekly,
        # Forge logins, else the name in the commit; ties in order of first appearance.
        participants=["anasouza", "bokafor", "Dana Lee"],
        last_commit_at=datetime(2026, 3, 1, 17, 22, 10, tzinfo=UTC),
        total_commits=None,
        moved_to=None,
        etags={api.url_for(REPO): '"r1"', api.url_for(REPO) + COMMITS_URL: '"c1"'},
        requests=2,
        not_modified=0,
    )
    api.check_assertions()


def test_it_reads_no_licence_from_a_forge_that_does_not_report_one(api: HTTPServer) -> None:
    repo = _json("repository.json")
    del repo["licenses"]
    api.expect_request(REPO).respond_with_json(repo)
    _serve_commits(api)
    with quick_client() as client:
        fetch = _fetch(client)
    assert fetch.info is not None and fetch.info.license == ""


def test_it_reads_pages_until_x_has_more_says_no(api: HTTPServer) -> None:
    _serve_repo(api)
    template = _json("commit.json")
    newest = datetime(2026, 3, 2, 8, tzinfo=UTC)
    for page in (1, 2, 3):
        commits = []
        for i in range((page - 1) * 50, page * 50):
            commit: dict[str, Any] = copy.deepcopy(template)
            date = (newest - timedelta(days=i)).isoformat()
            commit["commit"]["committer"]["date"] = date
            if i % 2:
                commit["author"]["login"] = "bokafor"
            commits.append(commit)
        api.expect_request(
            COMMITS, query_string=COMMITS_QUERY | {"page": str(page)}
        ).respond_with_json(commits, headers={"X-HasMore": "true" if page < 3 else "false"})

    with quick_client() as client:
        fetch = _fetch(client)

    # One commit a day for 150 days: 21 full weeks, then 3 days.
    assert fetch.commits_over_52 == [0] * 30 + [3] + [7] * 21
    assert fetch.last_commit_at == newest
    assert fetch.participants == ["anasouza", "bokafor"]
    assert fetch.requests == 4
    api.check_assertions()


def test_it_reads_the_latest_commit_when_none_is_recent(api: HTTPServer) -> None:
    _serve_repo(api)
    api.expect_request(COMMITS, query_string=COMMITS_QUERY).respond_with_json([])
    api.expect_request(COMMITS, query_string={"limit": "1", **LEAN}).respond_with_data(
        _body("commits_latest.json")
    )

    with quick_client() as client:
        fetch = _fetch(client)

    assert fetch.commits_over_52 == [0] * 52
    assert fetch.last_commit_at == datetime(2024, 11, 5, 16, 45, tzinfo=UTC)
    assert fetch.participants == ["anasouza"]
    assert fetch.requests == 3


def test_it_reports_a_renamed_repository_as_moved(api: HTTPServer) -> None:
    repo = _json("repository.json") | {
        "full_name": "jazz/django-samples",
        "html_url": "https://codeberg.org/jazz/django-samples",
    }
    api.expect_request(REPO).respond_with_json(repo)
    _serve_commits(api)
    with quick_client() as client:
        fetch = _fetch(client)
    assert fetch.moved_to == "https://codeberg.org/jazz/django-samples"
