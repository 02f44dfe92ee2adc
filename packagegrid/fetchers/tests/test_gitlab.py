"""The GitLab client against a local HTTP server serving recorded API v4 responses."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer

from packagegrid.fetchers.gitlab import gitlab_repo_fetch
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.tests.support import quick_client
from packagegrid.fetchers.types import FetchFailed, RepoFetch, RepoInfo

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FIXTURES = Path(__file__).parent / "fixtures" / "gitlab"
PATH = "jazz-collective/django/django-sample"
ENCODED = "jazz-collective%2Fdjango%2Fdjango-sample"
# The test server decodes %2F, so handlers match the decoded path.
PROJECT = f"/api/v4/projects/{PATH}"
COMMITS = f"{PROJECT}/repository/commits"
CONTRIBUTORS = f"{PROJECT}/repository/contributors"
COMMITS_QUERY = {"since": "2025-03-03T00:00:00Z", "per_page": "100"}
CONTRIBUTORS_QUERY = {"order_by": "commits", "sort": "desc", "per_page": "100"}


def _json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def _body(name: str) -> str:
    return (FIXTURES / name).read_text()


@pytest.fixture
def api(httpserver: HTTPServer, settings: Settings) -> HTTPServer:
    settings.GITLAB_API_URL = httpserver.url_for("/api/v4")
    settings.GITLAB_TOKEN = ""
    return httpserver


def _url(api: HTTPServer, query: str) -> str:
    """The exact URL the client asks for (and keys ETags by), with the encoded id."""
    return api.url_for(f"/api/v4/projects/{ENCODED}{query}")


PROJECT_URL = "?license=true"
COMMITS_URL = "/repository/commits?since=2025-03-03T00%3A00%3A00Z&per_page=100"
CONTRIBUTORS_URL = "/repository/contributors?order_by=commits&sort=desc&per_page=100"


def _serve_project(api: HTTPServer, name: str = "project.json", **headers: str) -> None:
    api.expect_request(PROJECT, query_string={"license": "true"}).respond_with_data(
        _body(name), content_type="application/json", headers=headers
    )


def _serve_commits(api: HTTPServer, name: str = "commits.json", **headers: str) -> None:
    api.expect_request(COMMITS, query_string=COMMITS_QUERY).respond_with_data(
        _body(name), content_type="application/json", headers=headers
    )


def _serve_contributors(api: HTTPServer, name: str = "contributors.json", **headers: str) -> None:
    api.expect_request(CONTRIBUTORS, query_string=CONTRIBUTORS_QUERY).respond_with_data(
        _body(name), content_type="application/json", headers=headers
    )


def _fetch(client: HttpClient, etags: dict[str, str] | None = None) -> RepoFetch:
    return gitlab_repo_fetch(client, path=PATH, etags=etags or {}, now=NOW)


def test_it_reads_the_project_its_commits_and_its_contributors(
    api: HTTPServer, settings: Settings
) -> None:
    settings.GITLAB_TOKEN = "glpat-test-token"
    token = {"PRIVATE-TOKEN": "glpat-test-token"}
    api.expect_request(PROJECT, query_string={"license": "true"}, headers=token).respond_with_data(
        _body("project.json"), headers={"ETag": 'W/"p1"'}
    )
    api.expect_request(COMMITS, query_string=COMMITS_QUERY, headers=token).respond_with_data(
        _body("commits.json"), headers={"ETag": 'W/"c1"', "X-Next-Page": ""}
    )
    api.expect_request(
        CONTRIBUTORS, query_string=CONTRIBUTORS_QUERY, headers=token
    ).respond_with_data(_body("contributors.json"), headers={"ETag": 'W/"u1"'})

    with quick_client() as client:
        fetch = _fetch(client)

    project = _json("project.json")
    weekly = [0] * 52
    # 2026-03-01 17:22Z and 02-27 in the last week, 02-20 the week before, 2025-12-25 ten
    # weeks back, 2025-03-04 in the oldest week; 2025-03-03 06:00Z is just too old.
    weekly[51], weekly[50], weekly[42], weekly[0] = 2, 1, 1, 1
    assert fetch == RepoFetch(
        info=RepoInfo(
            stars=project["star_count"],
            forks=project["forks_count"],
            description=project["description"],
            archived=False,
            license="bsd-3-clause",
            open_issues=17,
            default_branch="main",
            homepage="",
            pushed_at=datetime(2026, 3, 1, 17, 40, 2, 114000, tzinfo=UTC),
        ),
        commits_over_52=weekly,
        # Ana Souza's two addresses are merged: 41 + 5 commits.
        participants=["Ana Souza", "Ben Okafor", "Chen Wei"],
        last_commit_at=datetime(2026, 3, 1, 17, 22, 10, tzinfo=UTC),
        total_commits=None,
        moved_to=None,
        etags={
            _url(api, PROJECT_URL): 'W/"p1"',
            _url(api, COMMITS_URL): 'W/"c1"',
            _url(api, CONTRIBUTORS_URL): 'W/"u1"',
        },
        requests=3,
        not_modified=0,
    )
    # Nested groups travel as one URL-encoded id.
    raw_uris = [request.environ["RAW_URI"] for request, _ in api.log]
    assert raw_uris[0] == f"/api/v4/projects/{ENCODED}?license=true"
    api.check_assertions()


def test_it_sends_no_token_header_without_a_token(api: HTTPServer) -> None:
    _serve_project(api)
    _serve_commits(api)
    _serve_contributors(api)
    with quick_client() as client:
        _fetch(client)
    assert all("PRIVATE-TOKEN" not in request.headers for request, _ in api.log)


def test_it_follows_three_pages_of_commits_and_contributors(api: HTTPServer) -> None:
    _serve_project(api)
    for page, next_page in (("1", "2"), ("2", "3"), ("3", "")):
        query = COMMITS_QUERY | ({"page": page} if page != "1" else {})
        api.expect_request(COMMITS, query_string=query).respond_with_data(
            _body(f"commits_page{page}.json"),
            headers={"X-Page": page, "X-Next-Page": next_page, "X-Per-Page": "100"},
        )
    # GitLab's Link headers name the project by its numeric id.
    by_id = "/api/v4/projects/48213377/repository/contributors"
    link = '<{}?order_by=commits&page={}&per_page=100&sort=desc>; rel="next"'
    api.expect_request(CONTRIBUTORS, query_string=CONTRIBUTORS_QUERY).respond_with_data(
        _body("contributors_page1.json"), headers={"Link": link.format(api.url_for(by_id), 2)}
    )
    api.expect_request(by_id, query_string=CONTRIBUTORS_QUERY | {"page": "2"}).respond_with_data(
        _body("contributors_page2.json"), headers={"Link": link.format(api.url_for(by_id), 3)}
    )
    api.expect_request(by_id, query_string=CONTRIBUTORS_QUERY | {"page": "3"}).respond_with_data(
        _body("contributors_page3.json")
    )

    with quick_client() as client:
        fetch = _fetch(client)

    weekly = [0] * 52
    weekly[51], weekly[44], weekly[12] = 2, 2, 1
    assert fetch.commits_over_52 == weekly
    assert fetch.last_commit_at == datetime(2026, 3, 2, 8, tzinfo=UTC)
    assert fetch.participants == ["Ana Souza", "Ben Okafor", "Chen Wei"]
    assert fetch.requests == 7
    # Only first pages are asked conditionally, so only they have ETags worth keeping.
    assert fetch.etags == {}
    api.check_assertions()


def test_it_reads_the_latest_commit_when_none_is_recent(api: HTTPServer) -> None:
    _serve_project(api)
    api.expect_request(COMMITS, query_string=COMMITS_QUERY).respond_with_json([])
    api.expect_request(COMMITS, query_string={"per_page": "1"}).respond_with_data(
        _body("commits_latest.json")
    )
    _serve_contributors(api)

    with quick_client() as client:
        fetch = _fetch(client)

    assert fetch.commits_over_52 == [0] * 52
    assert fetch.last_commit_at == datetime(2024, 11, 5, 16, 45, tzinfo=UTC)
    assert fetch.requests == 4


def test_it_reports_a_renamed_project_as_moved(api: HTTPServer) -> None:
    project = _json("project.json") | {
        "path_with_namespace": "jazz-collective/django/django-samples",
        "web_url": "https://gitlab.com/jazz-collective/django/django-samples",
    }
    api.expect_request(PROJECT, query_string={"license": "true"}).respond_with_json(project)
    _serve_commits(api)
    _serve_contributors(api)
    with quick_client() as client:
        fetch = _fetch(client)
    assert fetch.moved_to == "https://gitlab.com/jazz-collective/django/django-samples"


def test_it_reports_an_unexpected_shape_as_malformed(api: HTTPServer) -> None:
    project = _json("project.json")
    project["star_count"] = "many"
    api.expect_request(PROJECT).respond_with_json(project)
    with (
        quick_client() as client,
        pytest.raises(FetchFailed, match="star_count: Input should be a valid integer") as caught,
    ):
        _fetch(client)
    assert caught.value.reason == "malformed"
