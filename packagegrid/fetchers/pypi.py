"""PyPI JSON API client: one project's metadata and every release's upload time and yank.

Network only: returns a `PyPIFetch`, never touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone
from pydantic import AwareDatetime, BaseModel, Field

from packagegrid.fetchers.conditional import ConditionalFetcher
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.types import PyPIFetch, PyPIProject, ReleaseInfo
from packagegrid.lib.licenses import pypi_license

_DOCS_LABELS = {"documentation", "docs"}
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


class _File(BaseModel):
    upload_time_iso_8601: AwareDatetime
    yanked: bool = False


class _Info(BaseModel):
    name: str
    summary: str | None = None
    classifiers: list[str] = Field(default_factory=list)
    requires_python: str | None = None
    license: str | None = None
    # PEP 639; absent from older responses.
    license_expression: str | None = None
    project_urls: dict[str, str] | None = None
    docs_url: str | None = None
    keywords: str | None = None


class _Project(BaseModel):
    info: _Info
    releases: dict[str, list[_File]] = Field(default_factory=dict)


def pypi_project_fetch(
    client: HttpClient, *, name: str, etags: Mapping[str, str], now: datetime | None = None
) -> PyPIFetch:
    """Fetch what PyPI says about project `name`, conditionally with its stored ETag.

    `project` is None when PyPI answers 304. A non-canonical name is redirected by PyPI
    (301/308); the redirect is followed once and counted, and the ETag is kept under the
    canonical URL. See `_project` for how each field is read.

    Raises FetchFailed: "not_found" for an unknown project, RateLimitExhausted, and the
    rest as `ConditionalFetcher.get` does.
    """
    fetcher = ConditionalFetcher(client, etags=etags, now=now or timezone.now())
    # Reference: https://docs.pypi.org/api/json/#get-a-project
    answer = fetcher.get(f"{settings.PYPI_URL}/pypi/{quote(name, safe='')}/json", _Project)
    return PyPIFetch(
        project=_project(answer.data) if answer else None,
        etags=fetcher.etags,
        requests=fetcher.requests,
        not_modified=fetcher.not_modified,
    )


def _project(data: _Project) -> PyPIProject:
    """Read a project; its contract, field by field:

    - releases: one per version that has files, oldest upload first; `uploaded_at` is the
      earliest file's upload time, `yanked` whether every file is yanked;
    - latest_version: the newest non-yanked release by upload time, None when none;
    - license: `packagegrid.lib.licenses.pypi_license` (PEP 639 `license_expression`,
      then the licence classifiers, then a short `license` field; SPDX where it applies);
    - development_status: "5 - Production/Stable" from "Development Status :: ...";
    - documentation_url: the first project URL labelled Documentation or Docs (in any
      case or punctuation), else `docs_url`, else "";
    - summary, requires_python and project_urls: "" / {} when PyPI says null;
    - keywords: the words of `keywords`, comma-separated ("django, rest api"; authors
      separate them by commas or by spaces), "" when PyPI says null.
    """
    info = data.info
    dated: list[tuple[datetime, ReleaseInfo]] = []
    for version, files in data.releases.items():
        if not files:
            continue
        uploaded_at = min(f.upload_time_iso_8601 for f in files)
        yanked = all(f.yanked for f in files)
        release = ReleaseInfo(version=version, uploaded_at=uploaded_at, yanked=yanked)
        dated.append((uploaded_at, release))
    dated.sort(key=lambda pair: pair[0])
    releases = [release for _, release in dated]
    available = [r for r in releases if not r.yanked]
    project_urls = info.project_urls or {}
    return PyPIProject(
        name=info.name,
        summary=info.summary or "",
        latest_version=available[-1].version if available else None,
        releases=releases,
        classifiers=info.classifiers,
        requires_python=info.requires_python or "",
        license=pypi_license(
            expression=info.license_expression, classifiers=info.classifiers, text=info.license
        ),
        development_status=_classifier_value(info.classifiers, "Development Status ::"),
        project_urls=project_urls,
        documentation_url=_documentation_url(project_urls, info.docs_url),
        keywords=_keywords(info.keywords or ""),
    )


def _keywords(text: str) -> str:
    parts = text.split(",") if "," in text else text.split()
    return ", ".join(part for part in (" ".join(p.split()) for p in parts) if part)


def _classifier_value(classifiers: list[str], prefix: str) -> str:
    """What follows `prefix` in the first classifier that starts with it, else ""."""
    for classifier in classifiers:
        if classifier.startswith(prefix):
            return classifier.removeprefix(prefix).strip()
    return ""


def _documentation_url(project_urls: Mapping[str, str], docs_url: str | None) -> str:
    for label, url in project_urls.items():
        if _NOT_ALNUM.sub("", label.lower()) in _DOCS_LABELS and url:
            return url
    return docs_url or ""
