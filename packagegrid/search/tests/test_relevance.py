"""The relevance set over the demo data: every expected result in the top 3.

Runs on whichever database the suite runs on (CI runs it on SQLite and PostgreSQL).
"""

import pytest

from packagegrid.demo.loader import demo_load
from packagegrid.search.relevance import relevance_cases, relevance_evaluate

pytestmark = pytest.mark.django_db


def test_it_has_a_varied_set_of_at_least_forty_queries() -> None:
    cases = relevance_cases()
    assert len(cases) >= 40
    kinds = {case.kind for case in cases}
    assert {"exact name", "partial name", "description", "typo", "multi-word"} <= kinds
    assert {"prefix only", "grid"} <= kinds
    assert len({case.query for case in cases}) == len(cases)


def test_it_finds_every_expected_result_in_the_top_three() -> None:
    demo_load()
    report = relevance_evaluate(relevance_cases())
    print(f"\n{report}")  # hit rate and MRR, shown with `pytest -s`
    assert report.misses == [], str(report)
    assert report.mean_reciprocal_rank >= 0.9
