"""The relevance set over the demo data, held to a floor of hit rate and MRR.

Runs on whichever database the suite runs on (CI runs it on SQLite and PostgreSQL).
"""

from collections import Counter

import pytest

from packagegrid.demo.loader import demo_load
from packagegrid.search.relevance import relevance_cases, relevance_evaluate

pytestmark = pytest.mark.django_db

KINDS = {"need", "word form", "abbreviation", "misspelling", "name"}
# The floor the search must keep on both databases (measured figures: README, Search).
MIN_HIT_RATE = 0.9
MIN_MRR = 0.8


def test_it_has_a_varied_set_of_queries_people_type() -> None:
    cases = relevance_cases()
    kinds = Counter(case.kind for case in cases)
    assert set(kinds) == KINDS
    assert all(count >= 10 for count in kinds.values()), kinds
    assert len({case.query for case in cases}) == len(cases)
    assert all(case.expected for case in cases)


def test_it_ranks_a_right_answer_in_the_top_three_often_enough() -> None:
    demo_load()
    report = relevance_evaluate(relevance_cases())
    print(f"\n{report}")  # figures per kind and misses, shown with `pytest -s`
    assert report.hit_rate >= MIN_HIT_RATE, str(report)
    assert report.mean_reciprocal_rank >= MIN_MRR, str(report)
