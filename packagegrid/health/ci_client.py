"""GitHub contents API client for CI files: tox.ini, noxfile.py and workflow files.

Network only: `github_ci_fetch` returns a `CIFetch` and never touches the database. Every
request is conditional (stored ETags, so an unchanged file costs a 304), goes through the
shared `ConditionalFetcher` and may be given its own `RateBudget`: CI is an optional
source, fetched apart from the repository's numbers.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote, unquote

from django.conf import settings
from pydantic import BaseModel, ConfigDict, RootModel

from packagegrid.fetchers.conditional import ConditionalFetcher
from packagegrid.fetchers.github import github_fetcher
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.ratelimit import RateBudget
from packagegrid.health.ci import Matrix, nox_versions, tox_versions, workflow_versions

ROOT_FILES: dict[str, Callable[[str], Matrix]] = {
    "tox.ini": tox_versions,
    "noxfile.py": nox_versions,
}
WORKFLOWS_DIR = ".github/workflows"
# Workflow files read per repository; the rest of a long directory is skipped.
MAX_WORKFLOWS = 10
MAX_FILE_BYTES = 200_000


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True)


class _File(_Strict):
    type: str
    path: str
    size: int = 0
    encoding: str | None = None
    content: str | None = None


class _Entry(_Strict):
    type: str
    name: str
    path: str


class _Directory(RootModel[list[_Entry]]):
    model_config = ConfigDict(strict=True)


@dataclass(frozen=True)
class CIFetch:
    """The versions each CI file names; a path mapped to None was unchanged (304).

    A file absent from `files` does not exist (any more).
    """

    files: dict[str, Matrix | None] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    not_modified: int = 0


def _contents_url(owner: str, name: str, path: str) -> str:
    api = settings.GITHUB_API_URL.rstrip("/")
    return f"{api}/repos/{quote(owner, safe='')}/{quote(name, safe='')}/contents/{path}"


def _decoded(file: _File) -> str | None:
    if file.type != "file" or file.encoding != "base64" or file.content is None:
        return None
    if file.size > MAX_FILE_BYTES:
        return None
    try:
        return base64.b64decode(file.content).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return None


def _file_versions(
    fetcher: ConditionalFetcher, url: str, parse: Callable[[str], Matrix]
) -> tuple[bool, Matrix | None]:
    """(exists, versions) of one file; versions None when unchanged (304)."""
    # Reference: https://docs.github.com/en/rest/repos/contents#get-repository-content
    response = fetcher.response(url, accept=frozenset({404}))
    if response.status_code == 404:
        return False, None
    if response.status_code == 304:
        return True, None
    text = _decoded(fetcher.parse(_File, response, url))
    if text is None:
        return False, None
    return True, parse(text)


def github_ci_fetch(
    client: HttpClient,
    *,
    owner: str,
    name: str,
    etags: Mapping[str, str],
    budget: RateBudget | None = None,
    token: str | None = None,
    now: datetime | None = None,
) -> CIFetch:
    """The CI versions of `owner/name`: tox.ini and noxfile.py at the root, and the first
    MAX_WORKFLOWS `.yml`/`.yaml` files of `.github/workflows`.

    A missing file or directory (404) is simply absent. When the workflow directory
    answers 304 its files are asked again conditionally under their own ETags.
    Raises FetchFailed / RateLimitExhausted as `ConditionalFetcher.response` does.
    """
    fetcher = github_fetcher(client, etags=etags, token=token, now=now, budget=budget)
    files: dict[str, Matrix | None] = {}
    for path, parse in ROOT_FILES.items():
        exists, versions = _file_versions(fetcher, _contents_url(owner, name, path), parse)
        if exists:
            files[path] = versions
    directory_url = _contents_url(owner, name, WORKFLOWS_DIR)
    response = fetcher.response(directory_url, accept=frozenset({404}))
    if response.status_code == 200:
        entries = fetcher.parse(_Directory, response, directory_url).root
        workflow_paths = [
            entry.path
            for entry in entries
            if entry.type == "file" and entry.name.endswith((".yml", ".yaml"))
        ][:MAX_WORKFLOWS]
    elif response.status_code == 304:
        # Unchanged directory: the workflow files are the ones whose ETags are stored.
        prefix = _contents_url(owner, name, WORKFLOWS_DIR + "/")
        workflow_paths = [
            unquote(url.removeprefix(_contents_url(owner, name, "")))
            for url in etags
            if url.startswith(prefix)
        ][:MAX_WORKFLOWS]
    else:
        workflow_paths = []
    for path in workflow_paths:
        url = _contents_url(owner, name, quote(path))
        exists, versions = _file_versions(fetcher, url, workflow_versions)
        if exists:
            files[path] = versions
    return CIFetch(
        files=files,
        etags=fetcher.etags,
        requests=fetcher.requests,
        not_modified=fetcher.not_modified,
    )
