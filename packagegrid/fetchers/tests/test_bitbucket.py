"""The Bitbucket Cloud client against a local HTTP server serving recorded 2.0 responses."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer

from packagegrid.fetchers.bitbucket import bitbucket_repo_fetch
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.tests.support import quick_client
from packagegrid.fetchers.types import FetchFailed, RepoFetch, RepoInfo

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FIXTURES = Path(__file__).parent / "fixtures" / "bitbucket"
RECORDED_API = "https://api.bitbucket.org/2.0"
REPO = "/2.0/repositories/atlassian-labs/django-sample"
WATCHERS = f"{REPO}/watchers"
FORKS = f"{REPO}/forks"
COMMITS = f"{REPO}/commits"
ONE = {"pagelen": "1"}
HUNDRED = {"pagelen": "100"}


@pytest.fixture
def api(httpserver: HTTPServer, settings: Settings) -> HTTPServer:
    settings.BITBUCKET_API_URL = httpserver.url_for("/2.0")
    return httpserver


def _body(api: HTTPServer, name: str) -> str:
    """A recorded response, its absolute links pointed at the local server."""
    return (FIXTURES / name).read_text().replace(RECORDED_API, api.url_for("/2.0"))


def _json(api: HTTPServer, name: str) -> Any:
    return json.loads(_body(api, name))


def _serve_info(api: HTTPServer) -> None:
    api.expect_request(REPO).respond_with_data(
        _body(api, "repository.json"), content_type="application/json", headers={"ETag": '"r1"'}
    )
    api.expect_request(WATCHERS, query_string=ONE).respond_with_data(
        _body(api, "watchers.json"), content_type="application/json", headers={"ETag": '"w1"'}
    )
    api.expect_request(FORKS, query_string=ONE).respond_with_data(
        _body(api, "forks.json"), content_type="application/json", headers={"ETag": '"f1"'}
    )


def _serve_commits(api: HTTPServer, name: str = "commits.json") -> None:
    api.expect_request(COMMITS, query_string=HUNDRED).respond_with_data(
        _body(api, name), content_type="application/json", headers={"ETag": '"c1"'}
    )


def _fetch(client: HttpClient, etags: dict[str, str] | None = None) -> RepoFetch:
    return bitbucket_repo_fetch(
        client, workspace="atlassian-labs", slug="django-sample", etags=etags or {}, now=NOW
    )


def _etags(api: HTTPServer) -> dict[str, str]:
    return {
        api.url_for(REPO): '"r1"',
        api.url_for(WATCHERS) + "?pagelen=1": '"w1"',
        api.url_for(FORKS) + "?pagelen=1": '"f1"',
        api.url_for(COMMITS) + "?pagelen=100": '"c1"',
    }


def test_it_reads_the_repository_its_counts_and_its_commits(api: HTTPServer) -> None:
    _serve_info(api)
    _serve_commits(api)

    with quick_client() as client:
        fetch = _fetch(client)

    repo = _json(api, "repository.json")
    weekly = [0] * 52
    # 2026-03-01, 02-27 and 02-26 in the last week, 02-20 the week before, 2025-12-25 ten
    # weeks back; 2025-02-01 is older than 52 weeks, so its page's `next` is not followed.
    weekly[51], weekly[50], weekly[42] = 3, 1, 1
    assert fetch == RepoFetch(
        info=RepoInfo(
            stars=37,
            forks=4,
            description=repo["description"],
            archived=False,
            license="",
            open_issues=None,
            default_branch="main",
            homepage="https://django-sample.readthedocs.io/",
            pushed_at=datetime(2026, 2, 28, 16, 2, 11, 112233, tzinfo=UTC),
        ),
        commits_over_52=weekly,
        # Nicknames where Bitbucket knows the user, else the name without the address;
        # chenwei's only commit is older than 52 weeks.
        participants=["anasouza", "Build Bot", "bokafor"],
        last_commit_at=datetime(2026, 3, 1, 17, 22, 10, tzinfo=UTC),
        total_commits=None,
        moved_to=None,
        etags=_etags(api),
        requests=4,
        not_modified=0,
    )
    api.check_assertions()


def test_it_follows_next_links_over_three_pages(api: HTTPServer) -> None:
    _serve_info(api)
    _serve_commits(api, "commits_page1.json")
    api.expect_request(COMMITS, query_string=HUNDRED | {"page": "p2tok"}).respond_with_data(
        _body(api, "commits_page2.json")
    )
    api.expect_request(COMMITS, query_string=HUNDRED | {"page": "p3tok"}).respond_with_data(
        _body(api, "commits_page3.json")
    )

    with quick_client() as client:
        fetch = _fetch(client)

    weekly = [0] * 52
    weekly[51], weekly[44], weekly[12] = 2, 2, 1
    assert fetch.commits_over_52 == weekly
    assert fetch.last_commit_at == datetime(2026, 3, 2, 8, tzinfo=UTC)
    assert fetch.participants == ["anasouza", "bokafor", "chenwei"]
    assert fetch.requests == 6
    api.check_assertions()


def test_it_reads_at_most_ten_pages_of_commits(api: HTTPServer) -> None:
    _serve_info(api)
    endless = _json(api, "commits_page1.json")
    endless["next"] = api.url_for(COMMITS) + "?pagelen=100&page=again"
    api.expect_request(COMMITS).respond_with_json(endless)

    with quick_client() as client:
        fetch = _fetch(client)

    assert fetch.requests == 3 + 10
    assert sum(fetch.commits_over_52 or []) == 20


def test_it_refuses_a_next_link_to_another_site(api: HTTPServer) -> None:
    _serve_info(api)
    page = _json(api, "commits_page1.json")
    page["next"] = "https://elsewhere.example/2.0/repositories/x/y/commits?page=2"
    api.expect_request(COMMITS).respond_with_json(page)
    with quick_client() as client, pytest.raises(FetchFailed, match="elsewhere") as caught:
        _fetch(client)
    assert caught.value.reason == "malformed"


def test_it_asks_again_for_unchanged_parts_when_another_changed(api: HTTPServer) -> None:
    etags = _etags(api)
    for path, query, etag in (
        (REPO, None, '"r1"'),
        (FORKS, ONE, '"f1"'),
        (COMMITS, HUNDRED, '"c1"'),
    ):
        api.expect_request(
            path, query_string=query, headers={"If-None-Match": etag}
        ).respond_with_data("", status=304, headers={"ETag": etag})
    watchers = _json(api, "watchers.json") | {"size": 38}
    api.expect_request(WATCHERS, query_string=ONE).respond_with_json(
        watchers, headers={"ETag": '"w2"'}
    )
    _serve_info(api)  # the unconditional requests for the repository and its forks

    with quick_client() as client:
        fetch = _fetch(client, etags)

    assert fetch.info is not None
    assert (fetch.info.stars, fetch.info.forks, fetch.info.default_branch) == (38, 4, "main")
    assert fetch.commits_over_52 is None
    assert fetch.etags == etags | {api.url_for(WATCHERS) + "?pagelen=1": '"w2"'}
    assert (fetch.requests, fetch.not_modified) == (6, 3)
