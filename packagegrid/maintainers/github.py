"""GitHub's answer to "may this person administer this repository?", for maintainer claims.

Network only, through packagegrid.fetchers.http: `github_repo_rights` returns the rights
GitHub grants the token's owner on one repository and never touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from pydantic import BaseModel, ConfigDict, ValidationError

from packagegrid.fetchers.http import HttpClient, HttpError

API_VERSION = "2022-11-28"


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True)


class _Permissions(_Strict):
    admin: bool = False
    maintain: bool = False


class _Repo(_Strict):
    full_name: str
    # Present only when the request is authenticated.
    permissions: _Permissions | None = None


class BadCredentials(Exception):
    """GitHub refused the token (401): revoked, expired or never valid."""


class RepoNotVisible(Exception):
    """The repository does not exist for this token (404, or 403 not from rate limiting)."""


class GitHubUnavailable(Exception):
    """GitHub could not answer now (timeout, 5xx, rate limit, malformed body): try later."""


@dataclass(frozen=True, slots=True)
class RepoRights:
    full_name: str  # "owner/name" as GitHub spells it
    admin: bool
    maintain: bool

    @property
    def granted(self) -> str:
        """ "admin" or "maintain" when the token's owner may claim the package, else ""."""
        if self.admin:
            return "admin"
        if self.maintain:
            return "maintain"
        return ""


def _headers(token: str) -> dict[str, str]:
    return {
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {token}",
        "X-GitHub-Api-Version": API_VERSION,
    }


def _get(client: HttpClient, url: str, token: str) -> bytes:
    """The body of a 200 answer; the named exceptions for everything else."""
    try:
        response = client.request("GET", url, headers=_headers(token))
    except HttpError as error:
        raise GitHubUnavailable(str(error)) from None
    status = response.status_code
    if status == 200:
        return response.content
    if status == 401:
        raise BadCredentials("GitHub refused the stored token.")
    if status == 403 and response.headers.get("X-RateLimit-Remaining") == "0":
        raise GitHubUnavailable("GitHub's rate limit for this token is used up.")
    if status in (403, 404):
        raise RepoNotVisible("GitHub does not show this repository to this account.")
    raise GitHubUnavailable(f"GitHub answered HTTP {status}.")


def github_repo_rights(client: HttpClient, *, token: str, owner: str, name: str) -> RepoRights:
    """What GitHub lets the owner of `token` do on `owner/name`.

    Raises BadCredentials, RepoNotVisible or GitHubUnavailable (see each). A renamed
    repository (301) counts as unavailable: its package must be fetched again first.
    """
    base = settings.GITHUB_API_URL.rstrip("/")
    url = f"{base}/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
    # Reference: https://docs.github.com/en/rest/repos/repos#get-a-repository
    body = _get(client, url, token)
    try:
        repo = _Repo.model_validate_json(body, strict=True)
    except ValidationError:
        raise GitHubUnavailable("GitHub's answer about the repository was malformed.") from None
    permissions = repo.permissions or _Permissions()
    return RepoRights(
        full_name=repo.full_name, admin=permissions.admin, maintain=permissions.maintain
    )
