"""Which stored advisories still affect a package's latest version."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from packagegrid.conftest import make_package
from packagegrid.health.models import Advisory
from packagegrid.health.selectors import advisories_against, package_facts
from packagegrid.health.tests.support import advisory, apply_pypi


@pytest.mark.parametrize(
    ("fixed_in", "version", "fixed"),
    [
        (["2.0.1"], "2.0", False),  # before the fix
        (["2.0.1"], "2.0.1", True),  # the fix itself
        (["2.0.1"], "3.1", True),  # past every fix
        (["2.0.1"], "2.0.1rc1", False),  # a pre-release of the fix is not the fix
        (["3.2.25", "4.2.11"], "3.2.26", True),  # past the fix of its own line
        (["3.2.25", "4.2.11"], "4.0.5", False),  # no fix on the 4.0 line
        (["3.2.25", "4.2.11"], "4.2.10", False),
        (["2"], "2.0.3", True),  # "2" and "2.0.3" are on the same line
        ([], "9.9", False),  # no fix known: the warning stays
        (["2.0.1"], "not-a-version", False),
        (["nonsense"], "2.0", False),
        (["2.0.1"], None, False),
    ],
)
def test_it_knows_when_a_version_carries_the_fix(
    fixed_in: list[str], version: str | None, fixed: bool
) -> None:
    assert Advisory(advisory_id="GHSA-1", fixed_in=fixed_in).is_fixed_in(version) is fixed


def test_it_keeps_only_advisories_affecting_the_latest_version() -> None:
    open_ = Advisory(advisory_id="A", fixed_in=["2.1"])
    fixed = Advisory(advisory_id="B", fixed_in=["1.9"])
    withdrawn = Advisory(advisory_id="C", fixed_in=[], withdrawn=datetime(2026, 1, 1, tzinfo=UTC))
    unfixed = Advisory(advisory_id="D", fixed_in=[])
    assert advisories_against([open_, fixed, withdrawn, unfixed], "2.0") == [open_, unfixed]
    # Without a known latest version nothing counts as fixed.
    assert advisories_against([open_, fixed], None) == [open_, fixed]


@pytest.mark.parametrize(
    ("link", "shown"),
    [
        ("https://osv.dev/vulnerability/GHSA-1", "https://osv.dev/vulnerability/GHSA-1"),
        ("javascript:alert(1)", ""),
        ("", ""),
    ],
)
def test_it_links_only_web_addresses(link: str, shown: str) -> None:
    assert Advisory(advisory_id="GHSA-1", link=link).web_link == shown


@pytest.mark.django_db
def test_the_package_facts_leave_out_an_advisory_the_latest_version_fixes() -> None:
    package = make_package()
    apply_pypi(
        package,
        version="2.0",
        advisories=[
            advisory("GHSA-open", fixed_in=["2.0.1"]),
            advisory("GHSA-old", fixed_in=["1.4"]),
            advisory("GHSA-gone", withdrawn=datetime(2026, 1, 1, tzinfo=UTC)),
        ],
    )
    facts = package_facts(package=package, latest_version="2.0")
    assert [a.advisory_id for a in facts.advisories] == ["GHSA-open"]
