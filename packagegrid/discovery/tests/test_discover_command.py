"""`packagegrid discover` end to end, over real HTTP against a local fake PyPI."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings as SettingsWrapper

from packagegrid.benchmarks.fake_providers import (
    DISCOVERY_PREFIX,
    FakeProviders,
    discovery_kind,
    project_serial,
)
from packagegrid.catalog.models import EditRecord, Package
from packagegrid.conftest import make_package, make_user
from packagegrid.discovery.models import DiscoveryCandidate
from packagegrid.discovery.services import discovery_reject
from packagegrid.health.models import PackageHealth

pytestmark = pytest.mark.django_db

NAMES = [f"{DISCOVERY_PREFIX}{i}" for i in range(60)]
DJANGO = sorted(n for n in NAMES if discovery_kind(n) in {"classifier", "requirement"})


def _discover(*args: str) -> str:
    out = StringIO()
    call_command("discover", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def pypi(settings: SettingsWrapper) -> Iterator[FakeProviders]:
    with FakeProviders() as fake:
        settings.PYPI_URL = fake.url
        fake.simple_projects = len(NAMES)
        yield fake


def _names_file(tmp_path: Path, names: list[str]) -> Path:
    path = tmp_path / "names.txt"
    path.write_text("\n".join(names) + "\n\n")
    return path


def test_the_fake_index_holds_every_kind_of_project() -> None:
    kinds = {discovery_kind(n) for n in NAMES}
    assert kinds == {"classifier", "requirement", "extra", "other"}


def test_it_lists_the_django_packages_of_a_names_file_as_unreviewed(
    pypi: FakeProviders, tmp_path: Path
) -> None:
    listed = make_package(title="Listed", pypi_url=f"https://pypi.org/project/{NAMES[0].upper()}/")

    output = _discover("--names", str(_names_file(tmp_path, NAMES)))

    found = Package.objects.filter(reviewed=False)
    expected = sorted(n for n in DJANGO if n != NAMES[0])
    assert sorted(p.title for p in found) == expected
    assert Package.objects.get(pk=listed.pk).reviewed
    package = found.get(title=expected[0])
    assert package.pypi_data.latest_version is not None
    assert package.releases.exists()
    assert PackageHealth.objects.filter(package=package).exists()
    assert EditRecord.objects.filter(object_id=package.pk, action="create", user=None).exists()
    assert "skipped without a request: 1 (in_directory 1)" in output
    assert f"proposed (listed unreviewed): {len(expected)}" in output
    candidates = dict(DiscoveryCandidate.objects.values_list("name", "status"))
    assert len(candidates) == len(NAMES) - 1
    assert {n for n, s in candidates.items() if s == "proposed"} == set(expected)
    extra_only = next(n for n in NAMES[1:] if discovery_kind(n) == "extra")
    assert candidates[extra_only] == "not_django"


def test_it_skips_unchanged_projects_on_the_next_run(pypi: FakeProviders) -> None:
    _discover()
    first = pypi.requests
    assert first == 1 + len(NAMES)  # the project list, then each project

    second = _discover()

    assert pypi.requests - first == 1  # only the project list
    assert "skipped share: 100.0%" in second
    assert f"unchanged_serial {len(NAMES) - len(DJANGO)}" in second
    assert f"in_directory {len(DJANGO)}" in second

    pypi.generation = 1
    changed = [n for n in NAMES if project_serial(n, 1) != project_serial(n, 0)]
    before = pypi.requests
    _discover()
    not_listed = [n for n in changed if n not in DJANGO]
    assert pypi.requests - before == 1 + len(not_listed)


def test_it_answers_a_names_file_rerun_with_conditional_requests(
    pypi: FakeProviders, tmp_path: Path
) -> None:
    names = _names_file(tmp_path, [n for n in NAMES if n not in DJANGO][:10])
    _discover("--names", str(names))
    output = _discover("--names", str(names))
    assert pypi.not_modified == 10
    assert "unchanged on PyPI: 10" in output


def test_it_never_proposes_a_rejected_project_again(pypi: FakeProviders, tmp_path: Path) -> None:
    names = _names_file(tmp_path, DJANGO[:2])
    _discover("--names", str(names))
    rejected = Package.objects.get(title=DJANGO[0])
    discovery_reject(package=rejected, user=make_user(staff=True))
    pypi.generation = 99  # every project changed, rejected or not

    output = _discover("--names", str(names))

    assert not Package.objects.filter(title=DJANGO[0]).exists()
    assert "decided_by_staff 1" in output
    assert DiscoveryCandidate.objects.get(name=DJANGO[0]).status == "rejected"


def test_it_checks_at_most_limit_projects(pypi: FakeProviders, tmp_path: Path) -> None:
    output = _discover("--names", str(_names_file(tmp_path, NAMES)), "--limit", "5")
    assert "checked: 5" in output
    assert f"over_limit {len(NAMES) - 5}" in output
    assert DiscoveryCandidate.objects.count() == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--limit", "-1"], "--limit must not be negative"),
        (["--concurrency", "0"], "--concurrency must be at least 1"),
        (["--names", "/no/such/file"], "Cannot read /no/such/file"),
    ],
)
def test_it_refuses_bad_arguments_and_changes_nothing(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _discover(*args)
    assert not DiscoveryCandidate.objects.exists()


def test_it_reports_an_unreadable_project_list(settings: SettingsWrapper) -> None:
    with FakeProviders() as fake:
        settings.PYPI_URL = fake.url
        fake.overrides["/simple/"] = {"projects": "nope"}
        with pytest.raises(CommandError, match="Cannot read PyPI's project list"):
            _discover()
