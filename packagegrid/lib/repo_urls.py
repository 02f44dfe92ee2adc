"""Parse and normalise repository URLs (ORM-free)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
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
# The characters code hosts allow in owner, group and repository names. Anything else
# (`%`, `~`, `\`, spaces...) is refused rather than passed on: the segments are pasted
# into API paths, so `..` or `%2e%2e` would walk out of the repository (`github.com/../..`
# would request `/` on the API host).
_SEGMENT = re.compile(r"[A-Za-z0-9_.-]+")
# GitHub user and organisation names are letters, digits and hyphens only.
_GITHUB_OWNER = re.compile(r"[A-Za-z0-9-]+")


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
    lower-cases the host. Raises InvalidRepoURL when no owner/name path can be read, or
    when a segment is `.` or `..` or holds a character the host does not allow in names
    (which includes `%`, so percent-encoded traversal is refused too).

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
    _check_segments(host, segments, text)
    if netloc.startswith("www."):
        netloc = netloc.removeprefix("www.")
    return RepoRef(host=host, netloc=netloc, path="/".join(segments))


def _check_segments(host: str, segments: list[str], text: str) -> None:
    for segment in segments:
        if segment in {".", ".."} or not _SEGMENT.fullmatch(segment):
            raise InvalidRepoURL(f"Not a valid owner or repository name in {text!r}")
    if host == "github" and not _GITHUB_OWNER.fullmatch(segments[0]):
        raise InvalidRepoURL(f"Not a valid GitHub owner in {text!r}")


def repo_key(repo: RepoRef) -> str:
    """The normalised repository key: `host/owner/name`, lower-cased.

    Two URLs name the same repository exactly when their keys are equal: scheme, `www.`,
    `.git`, trailing slashes, sub-pages and letter case are gone; GitLab's nested groups
    are kept (`gitlab.com/group/sub/project`).

    >>> repo_key(parse_repo_url("http://www.GitHub.com/Owner/Repo.git/"))
    'github.com/owner/repo'
    """
    return f"{repo.netloc}/{repo.path}".lower()


def repo_key_for_url(text: str) -> str | None:
    """`repo_key` of a repository URL, or None when `text` is empty or not one."""
    if not text:
        return None
    try:
        return repo_key(parse_repo_url(text))
    except InvalidRepoURL:
        return None


@dataclass(frozen=True)
class KeyClaim:
    """One package's claim on a repository key, as `assign_repo_keys` reads it."""

    id: int
    created: datetime
    slug: str
    repo_url: str


@dataclass(frozen=True)
class DuplicateKey:
    """Several packages name one repository: `kept` holds the key, `left` go without."""

    key: str
    kept: str
    left: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"{self.key}: kept on {self.kept!r} (the oldest); "
            f"left without a key: {', '.join(repr(slug) for slug in self.left)}"
        )


def assign_repo_keys(
    claims: Iterable[KeyClaim],
) -> tuple[dict[int, str | None], list[DuplicateKey]]:
    """Give each package its repository key, each key to one package only.

    Returns the key for every claim's id (None for an empty or unreadable URL, and for
    all but the oldest package of a repository: by `created`, then `id`) and the
    duplicates, sorted by key, with the slugs that kept and lost the key. Deterministic
    whatever the order of `claims`; used by the migration that introduced the key.
    """
    keys: dict[int, str | None] = {}
    holders: dict[str, list[KeyClaim]] = {}
    for claim in sorted(claims, key=lambda c: (c.created, c.id)):
        key = repo_key_for_url(claim.repo_url)
        if key is not None and key in holders:
            holders[key].append(claim)
            keys[claim.id] = None
            continue
        keys[claim.id] = key
        if key is not None:
            holders[key] = [claim]
    duplicates = [
        DuplicateKey(key=key, kept=group[0].slug, left=tuple(c.slug for c in group[1:]))
        for key, group in sorted(holders.items())
        if len(group) > 1
    ]
    return keys, duplicates
