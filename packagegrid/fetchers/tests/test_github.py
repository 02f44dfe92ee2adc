"""The GitHub client and the rate-limit budget against a local server with recorded responses."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer
from werkzeug import Request

from packagegrid.fetchers.github import github_repo_fetch
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.ratelimit import RateBudget
from packagegrid.fetchers.types import FetchFailed, RateLimitExhausted, RepoFetch, RepoInfo

FIXTURES = Path(__file__).parent / "fixtures" / "github"
REPO = "/repos/example/django-thing"
RENAMED = "/repos/new-home/django-thing-renamed"
BY_ID = "/repositories/123456789"
RESET = 1_768_929_000  # X-RateLimit-Reset, epoch seconds

# The weekly totals in commit_activity.json, oldest first.
WEEKLY = [
    11, 12, 6, 2, 11, 9, 8, 11, 14, 11, 10, 8, 7, 11, 17, 15, 24, 16, 5, 3, 19, 3, 11, 3, 15, 18,
    2, 5, 14, 12, 15, 9, 8, 15, 12, 6, 8, 14, 15, 4, 9, 15, 11, 7, 16, 14, 10, 14, 18, 11, 19, 8,
]  # fmt: skip
PAGE_1 = ["tim-maintainer", "carla-dev", "dependabot[bot]", "pre-commit-ci[bot]"]
PAGE_2 = ["mkowalski", "sofia-r", "jdoe", "ada-l"]
PAGE_3 = ["ravi-k", "noor-h"]  # and an anonymous entry, skipped


def _json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def _body(name: str) -> str:
    return (FIXTURES / name).read_text()


@pytest.fixture
def api(httpserver: HTTPServer, settings: Settings) -> HTTPServer:
    settings.GITHUB_API_URL = httpserver.url_for("").rstrip("/")
    settings.GITHUB_TOKEN = ""
    return httpserver


def _url(api: HTTPServer, path: str) -> str:
    """The exact URL the client asks for (and keys ETags by)."""
    return api.url_for(path)


def _asked(api: HTTPServer) -> list[Request]:
    """The requests this client made, oldest first.

    The test server answers one request at a time, so a slow request that another test
    gave up on can be answered (and logged) during this one; only GitHub's paths count.
    """
    return [
        request
        for request, _response in api.log
        if request.path.startswith(("/repos/", "/repositories/"))
    ]


def _fetch(
    *,
    etags: dict[str, str] | None = None,
    sleeps: list[float] | None = None,
    retries: int = 2,
    budget: RateBudget | None = None,
    token: str | None = None,
) -> RepoFetch:
    sleep = (sleeps if sleeps is not None else []).append
    with HttpClient(retries=retries, backoff=0.01, sleep=sleep) as client:
        return github_repo_fetch(
            client,
            owner="example",
            name="django-thing",
            etags=etags or {},
            budget=budget,
            token=token,
        )


def _limits(remaining: int, *, limit: int = 5000, reset: int = RESET) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Used": str(limit - remaining),
        "X-RateLimit-Reset": str(reset),
        "X-RateLimit-Resource": "core",
    }


def _respond(
    api: HTTPServer,
    path: str,
    name: str,
    *,
    query: dict[str, str] | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **more_headers: str,
) -> None:
    api.expect_request(path, query_string=query).respond_with_data(
        _body(name),
        status=status,
        content_type="application/json",
        headers={**(headers or {}), **more_headers},
    )


def _serve_repo(api: HTTPServer, *, repo_file: str = "repo.json") -> None:
    _respond(api, REPO, repo_file, ETag='W/"repo-1"')


def _serve_rest(api: HTTPServer, prefix: str = REPO) -> None:
    """Commit activity, one page of contributors and the latest commit under `prefix`."""
    _respond(api, f"{prefix}/stats/commit_activity", "commit_activity.json", ETag='W/"activity-1"')
    _respond(
        api,
        f"{prefix}/contributors",
        "contributors_page1.json",
        query={"per_page": "100"},
        ETag='W/"contributors-1"',
    )
    commits = api.url_for(f"{BY_ID}/commits")
    _respond(
        api,
        f"{prefix}/commits",
        "commits.json",
        query={"per_page": "1"},
        ETag='W/"commits-1"',
        Link=f'<{commits}?per_page=1&page=2>; rel="next", '
        f'<{commits}?per_page=1&page=2417>; rel="last"',
    )


def _urls(api: HTTPServer, prefix: str = REPO) -> dict[str, str]:
    return {
        "repo": _url(api, prefix),
        "activity": _url(api, f"{prefix}/stats/commit_activity"),
        "contributors": _url(api, f"{prefix}/contributors?per_page=100"),
        "commits": _url(api, f"{prefix}/commits?per_page=1"),
    }


def test_it_reads_every_field_of_a_repository(api: HTTPServer) -> None:
    _serve_repo(api)
    _serve_rest(api)

    fetch = _fetch()

    urls = _urls(api)
    assert fetch == RepoFetch(
        info=RepoInfo(
            stars=1873,
            forks=214,
            description="Reusable widgets for Django forms and the admin.",
            archived=False,
            license="BSD-3-Clause",
            open_issues=37,
            default_branch="main",
            homepage="https://django-thing.readthedocs.io/",
            pushed_at=datetime(2026, 1, 19, 22, 41, 7, tzinfo=UTC),
        ),
        commits_over_52=WEEKLY,
        participants=PAGE_1,
        last_commit_at=datetime(2026, 1, 19, 22, 41, 2, tzinfo=UTC),  # the committer's date
        total_commits=2417,
        moved_to=None,
        etags={
            urls["repo"]: 'W/"repo-1"',
            urls["activity"]: 'W/"activity-1"',
            urls["contributors"]: 'W/"contributors-1"',
            urls["commits"]: 'W/"commits-1"',
        },
        requests=4,
        not_modified=0,
    )
    assert len(_asked(api)) == 4
    for request in _asked(api):
        assert request.headers["Accept"] == "application/vnd.github+json"
        assert request.headers["X-GitHub-Api-Version"] == "2022-11-28"
        assert "Authorization" not in request.headers
        assert "If-None-Match" not in request.headers


def test_it_reads_contributors_from_every_page_in_order(api: HTTPServer) -> None:
    _serve_repo(api)
    _respond(api, f"{REPO}/stats/commit_activity", "commit_activity.json")
    _respond(api, f"{REPO}/commits", "commits.json", query={"per_page": "1"})
    pages = api.url_for(f"{BY_ID}/contributors") + "?per_page=100&page="
    _respond(
        api,
        f"{REPO}/contributors",
        "contributors_page1.json",
        query={"per_page": "100"},
        ETag='W/"contributors-2"',
        Link=f'<{pages}2>; rel="next", <{pages}3>; rel="last"',
    )
    _respond(
        api,
        f"{BY_ID}/contributors",
        "contributors_page2.json",
        query={"per_page": "100", "page": "2"},
        ETag='W/"page-2"',
        Link=f'<{pages}1>; rel="prev", <{pages}3>; rel="next", '
        f'<{pages}3>; rel="last", <{pages}1>; rel="first"',
    )
    _respond(
        api,
        f"{BY_ID}/contributors",
        "contributors_page3.json",
        query={"per_page": "100", "page": "3"},
        Link=f'<{pages}2>; rel="prev", <{pages}1>; rel="first"',
    )
    first_page = _url(api, f"{REPO}/contributors?per_page=100")

    fetch = _fetch(etags={first_page: 'W/"contributors-1"'})

    assert fetch.participants == PAGE_1 + PAGE_2 + PAGE_3
    assert fetch.requests == 6
    # Only the first page is conditional, so only its ETag is worth keeping.
    assert fetch.etags[first_page] == 'W/"contributors-2"'
    assert not any("&page=" in url for url in fetch.etags)
    sent = {
        request.full_path: request.headers.get("If-None-Match")
        for request in _asked(api)
        if "contributors" in request.path
    }
    assert sent == {
        f"{REPO}/contributors?per_page=100": 'W/"contributors-1"',
        f"{BY_ID}/contributors?per_page=100&page=2": None,
        f"{BY_ID}/contributors?per_page=100&page=3": None,
    }


def test_it_keeps_stored_activity_while_github_computes_it_then_reads_it(
    api: HTTPServer,
) -> None:
    _serve_repo(api)
    api.expect_oneshot_request(f"{REPO}/stats/commit_activity").respond_with_data(
        "{}", status=202, content_type="application/json"
    )
    _serve_rest(api)

    computing = _fetch()
    ready = _fetch()

    assert computing.commits_over_52 is None  # "keep what is stored", never zeros
    assert computing.info is not None
    assert computing.participants == PAGE_1
    assert _url(api, f"{REPO}/stats/commit_activity") not in computing.etags
    assert ready.commits_over_52 == WEEKLY


def test_it_follows_a_renamed_repository(api: HTTPServer) -> None:
    new_location = api.url_for(BY_ID)
    _respond(api, REPO, "moved_permanently.json", status=301, Location=new_location, ETag='"moved"')
    _respond(api, BY_ID, "repo_renamed.json", ETag='W/"repo-2"')
    _serve_rest(api, prefix=RENAMED)

    fetch = _fetch()

    assert fetch.moved_to == "https://github.com/new-home/django-thing-renamed"
    assert fetch.info is not None and fetch.info.stars == 1873
    assert fetch.commits_over_52 == WEEKLY
    assert fetch.participants == PAGE_1
    assert fetch.total_commits == 2417
    assert fetch.requests == 5  # the redirect counts
    assert fetch.etags[new_location] == 'W/"repo-2"'
    assert _url(api, REPO) not in fetch.etags
    assert _url(api, f"{RENAMED}/stats/commit_activity") in fetch.etags


def test_it_does_not_report_a_move_for_a_different_letter_case(api: HTTPServer) -> None:
    repo = _json("repo.json")
    repo["full_name"] = "Example/Django-Thing"
    api.expect_request(REPO).respond_with_json(repo)
    _serve_rest(api)

    assert _fetch().moved_to is None


def test_it_treats_an_empty_repository_as_having_no_commits(api: HTTPServer) -> None:
    _serve_repo(api)
    api.expect_request(f"{REPO}/stats/commit_activity").respond_with_data("", status=204)
    api.expect_request(f"{REPO}/contributors").respond_with_data("", status=204)
    _respond(api, f"{REPO}/commits", "empty_repository.json", status=409)

    fetch = _fetch()

    assert fetch.commits_over_52 == [0] * 52
    assert fetch.participants == []
    assert (fetch.last_commit_at, fetch.total_commits) == (None, 0)


def test_it_counts_the_commits_listed_when_there_is_one_page(api: HTTPServer) -> None:
    _serve_repo(api)
    _respond(api, f"{REPO}/stats/commit_activity", "commit_activity.json")
    _respond(api, f"{REPO}/contributors", "contributors_page1.json")
    commit = _json("commits.json")[0]
    commit["commit"]["committer"] = None
    api.expect_request(f"{REPO}/commits").respond_with_json([commit])

    fetch = _fetch()

    # The author's date when there is no committer.
    assert fetch.last_commit_at == datetime(2026, 1, 18, 10, 15, 30, tzinfo=UTC)
    assert fetch.total_commits == 1


def test_it_reads_a_license_without_spdx_id_and_missing_texts(api: HTTPServer) -> None:
    repo = _json("repo.json")
    repo["license"] = {
        "key": "other",
        "name": "Other",
        "spdx_id": "NOASSERTION",
        "url": None,
        "node_id": "MDc6TGljZW5zZTA=",
    }
    repo["description"] = None
    repo["homepage"] = None
    repo["archived"] = True
    api.expect_request(REPO).respond_with_json(repo)
    _serve_rest(api)

    info = _fetch().info

    assert info is not None
    assert (info.license, info.description, info.homepage, info.archived) == (
        "Other",
        "",
        "",
        True,
    )


def test_it_reports_a_body_that_does_not_match_the_documented_shape(api: HTTPServer) -> None:
    _serve_repo(api)
    weeks = _json("commit_activity.json")
    weeks[3]["total"] = "2"
    api.expect_request(f"{REPO}/stats/commit_activity").respond_with_json(weeks)

    with pytest.raises(FetchFailed) as caught:
        _fetch()

    assert (caught.value.reason, caught.value.permanent, caught.value.requests) == (
        "malformed",
        False,
        2,
    )


def test_it_sends_the_configured_token(api: HTTPServer, settings: Settings) -> None:
    settings.GITHUB_TOKEN = "github_pat_11EXAMPLE"
    _serve_repo(api)
    _serve_rest(api)

    _fetch()

    assert [request.headers.get("Authorization") for request in _asked(api)] == [
        "Bearer github_pat_11EXAMPLE"
    ] * 4


def test_it_prefers_a_token_passed_in(api: HTTPServer, settings: Settings) -> None:
    settings.GITHUB_TOKEN = "github_pat_from_settings"
    _serve_repo(api)
    _serve_rest(api)

    _fetch(token="github_pat_passed")

    assert {request.headers.get("Authorization") for request in _asked(api)} == {
        "Bearer github_pat_passed"
    }


def test_it_tells_the_budget_about_every_response(api: HTTPServer) -> None:
    _respond(api, REPO, "repo.json", headers=_limits(4321))
    _respond(api, f"{REPO}/stats/commit_activity", "commit_activity.json", headers=_limits(4320))
    _respond(api, f"{REPO}/contributors", "contributors_page1.json", headers=_limits(4318))
    _respond(api, f"{REPO}/commits", "commits.json", headers=_limits(4319))  # arrived out of order
    budget = RateBudget()

    _fetch(budget=budget)

    assert (budget.remaining, budget.limit) == (4318, 5000)
    assert budget.reset_at == datetime.fromtimestamp(RESET, tz=UTC)


def test_it_asks_nothing_when_the_budget_is_spent(api: HTTPServer) -> None:
    budget = RateBudget(clock=lambda: RESET - 3600.0)
    budget.observe(httpx.Response(200, headers=_limits(2)))

    with pytest.raises(RateLimitExhausted) as caught:
        _fetch(budget=budget)

    assert caught.value.retry_at == datetime.fromtimestamp(RESET, tz=UTC)
    assert caught.value.requests == 0
    assert _asked(api) == []


# RateBudget on its own, with a fake clock and sleep.

NOW = 1_700_000_000.0


def _budget(sleeps: list[float], **options: Any) -> RateBudget:
    return RateBudget(sleep=sleeps.append, clock=lambda: NOW, **options)


def _headers(remaining: int, *, reset_in: int, limit: int | None = 5000) -> httpx.Response:
    headers = {
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(NOW) + reset_in),
    }
    if limit is not None:
        headers["X-RateLimit-Limit"] = str(limit)
    return httpx.Response(200, headers=headers)


def test_it_does_not_wait_before_anything_is_known() -> None:
    sleeps: list[float] = []
    budget = _budget(sleeps)

    budget.before_request()

    assert sleeps == []
    assert (budget.remaining, budget.reset_at) == (None, None)


def test_it_does_not_wait_while_plenty_is_left() -> None:
    sleeps: list[float] = []
    budget = _budget(sleeps)
    budget.observe(_headers(4000, reset_in=600))

    budget.before_request()

    assert sleeps == []
    assert budget.remaining == 4000
    assert budget.reset_at == datetime.fromtimestamp(NOW + 600, tz=UTC)


def test_it_slows_down_to_spread_the_last_requests_until_the_reset() -> None:
    sleeps: list[float] = []
    budget = _budget(sleeps)
    budget.observe(_headers(405, reset_in=600))  # below 10% of 5000

    budget.before_request()

    assert sleeps == [1.5]  # 600 s over the 400 requests above the reserve of 5


def test_it_slows_down_by_a_bounded_delay() -> None:
    sleeps: list[float] = []
    budget = _budget(sleeps, max_delay=2.0)
    budget.observe(_headers(50, reset_in=3000, limit=None))  # below 100 when the limit is unknown

    budget.before_request()

    assert sleeps == [2.0]


def test_it_pauses_until_a_near_reset() -> None:
    sleeps: list[float] = []
    budget = _budget(sleeps)
    budget.observe(_headers(5, reset_in=30))

    budget.before_request()

    assert sleeps == [31.0]  # the reset plus a second's margin
    assert budget.remaining is None  # a new window: unknown until the next response


def test_it_raises_when_the_reset_is_far() -> None:
    sleeps: list[float] = []
    budget = _budget(sleeps)
    budget.observe(_headers(3, reset_in=600))

    with pytest.raises(RateLimitExhausted, match="stopping GitHub") as caught:
        budget.before_request()

    assert caught.value.retry_at == datetime.fromtimestamp(NOW + 600, tz=UTC)
    assert sleeps == []


def test_it_pauses_longer_when_allowed_to() -> None:
    sleeps: list[float] = []
    budget = _budget(sleeps, max_pause=900)
    budget.observe(_headers(0, reset_in=600))

    budget.before_request()

    assert sleeps == [601.0]


def test_it_forgets_a_spent_budget_once_the_reset_has_passed() -> None:
    sleeps: list[float] = []
    budget = _budget(sleeps)
    budget.observe(_headers(0, reset_in=-5))

    budget.before_request()

    assert sleeps == []


def test_it_keeps_the_lowest_count_of_a_window_and_starts_over_in_the_next() -> None:
    budget = _budget([])
    budget.observe(_headers(4000, reset_in=600))
    budget.observe(_headers(4002, reset_in=600))  # an earlier response, arriving late
    assert budget.remaining == 4000

    budget.observe(_headers(4999, reset_in=4200))  # the next window
    assert budget.remaining == 4999

    budget.observe(_headers(3999, reset_in=600))  # a straggler from the old window
    assert budget.remaining == 4999

    budget.observe(httpx.Response(200))  # no rate-limit headers at all
    assert budget.remaining == 4999


def test_it_reads_whether_the_repository_is_a_fork(api: HTTPServer) -> None:
    _serve_repo(api, repo_file="repo_fork.json")
    _serve_rest(api)
    fetch = _fetch()
    assert fetch.info is not None
    assert fetch.info.is_fork is True
