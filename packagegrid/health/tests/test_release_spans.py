"""Supported releases grouped into runs of consecutive known releases."""

from __future__ import annotations

import pytest

from packagegrid.health.releases import known_releases, release_spans


def test_it_groups_consecutive_known_releases() -> None:
    spans = release_spans("django", ["5.2", "4.2", "5.0", "5.1", "3.2"])
    assert spans == [("3.2", "3.2"), ("4.2", "5.2")]  # 4.0 and 4.1 fall between 3.2 and 4.2


def test_it_orders_python_releases_by_number_not_text() -> None:
    assert release_spans("python", ["3.10", "3.9", "3.11"]) == [("3.9", "3.11")]


@pytest.mark.parametrize("versions", [[], ["4.2", "4.2"]])
def test_it_handles_no_version_and_repeats(versions: list[str]) -> None:
    assert release_spans("django", versions) == [("4.2", "4.2")] * bool(versions)


def test_an_unknown_release_makes_a_run_of_its_own() -> None:
    newest = known_releases("django")[-1].version
    major, minor = newest.split(".")
    unknown = f"{int(major) + 1}.{minor}"
    assert release_spans("django", [newest, unknown]) == [(newest, newest), (unknown, unknown)]


def test_every_known_release_makes_one_run() -> None:
    versions = [release.version for release in known_releases("python")]
    assert release_spans("python", reversed(versions)) == [(versions[0], versions[-1])]
