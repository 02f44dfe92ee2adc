"""PyPI JSON API client: one project's metadata and every release's upload time and yank.

Network only: returns a `PyPIFetch`, never touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone
from packaging.version import InvalidVersion, Version
from pydantic import AwareDatetime, BaseModel, Field

from packagegrid.fetchers.conditional import ConditionalFetcher
from packagegrid.fetchers.http import HttpClient
from packagegrid.fetchers.types import AdvisoryInfo, PyPIFetch, PyPIProject, ReleaseInfo
from packagegrid.lib.licenses import pypi_license

_DOCS_LABELS = {"documentation", "docs"}
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


# Bounds on fetched values, so that an oversized document fails one package (malformed),
# never the database: the stored columns are as long as these.
MAX_REQUIREMENTS = 500
MAX_REQUIREMENT_CHARS = 1000
MAX_ADVISORY_SUMMARY_CHARS = 1000
MAX_STATUS_REASON_CHARS = 1000
# PEP 792's markers; any other value is read as "not stated".
PROJECT_STATUSES = frozenset({"active", "archived", "deprecated", "quarantined"})


class _File(BaseModel):
    upload_time_iso_8601: AwareDatetime
    yanked: bool = False
    yanked_reason: str | None = None
    requires_python: str | None = None


class _Vulnerability(BaseModel):
    id: str = Field(max_length=100)
    aliases: list[str] | None = None
    summary: str | None = None
    details: str | None = None
    fixed_in: list[str] | None = None
    link: str | None = Field(default=None, max_length=500)
    withdrawn: AwareDatetime | None = None


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
    # The README (long description) and how it is written ("text/markdown; ...").
    description: str | None = None
    description_content_type: str | None = None
    requires_dist: list[Annotated[str, Field(max_length=MAX_REQUIREMENT_CHARS)]] | None = Field(
        default=None, max_length=MAX_REQUIREMENTS
    )


class _ProjectStatus(BaseModel):
    status: str | None = None
    reason: str | None = None


class _Project(BaseModel):
    info: _Info
    releases: dict[str, list[_File]] = Field(default_factory=dict)
    vulnerabilities: list[_Vulnerability] = Field(default_factory=list)
    # PyPI's serial of the project's latest change; discovery skips unchanged projects.
    last_serial: int | None = None
    # PEP 792's JSON form, as the simple API serves it (api-version 1.4). The JSON API
    # documents of December 2026 never carry it; read it when PyPI adds it.
    project_status: _ProjectStatus | None = Field(default=None, alias="project-status")


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
        project=pypi_project_read(answer.data) if answer else None,
        etags=fetcher.etags,
        requests=fetcher.requests,
        not_modified=fetcher.not_modified,
    )


def pypi_project_parse(body: str | bytes) -> PyPIProject:
    """Read one PyPI JSON document (as `pypi_project_fetch` does, without the network).

    The demo loads its recorded documents through this. Raises pydantic.ValidationError
    for a body that is not the documented shape.
    """
    return pypi_project_read(_Project.model_validate_json(body, strict=True))


def pypi_project_read(data: _Project) -> PyPIProject:
    """Read a project; its contract, field by field:

    - releases: one per version that has files, oldest upload first; `uploaded_at` is the
      earliest file's upload time, `yanked` whether every file is yanked, `yanked_reason`
      the first reason given, `requires_python` the first file's that declares one,
      `is_prerelease` PEP 440's answer (False for a version PEP 440 cannot read);
    - latest_version: the newest non-yanked release by upload time, None when none;
    - license: `packagegrid.lib.licenses.pypi_license` (PEP 639 `license_expression`,
      then the licence classifiers, then a short `license` field; SPDX where it applies);
    - development_status: "5 - Production/Stable" from "Development Status :: ...";
    - documentation_url: the first project URL labelled Documentation or Docs (in any
      case or punctuation), else `docs_url`, else "";
    - summary, requires_python and project_urls: "" / {} when PyPI says null;
    - keywords: the words of `keywords`, comma-separated ("django, rest api"; authors
      separate them by commas or by spaces), "" when PyPI says null.
    - requires_dist: the PEP 508 strings as given ([] when null), license_expression as
      declared ("" when none);
    - advisories: every entry of `vulnerabilities` (withdrawn ones included, with their
      date); the summary is PyPI's, else the start of the details;
    - description: the README as given ("" when null), description_content_type as
      declared (at most 200 characters, "" when null), last_serial PyPI's (None when absent);
    - project_status: PEP 792's `project-status` `status` when it is one of its four
      markers, else "" (not stated: PyPI's JSON API omits it); project_status_reason its
      `reason`, whitespace collapsed, at most MAX_STATUS_REASON_CHARS, "" when none.
    """
    info = data.info
    dated: list[tuple[datetime, ReleaseInfo]] = []
    for version, files in data.releases.items():
        if not files:
            continue
        uploaded_at = min(f.upload_time_iso_8601 for f in files)
        yanked = all(f.yanked for f in files)
        info_ = ReleaseInfo(
            version,
            uploaded_at,
            yanked,
            yanked_reason=next((f.yanked_reason for f in files if f.yanked_reason), "")[:500],
            requires_python=next((f.requires_python for f in files if f.requires_python), "")[:200],
            is_prerelease=_is_prerelease(version),
        )
        dated.append((uploaded_at, info_))
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
        requires_dist=info.requires_dist or [],
        license_expression=(info.license_expression or "")[:255],
        advisories=[_advisory(v) for v in data.vulnerabilities],
        project_status=_project_status(data.project_status),
        project_status_reason=_project_status_reason(data.project_status),
        description=info.description or "",
        description_content_type=(info.description_content_type or "").strip()[:200],
        last_serial=data.last_serial,
    )


def _project_status(marker: _ProjectStatus | None) -> str:
    status = (marker.status or "").strip().lower() if marker else ""
    return status if status in PROJECT_STATUSES else ""


def _project_status_reason(marker: _ProjectStatus | None) -> str:
    if marker is None or not _project_status(marker):
        return ""
    reason = " ".join((marker.reason or "").split())
    if len(reason) > MAX_STATUS_REASON_CHARS:
        reason = reason[: MAX_STATUS_REASON_CHARS - 1].rstrip() + "…"
    return reason


def _is_prerelease(version: str) -> bool:
    try:
        return Version(version).is_prerelease
    except InvalidVersion:
        return False


def _advisory(vulnerability: _Vulnerability) -> AdvisoryInfo:
    summary = vulnerability.summary or vulnerability.details or ""
    if len(summary) > MAX_ADVISORY_SUMMARY_CHARS:
        summary = summary[: MAX_ADVISORY_SUMMARY_CHARS - 1].rstrip() + "…"
    return AdvisoryInfo(
        id=vulnerability.id,
        aliases=vulnerability.aliases or [],
        summary=summary,
        fixed_in=vulnerability.fixed_in or [],
        link=vulnerability.link or "",
        withdrawn=vulnerability.withdrawn,
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


# As long as PyPIData.documentation_url; a longer link is dropped, never cut.
MAX_URL_CHARS = 500


def _documentation_url(project_urls: Mapping[str, str], docs_url: str | None) -> str:
    for label, url in project_urls.items():
        if _NOT_ALNUM.sub("", label.lower()) in _DOCS_LABELS and url:
            return url if len(url) <= MAX_URL_CHARS else ""
    return docs_url if docs_url and len(docs_url) <= MAX_URL_CHARS else ""


class _ReleaseList(BaseModel):
    releases: dict[str, list[_File]] = Field(default_factory=dict)


def pypi_release_times_fetch(client: HttpClient, *, name: str) -> dict[str, list[datetime]]:
    """Every version of project `name` on PyPI with its non-yanked files' upload times.

    Used to learn new Django and Wagtail feature releases. Raises FetchFailed as
    `pypi_project_fetch` does.
    """
    fetcher = ConditionalFetcher(client, etags={}, now=timezone.now(), source="PyPI")
    # Reference: https://docs.pypi.org/api/json/#get-a-project
    answer = fetcher.require(f"{settings.PYPI_URL}/pypi/{quote(name, safe='')}/json", _ReleaseList)
    return {
        version: [f.upload_time_iso_8601 for f in files if not f.yanked]
        for version, files in answer.data.releases.items()
    }


class _SimpleProject(BaseModel):
    name: str = Field(max_length=200)
    last_serial: int | None = Field(default=None, alias="_last-serial")


class _SimpleIndex(BaseModel):
    projects: list[_SimpleProject] = Field(default_factory=list)


SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


def pypi_simple_index_fetch(client: HttpClient) -> list[tuple[str, int | None]]:
    """Every project on the index as (name, last serial), from the Simple API's JSON form
    (PEP 691); the serial is None where the index does not give one.

    Raises HttpError as `HttpClient.get_json` does, and pydantic.ValidationError for a
    body that is not PEP 691's project list.
    """
    # Reference: https://docs.pypi.org/api/index-api/#json_1
    body = client.get_json(f"{settings.PYPI_URL}/simple/", headers={"Accept": SIMPLE_JSON})
    index = _SimpleIndex.model_validate(body)
    return [(project.name, project.last_serial) for project in index.projects]
