"""Parse and normalise repository URLs (ORM-free)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Host name -> the code host it belongs to.
KNOWN_HOSTS = {
    "github.com": "github",
    "www.github.com": "github",
    "gitlab.com": "gitlab",
    "www.gitlab.com": "gitlab",
    "bitbucket.org": "bitbucket",
    "www.bitbucket.org": "bitbucket",
    "codeberg.org": "codeberg",
}

_SSH = re.compile(r"^(?:ssh://)?git@(?P<host>[^:/]+)[:/](?P<path>.+)$")
# Path segments that start a page inside a repository rather than name it.
_REPO_PAGE_MARKERS = {"-", "tree", "blob", "src", "commits", "issues", "pulls", "wiki", "releases"}


class InvalidRepoURL(ValueError):
    """The text is not a repository URL."""


@dataclass(frozen=True)
class RepoRef:
    """A repository on a code host: `host` is a key of KNOWN_HOSTS' values or "other".

    `path` is the repository path (`owner/name`; GitLab allows nested groups `a/b/c`).
    """

    host: str
    netloc: str
    path: str

    @property
    def owner(self) -> str:
        return self.path.rsplit("/", 1)[0]

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def url(self) -> str:
        """The canonical https URL, without `.git`, trailing slash or sub-page."""
        return f"https://{self.netloc}/{self.path}"


def parse_repo_url(text: str) -> RepoRef:
    """Parse https, http and ssh (`git@host:owner/repo.git`) repository URLs.

    Drops `.git`, trailing slashes and sub-pages (`/tree/main/...`, `/-/issues`), and
    lower-cases the host. Raises InvalidRepoURL when no owner/name path can be read.

    >>> parse_repo_url("git@github.com:Owner/Repo.git").url
    'https://github.com/Owner/Repo'
    """
    text = text.strip()
    ssh = _SSH.match(text)
    if ssh:
        netloc, raw_path = ssh["host"].lower(), ssh["path"]
    else:
        if "://" not in text:
            text = "https://" + text
        try:
            parts = urlsplit(text)
            hostname = parts.hostname
        except ValueError:  # "[x](...)" reads as a malformed IPv6 host
            raise InvalidRepoURL(f"Not a repository URL: {text!r}") from None
        if parts.scheme not in {"http", "https"} or not hostname:
            raise InvalidRepoURL(f"Not a repository URL: {text!r}")
        netloc, raw_path = hostname.lower(), parts.path
    segments: list[str] = []
    for segment in raw_path.split("/"):
        if not segment:
            continue
        if segment in _REPO_PAGE_MARKERS and len(segments) >= 2:
            break
        segments.append(segment)
    host = KNOWN_HOSTS.get(netloc, "other")
    if host != "gitlab":
        segments = segments[:2]
    if segments and segments[-1].endswith(".git"):
        segments[-1] = segments[-1].removesuffix(".git")
    if len(segments) < 2 or not all(segments):
        raise InvalidRepoURL(f"No owner/repository path in {text!r}")
    if netloc.startswith("www."):
        netloc = netloc.removeprefix("www.")
    return RepoRef(host=host, netloc=netloc, path="/".join(segments))
