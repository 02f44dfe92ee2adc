"""Typed fetch results refuse values that the columns they are stored in cannot hold."""

from datetime import UTC, datetime

import pytest
from django.db import models
from pydantic import ValidationError

from packagegrid.catalog.models import Package, PyPIData, Release, RepoData
from packagegrid.fetchers import types
from packagegrid.fetchers.types import ReleaseInfo, RepoFetch, RepoInfo, invalid_data


def _column(model: type[models.Model], name: str) -> int | None:
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField)
    return field.max_length


def test_the_bounds_are_the_sizes_of_their_columns() -> None:
    assert _column(RepoData, "license") == types.MAX_REPO_LICENSE
    assert _column(RepoData, "default_branch") == types.MAX_BRANCH
    assert types.MAX_URL == _column(RepoData, "homepage") == _column(Package, "repo_url")
    assert types.MAX_VERSION == _column(Release, "version") == _column(PyPIData, "latest_version")
    assert _column(PyPIData, "license") == types.MAX_PYPI_LICENSE
    assert _column(PyPIData, "development_status") == types.MAX_DEVELOPMENT_STATUS
    assert isinstance(PyPIData._meta.get_field("requires_python"), models.TextField)


def _info(**changes: object) -> RepoInfo:
    values: dict[str, object] = {
        "stars": 1,
        "forks": 1,
        "description": "",
        "archived": False,
        "license": "MIT",
        "open_issues": 0,
        "default_branch": "main",
        "homepage": "",
        "pushed_at": None,
    }
    values.update(changes)
    return RepoInfo(**values)  # type: ignore[arg-type]  # values checked at run time


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("license", "L" * 101),
        ("default_branch", "b" * 256),
        ("homepage", "https://example.com/" + "x" * 490),
        ("stars", -1),
        ("open_issues", -3),
    ],
)
def test_a_value_out_of_bounds_is_refused_with_its_field_named(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        _info(**{field: value})
    failure = invalid_data("github", caught.value)
    assert failure.reason == "invalid_data"
    assert failure.permanent
    assert f"RepoInfo.{field}: " in str(failure)
    assert str(value) not in str(failure)  # the value itself may be huge: never echoed


def test_values_at_their_bound_are_kept_whole() -> None:
    info = _info(license="L" * 100, default_branch="b" * 255)
    assert len(info.license) == 100
    assert RepoFetch(info=info, moved_to="https://github.com/" + "x" * 481).moved_to
    assert ReleaseInfo("1" * 100, datetime(2026, 1, 1, tzinfo=UTC), False).version


def test_an_over_long_release_version_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        ReleaseInfo(version="1." + "0" * 99, uploaded_at=None, yanked=False)
    assert "ReleaseInfo.version: String should have at most 100 characters" in str(
        invalid_data("pypi", caught.value)
    )
