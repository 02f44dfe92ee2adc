"""`update_release_data` and the release data, against a fake PyPI serving real documents."""

import gzip
import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from pytest_httpserver import HTTPServer

from packagegrid.health.releases import (
    DATA_FILE,
    end_of_support_policy,
    feature_release,
    known_release,
    known_releases,
    releases_read,
)

# Django's and Wagtail's PyPI documents of 2026-12-06, trimmed to their release lists.
FIXTURE = Path(__file__).parent / "fixtures" / "pypi-release-lists.jsonl.gz"


def _documents() -> dict[str, dict[str, Any]]:
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as lines:
        return {record["json"]["info"]["name"]: record["json"] for record in map(json.loads, lines)}


@pytest.fixture
def pypi(httpserver: HTTPServer) -> HTTPServer:
    for name, document in _documents().items():
        httpserver.expect_request(f"/pypi/{name}/json").respond_with_json(document)
    return httpserver


def _without(path: Path, product: str, versions: set[str]) -> None:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    data[product] = [row for row in data[product] if row["version"] not in versions]
    path.write_text(json.dumps(data), encoding="utf-8")


def test_the_shipped_data_has_the_real_django_dates() -> None:
    dates = {r.version: r.released.isoformat() for r in known_releases("django")}
    assert dates["4.2"] == "2023-04-03"
    assert dates["5.0"] == "2023-12-04"
    assert dates["5.1"] == "2024-08-07"
    assert dates["5.2"] == "2025-04-02"
    assert dates["6.0"] == "2025-12-03"
    assert dates["6.1"] == "2026-08-05"
    assert known_releases("django")[0].version == "1.11"
    assert known_releases("python")[0].version == "3.6"
    assert [r.version for r in known_releases("python")][-2:] == ["3.14", "3.15"]
    lts = known_release("django", "5.2")
    assert lts is not None and lts.lts and lts.end_of_support == date(2028, 4, 30)
    assert known_releases("cobol") == []


def test_the_policy_dates_of_new_releases() -> None:
    # Django: x.2 three years; others eight months after the next feature release.
    assert end_of_support_policy(
        "django", "7.2", released=date(2027, 4, 7), next_released=None
    ) == date(2030, 4, 7)
    assert end_of_support_policy(
        "django", "7.0", released=date(2026, 12, 2), next_released=date(2027, 4, 7)
    ) == date(2027, 12, 7)
    assert end_of_support_policy(
        "python", "3.16", released=date(2027, 10, 1), next_released=None
    ) == date(2032, 10, 1)
    assert end_of_support_policy(
        "wagtail", "8.1", released=date(2026, 11, 3), next_released=None
    ) == date(2027, 5, 3)


def test_feature_release_of_a_version() -> None:
    assert feature_release("5.2.8") == "5.2"
    assert feature_release("6.0a1") == "6.0"
    assert feature_release("2") == "2.0"
    assert feature_release("not a version") is None


def test_it_adds_the_feature_releases_pypi_lists(pypi: HTTPServer, tmp_path: Path) -> None:
    data = tmp_path / "releases.json"
    _without(data, "django", {"6.0", "6.1"})
    out = StringIO()
    with override_settings(PYPI_URL=pypi.url_for("").rstrip("/")):
        call_command("update_release_data", file=data, stdout=out)
    rows = {r.version: r for r in releases_read(data)["django"]}
    # Dates of the first upload of 6.0 and 6.1 (their X.Y release, never a pre-release).
    assert rows["6.0"].released == date(2025, 12, 3)
    assert rows["6.1"].released == date(2026, 8, 5)
    assert rows["6.0"].end_of_support == date(2027, 4, 5)  # eight months after 6.1
    assert not rows["6.0"].lts
    assert "7.0" not in rows  # only a pre-release, if any, is out
    assert "Django 6.0: released 2025-12-03" in out.getvalue()
    # Known rows and the other products are kept as they were.
    assert rows["5.2"].end_of_support == date(2028, 4, 30)
    assert len(releases_read(data)["python"]) == len(known_releases("python"))


def test_it_says_so_when_nothing_is_new(pypi: HTTPServer, tmp_path: Path) -> None:
    data = tmp_path / "releases.json"
    data.write_text(DATA_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    before = data.read_text(encoding="utf-8")
    out = StringIO()
    with override_settings(PYPI_URL=pypi.url_for("").rstrip("/")):
        call_command("update_release_data", file=data, stdout=out)
    assert "No new feature releases." in out.getvalue()
    assert data.read_text(encoding="utf-8") == before


def test_a_failing_pypi_changes_nothing(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/pypi/Django/json").respond_with_data("gone", status=404)
    data = tmp_path / "releases.json"
    _without(data, "django", {"6.1"})
    before = data.read_text(encoding="utf-8")
    with (
        override_settings(PYPI_URL=httpserver.url_for("").rstrip("/")),
        pytest.raises(CommandError, match="unchanged"),
    ):
        call_command("update_release_data", file=data, stdout=StringIO())
    assert data.read_text(encoding="utf-8") == before
