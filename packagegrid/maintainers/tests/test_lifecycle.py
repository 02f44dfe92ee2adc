"""A package its maintainer marked finished reads as stable, unless something signals
breakage."""

from __future__ import annotations

from datetime import UTC, date, datetime

from packagegrid.health.model import DirectoryContext, Lifecycle, PackageFacts, Release, lifecycle

TODAY = date(2026, 6, 1)
CONTEXT = DirectoryContext(
    today=TODAY, supported_django=frozenset({"5.2"}), supported_python=frozenset({"3.12"})
)


def _facts(*, finished: bool, django: str = "5.2", advisories: int = 0) -> PackageFacts:
    # Released last month: active by the calendar.
    release = Release("2.0", datetime(2026, 5, 1, tzinfo=UTC))
    return PackageFacts(
        finished=finished,
        releases=(release,),
        compatibility={"django": {django: ["classifier"]}},
        open_advisories=advisories,
    )


def test_it_reads_a_finished_package_as_stable() -> None:
    state, reason = lifecycle(_facts(finished=True), CONTEXT)
    assert state is Lifecycle.STABLE
    assert reason.startswith("Marked finished by its verified maintainer")
    assert lifecycle(_facts(finished=False), CONTEXT)[0] is Lifecycle.ACTIVE


def test_it_ignores_the_mark_when_something_signals_breakage() -> None:
    assert lifecycle(_facts(finished=True, advisories=1), CONTEXT)[0] is Lifecycle.ACTIVE
    assert lifecycle(_facts(finished=True, django="3.2"), CONTEXT)[0] is Lifecycle.ACTIVE
