"""The GitHub rights client against a local server."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from packagegrid.fetchers.http import HttpClient
from packagegrid.maintainers.github import (
    BadCredentials,
    GitHubUnavailable,
    RepoNotVisible,
    github_repo_rights,
)
from packagegrid.maintainers.tests.conftest import grant


def _rights_of(token: str = "gho_alice") -> str:
    with HttpClient(retries=0) as client:
        rights = github_repo_rights(client, token=token, owner="example", name="django-thing")
    return rights.granted


def test_it_reads_admin_and_maintain_rights(github: HTTPServer) -> None:
    grant(github, admin=True)
    assert _rights_of() == "admin"
    github.clear()
    grant(github, maintain=True)
    assert _rights_of() == "maintain"
    github.clear()
    grant(github)
    assert _rights_of() == ""
    request, _ = github.log[0]
    assert request.headers["Authorization"] == "Bearer gho_alice"
    assert request.headers["X-GitHub-Api-Version"] == "2022-11-28"


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, BadCredentials), (404, RepoNotVisible), (403, RepoNotVisible), (502, GitHubUnavailable)],
)
def test_it_names_each_failure(github: HTTPServer, status: int, error: type[Exception]) -> None:
    grant(github, status=status)
    with pytest.raises(error):
        _rights_of()


def test_it_counts_a_malformed_answer_as_unavailable(github: HTTPServer) -> None:
    github.expect_request("/repos/example/django-thing").respond_with_data("[1, 2]")
    with pytest.raises(GitHubUnavailable):
        _rights_of()
