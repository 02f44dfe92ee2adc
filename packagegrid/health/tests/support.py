"""Helpers for health tests: apply a PyPI project to a package as a fetch would."""

from datetime import UTC, datetime

from packagegrid.catalog.models import Package
from packagegrid.fetchers.services import package_apply_pypi
from packagegrid.fetchers.types import AdvisoryInfo, PyPIFetch, PyPIProject, ReleaseInfo

UPLOADED = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def apply_pypi(
    package: Package,
    *,
    classifiers: list[str] | None = None,
    requires_python: str = "",
    requires_dist: list[str] | None = None,
    advisories: list[AdvisoryInfo] | None = None,
    version: str = "2.0",
    documentation_url: str = "",
    project_status: str = "",
    project_status_reason: str = "",
) -> None:
    project = PyPIProject(
        name=package.pypi_name,
        summary="",
        latest_version=version,
        releases=[ReleaseInfo(version, UPLOADED, False, "", requires_python, False)],
        classifiers=classifiers or [],
        requires_python=requires_python,
        license="MIT",
        development_status="",
        project_urls={},
        documentation_url=documentation_url,
        requires_dist=requires_dist or [],
        advisories=advisories or [],
        project_status=project_status,
        project_status_reason=project_status_reason,
    )
    package_apply_pypi(package=package, fetch=PyPIFetch(project=project), now=UPLOADED)


def advisory(advisory_id: str = "GHSA-aaaa-bbbb-cccc", **fields: object) -> AdvisoryInfo:
    values: dict[str, object] = {
        "id": advisory_id,
        "aliases": ["CVE-2026-0001"],
        "summary": "Cross-site scripting in the widget.",
        "fixed_in": ["2.0.1"],
        "link": f"https://osv.dev/vulnerability/{advisory_id}",
        "withdrawn": None,
    }
    values.update(fields)
    return AdvisoryInfo(**values)  # type: ignore[arg-type]  # values built loosely
