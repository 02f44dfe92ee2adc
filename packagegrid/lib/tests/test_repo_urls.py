"""Repository URL parsing and normalisation."""

import pytest

from packagegrid.lib.repo_urls import InvalidRepoURL, parse_repo_url, repo_key_for_url


@pytest.mark.parametrize(
    ("text", "host", "url"),
    [
        (
            "https://github.com/jazzband/django-axes",
            "github",
            "https://github.com/jazzband/django-axes",
        ),
        (
            "http://github.com/jazzband/django-axes/",
            "github",
            "https://github.com/jazzband/django-axes",
        ),
        ("https://www.github.com/a/b.git", "github", "https://github.com/a/b"),
        ("git@github.com:Owner/Repo.git", "github", "https://github.com/Owner/Repo"),
        ("ssh://git@github.com/owner/repo.git", "github", "https://github.com/owner/repo"),
        ("github.com/owner/repo/tree/main/docs", "github", "https://github.com/owner/repo"),
        ("https://GitHub.com/owner/repo/issues/3", "github", "https://github.com/owner/repo"),
        (
            "https://bitbucket.org/kmike/django-chart-tools",
            "bitbucket",
            "https://bitbucket.org/kmike/django-chart-tools",
        ),
        (
            "https://gitlab.com/group/sub/project/-/tree/main",
            "gitlab",
            "https://gitlab.com/group/sub/project",
        ),
        ("https://codeberg.org/owner/repo", "codeberg", "https://codeberg.org/owner/repo"),
        ("https://code.google.com/p/django-x", "other", "https://code.google.com/p/django-x"),
    ],
)
def test_it_normalises_repository_urls(text: str, host: str, url: str) -> None:
    ref = parse_repo_url(text)
    assert (ref.host, ref.url) == (host, url)


def test_it_splits_owner_and_name_with_nested_gitlab_groups() -> None:
    ref = parse_repo_url("https://gitlab.com/a/b/c")
    assert (ref.owner, ref.name, ref.path) == ("a/b", "c", "a/b/c")


@pytest.mark.parametrize(
    "text", ["", "not a url", "https://github.com/", "https://github.com/only-owner", "ftp://x/y/z"]
)
def test_it_rejects_text_without_an_owner_and_name(text: str) -> None:
    with pytest.raises(InvalidRepoURL):
        parse_repo_url(text)


@pytest.mark.parametrize(
    "text",
    [
        "github.com/../..",
        "https://github.com/../..",
        "https://github.com/owner/..",
        "https://github.com/./repo",
        "https://github.com/%2e%2e/%2e%2e",
        "https://github.com/owner/%2E%2E",
        "https://github.com/owner/re%2Fpo",
        "git@github.com:../...git",
        "https://gitlab.com/group/../../project",
        "https://gitlab.com/group/%2e%2e/project",
        "https://bitbucket.org/ws/re po",
        "https://codeberg.org/owner/re~po",
        "https://github.com/own_er/repo",
        "https://github.com/owner/.git",
    ],
)
def test_it_rejects_traversal_and_characters_hosts_do_not_allow(text: str) -> None:
    with pytest.raises(InvalidRepoURL):
        parse_repo_url(text)


def test_it_accepts_the_characters_hosts_allow() -> None:
    ref = parse_repo_url("https://github.com/Some-Org/my_repo.v2")
    assert ref.path == "Some-Org/my_repo.v2"
    assert parse_repo_url("https://github.com/owner/.github").name == ".github"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("https://github.com/Owner/Repo", "github.com/owner/repo"),
        ("http://github.com/owner/repo/", "github.com/owner/repo"),
        ("https://www.github.com/owner/repo.git", "github.com/owner/repo"),
        ("github.com/OWNER/repo", "github.com/owner/repo"),
        ("git@github.com:owner/repo.git", "github.com/owner/repo"),
        ("https://github.com/owner/repo/tree/main/docs", "github.com/owner/repo"),
        ("https://gitlab.com/Group/Sub/Project/-/issues", "gitlab.com/group/sub/project"),
        ("https://www.gitlab.com/group/project.git", "gitlab.com/group/project"),
        ("https://bitbucket.org/ws/slug/src/main/", "bitbucket.org/ws/slug"),
        ("https://codeberg.org/Owner/Repo", "codeberg.org/owner/repo"),
        ("", None),
        ("not a url", None),
        ("https://github.com/../..", None),
    ],
)
def test_it_computes_one_normalised_repository_key(text: str, key: str | None) -> None:
    assert repo_key_for_url(text) == key
