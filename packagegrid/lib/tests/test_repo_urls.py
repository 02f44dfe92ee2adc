"""Repository URL parsing and normalisation."""

import pytest

from packagegrid.lib.repo_urls import InvalidRepoURL, parse_repo_url


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
