"""What every API client shares, tested once over all of them: 304s, timeouts, retries,
rate limits, error mapping and redirects (all decided by `ConditionalFetcher` and
`HttpClient`). Each client's own behaviour is tested in its own `test_<client>.py`.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

import pytest
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from packagegrid.fetchers.bitbucket import bitbucket_repo_fetch
from packagegrid.fetchers.codeberg import codeberg_repo_fetch
from packagegrid.fetchers.github import github_repo_fetch
from packagegrid.fetchers.gitlab import gitlab_repo_fetch
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.pypi import pypi_project_fetch
from packagegrid.fetchers.pypistats import DownloadsFetch, pypistats_fetch
from packagegrid.fetchers.tests.support import drain, quick_client
from packagegrid.fetchers.types import FetchFailed, PyPIFetch, RateLimitExhausted, RepoFetch

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
RESET = 1_772_456_400  # 2026-03-02 13:00 UTC, epoch seconds


@dataclass(frozen=True)
class Client:
    """One API client as the shared tests drive it."""

    name: str
    fetch: Callable[[HttpClient, dict[str, str]], RepoFetch | PyPIFetch | DownloadsFetch]
    # Every URL the client asks conditionally, in order, as it sends them (path and query).
    conditional: tuple[str, ...]
    nothing_new: type[RepoFetch] | type[PyPIFetch] | type[DownloadsFetch] = RepoFetch
    # GitHub follows renames that chain (a transfer after a rename); the others one hop.
    max_redirects: int = 1

    @property
    def first(self) -> str:
        """The path of the first request, as the server sees it."""
        return unquote(urlsplit(self.conditional[0]).path)


GITHUB_REPO = "/repos/example/django-thing"
GITLAB_PROJECT = "/api/v4/projects/jazz-collective%2Fdjango%2Fdjango-sample"
BITBUCKET_REPO = "/2.0/repositories/atlassian-labs/django-sample"
CODEBERG_REPO = "/api/v1/repos/jazz/django-sample"

CLIENTS = [
    Client(
        "github",
        lambda client, etags: github_repo_fetch(
            client, owner="example", name="django-thing", etags=etags, now=NOW
        ),
        (
            GITHUB_REPO,
            f"{GITHUB_REPO}/stats/commit_activity",
            f"{GITHUB_REPO}/contributors?per_page=100",
            f"{GITHUB_REPO}/commits?per_page=1",
        ),
        max_redirects=3,
    ),
    Client(
        "gitlab",
        lambda client, etags: gitlab_repo_fetch(
            client, path="jazz-collective/django/django-sample", etags=etags, now=NOW
        ),
        (
            f"{GITLAB_PROJECT}?license=true",
            f"{GITLAB_PROJECT}/repository/commits?since=2025-03-03T00%3A00%3A00Z&per_page=100",
            f"{GITLAB_PROJECT}/repository/contributors?order_by=commits&sort=desc&per_page=100",
        ),
    ),
    Client(
        "bitbucket",
        lambda client, etags: bitbucket_repo_fetch(
            client, workspace="atlassian-labs", slug="django-sample", etags=etags, now=NOW
        ),
        (
            BITBUCKET_REPO,
            f"{BITBUCKET_REPO}/watchers?pagelen=1",
            f"{BITBUCKET_REPO}/forks?pagelen=1",
            f"{BITBUCKET_REPO}/commits?pagelen=100",
        ),
    ),
    Client(
        "codeberg",
        lambda client, etags: codeberg_repo_fetch(
            client, owner="jazz", name="django-sample", etags=etags, now=NOW
        ),
        (
            CODEBERG_REPO,
            f"{CODEBERG_REPO}/commits?since=2025-03-03T00%3A00%3A00Z&limit=50&page=1"
            "&stat=false&verification=false&files=false",
        ),
    ),
    Client(
        "pypi",
        lambda client, etags: pypi_project_fetch(
            client, name="django-sample", etags=etags, now=NOW
        ),
        ("/pypi/django-sample/json",),
        nothing_new=PyPIFetch,
    ),
    Client(
        "pypistats",
        lambda client, etags: pypistats_fetch(client, name="Django_Sample", etags=etags, now=NOW),
        (
            "/api/packages/django-sample/recent",
            "/api/packages/django-sample/overall?mirrors=false",
        ),
        nothing_new=DownloadsFetch,
    ),
]


@pytest.fixture(params=CLIENTS, ids=[client.name for client in CLIENTS])
def client_case(request: pytest.FixtureRequest) -> Client:
    case: Client = request.param
    return case


@pytest.fixture
def api(httpserver: HTTPServer, settings: Settings) -> HTTPServer:
    """One local server standing in for every provider (their paths do not overlap)."""
    root = httpserver.url_for("").rstrip("/")
    settings.GITHUB_API_URL = root
    settings.GITLAB_API_URL = f"{root}/api/v4"
    settings.BITBUCKET_API_URL = f"{root}/2.0"
    settings.CODEBERG_API_URL = f"{root}/api/v1"
    settings.PYPI_URL = root
    settings.PYPISTATS_URL = root
    settings.GITHUB_TOKEN = ""
    settings.GITLAB_TOKEN = ""
    return httpserver


def _fetch_failure(case: Client, sleeps: list[float] | None = None) -> FetchFailed:
    with quick_client(sleeps) as client, pytest.raises(FetchFailed) as caught:
        case.fetch(client, {})
    return caught.value


def test_it_sends_stored_etags_and_reports_304_as_nothing_new(
    api: HTTPServer, client_case: Client
) -> None:
    etags = {}
    for number, sent in enumerate(client_case.conditional):
        path, _, query = sent.partition("?")
        etag = f'W/"etag-{number}"'
        etags[api.url_for(path) + (f"?{query}" if query else "")] = etag
        api.expect_ordered_request(
            unquote(path), query_string=query, headers={"If-None-Match": etag}
        ).respond_with_data("", status=304, headers={"ETag": etag})
    count = len(client_case.conditional)

    with quick_client() as client:
        fetch = client_case.fetch(client, etags)

    assert fetch == client_case.nothing_new(etags=etags, requests=count, not_modified=count)
    api.check_assertions()


def test_it_keeps_the_new_etag_of_a_304(api: HTTPServer, client_case: Client) -> None:
    urls = []
    for sent in client_case.conditional:
        path, _, query = sent.partition("?")
        urls.append(api.url_for(path) + (f"?{query}" if query else ""))
        api.expect_request(unquote(path), query_string=query).respond_with_data(
            "", status=304, headers={"ETag": '"new"'} if len(urls) == 1 else {}
        )

    with quick_client() as client:
        fetch = client_case.fetch(client, dict.fromkeys(urls, '"old"'))

    # RFC 9110: a 304 carries the ETag a 200 would have; without one the stored one stays.
    assert fetch.etags == {urls[0]: '"new"'} | dict.fromkeys(urls[1:], '"old"')


def test_it_reports_a_timeout_after_the_retries(
    api: HTTPServer, client_case: Client, settings: Settings
) -> None:
    settings.HTTP_TIMEOUT_SECONDS = 0.2
    released = threading.Event()

    def slow(request: Request) -> Response:
        released.wait(0.5)  # longer than the timeout
        return Response("{}", content_type="application/json")

    api.expect_request(client_case.first).respond_with_handler(slow)
    sleeps: list[float] = []
    with quick_client(sleeps) as client:
        with pytest.raises(FetchFailed, match="timed out") as caught:
            client_case.fetch(client, {})
        attempts = client.requests_made
    drain(api, released, requests=3)

    assert type(caught.value) is FetchFailed
    assert (caught.value.reason, caught.value.permanent, caught.value.requests) == (
        "timeout",
        False,
        1,
    )
    assert (attempts, len(sleeps)) == (3, 2)


def test_it_retries_a_server_error_and_reads_the_answer_after_it(
    api: HTTPServer, client_case: Client
) -> None:
    api.expect_oneshot_request(client_case.first).respond_with_data("Bad Gateway", status=502)
    api.expect_request(client_case.first).respond_with_json({"message": "Not Found"}, status=404)
    sleeps: list[float] = []

    with quick_client(sleeps) as client:
        with pytest.raises(FetchFailed) as caught:
            client_case.fetch(client, {})
        attempts = client.requests_made

    # The retry is the HTTP client's: one request of the fetch, two attempts.
    assert (caught.value.reason, caught.value.requests, attempts, len(sleeps)) == (
        "not_found",
        1,
        2,
        1,
    )


def test_it_reports_a_server_error_that_outlasts_the_retries(
    api: HTTPServer, client_case: Client
) -> None:
    api.expect_request(client_case.first).respond_with_data("unicorn", status=503)
    sleeps: list[float] = []

    failure = _fetch_failure(client_case, sleeps)

    assert type(failure) is FetchFailed
    assert (failure.reason, failure.permanent, failure.requests) == ("server_error", False, 1)
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    ("headers", "retry_at"),
    [
        # GitHub's names; the reset is a Unix time.
        (
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(RESET)},
            datetime(2026, 3, 2, 13, 0, tzinfo=UTC),
        ),
        # GitLab's (IETF draft) names.
        (
            {"RateLimit-Remaining": "0", "RateLimit-Reset": str(RESET)},
            datetime(2026, 3, 2, 13, 0, tzinfo=UTC),
        ),
        # A small reset is seconds from now.
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "600"}, NOW + timedelta(minutes=10)),
        # Spent without a reset: Retry-After, else a minute.
        ({"RateLimit-Remaining": "0", "Retry-After": "90"}, NOW + timedelta(seconds=90)),
        ({"X-RateLimit-Remaining": "0"}, NOW + timedelta(minutes=1)),
        # A secondary limit: a 403 with Retry-After (seconds or an HTTP date).
        ({"Retry-After": "120"}, NOW + timedelta(seconds=120)),
        ({"Retry-After": "Mon, 02 Mar 2026 12:30:00 GMT"}, NOW + timedelta(minutes=30)),
    ],
    ids=["x-epoch", "ietf-epoch", "x-seconds", "spent-retry-after", "spent-only", "retry-after",
         "retry-after-date"],
)  # fmt: skip
def test_it_stops_when_a_403_says_the_rate_limit_is_spent(
    api: HTTPServer, client_case: Client, headers: dict[str, str], retry_at: datetime
) -> None:
    api.expect_request(client_case.first).respond_with_json(
        {"message": "Forbidden"}, status=403, headers=headers
    )
    sleeps: list[float] = []

    failure = _fetch_failure(client_case, sleeps)

    assert isinstance(failure, RateLimitExhausted)
    assert (failure.retry_at, failure.reason, failure.permanent, failure.requests) == (
        retry_at,
        "rate_limited",
        False,
        1,
    )
    assert sleeps == []  # a 403 is not retried


def test_it_stops_at_a_403_whose_message_names_the_rate_limit(
    api: HTTPServer, client_case: Client
) -> None:
    api.expect_request(client_case.first).respond_with_json(
        {"message": "You have exceeded a secondary rate limit."}, status=403
    )
    failure = _fetch_failure(client_case)
    assert isinstance(failure, RateLimitExhausted)
    assert failure.retry_at == NOW + timedelta(minutes=1)


def test_it_stops_when_429_outlasts_the_retries(api: HTTPServer, client_case: Client) -> None:
    api.expect_request(client_case.first).respond_with_data(
        "Too Many Requests", status=429, headers={"Retry-After": "5"}
    )
    sleeps: list[float] = []

    failure = _fetch_failure(client_case, sleeps)

    assert isinstance(failure, RateLimitExhausted)
    assert sleeps == [5.0, 5.0]  # the HTTP client waited as told between its attempts
    assert (failure.retry_at, failure.reason, failure.permanent, failure.requests) == (
        NOW + timedelta(seconds=5),
        "rate_limited",
        False,
        1,
    )


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (404, "not_found"),
        (410, "not_found"),
        (401, "client_error"),
        (403, "client_error"),  # a plain 403 is no rate limit
        (451, "client_error"),
    ],
)
def test_it_reports_a_client_error_as_permanent(
    api: HTTPServer, client_case: Client, status: int, reason: str
) -> None:
    api.expect_request(client_case.first).respond_with_json({"message": "No"}, status=status)
    sleeps: list[float] = []

    failure = _fetch_failure(client_case, sleeps)

    assert type(failure) is FetchFailed
    assert (failure.reason, failure.permanent, failure.requests) == (reason, True, 1)
    assert str(status) in str(failure)
    assert sleeps == []  # never retried


def test_it_reports_malformed_json_as_transient(api: HTTPServer, client_case: Client) -> None:
    api.expect_request(client_case.first).respond_with_data(
        '{"name": "django-sample", "sta', content_type="application/json"
    )
    failure = _fetch_failure(client_case)
    assert (failure.reason, failure.permanent, failure.requests) == ("malformed", False, 1)
    assert "malformed" in str(failure)


def test_it_refuses_a_redirect_off_the_api_host(api: HTTPServer, client_case: Client) -> None:
    api.expect_request(client_case.first).respond_with_data(
        "", status=301, headers={"Location": "https://elsewhere.example/moved"}
    )
    failure = _fetch_failure(client_case)
    assert (failure.reason, failure.permanent, failure.requests) == ("client_error", True, 1)
    assert "elsewhere.example" in str(failure)
    assert len(api.log) == 1


def test_it_refuses_a_redirect_without_a_location(api: HTTPServer, client_case: Client) -> None:
    api.expect_request(client_case.first).respond_with_data("", status=302)
    failure = _fetch_failure(client_case)
    assert (failure.reason, failure.permanent) == ("client_error", True)


def test_it_stops_following_a_redirect_chain(api: HTTPServer, client_case: Client) -> None:
    api.expect_request(client_case.first).respond_with_data(
        "", status=301, headers={"Location": api.url_for(client_case.first)}
    )
    failure = _fetch_failure(client_case)
    assert (failure.reason, failure.permanent) == ("client_error", True)
    assert failure.requests == client_case.max_redirects + 1
    assert "redirected more than" in str(failure)
