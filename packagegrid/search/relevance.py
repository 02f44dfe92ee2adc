"""Search quality on the demo data: hit rate in the top 3 and mean reciprocal rank.

The cases live in `tests/relevance.json` (query, expected "package:<slug>" or
"grid:<slug>", kind of query). The test suite requires every case to hit; the
`search_relevance` command prints the figures for the current database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from packagegrid.search.selectors import search_items

CASES_FILE = Path(__file__).parent / "tests" / "relevance.json"
TOP = 3
DEPTH = 20  # ranks beyond this count as not found


@dataclass(frozen=True, slots=True)
class RelevanceCase:
    query: str
    expected: str  # "package:<slug>" or "grid:<slug>"
    kind: str


@dataclass(frozen=True, slots=True)
class RelevanceResult:
    case: RelevanceCase
    rank: int | None  # 1-based; None when not in the first DEPTH results
    top: list[str]

    @property
    def hit(self) -> bool:
        return self.rank is not None and self.rank <= TOP


@dataclass(frozen=True, slots=True)
class RelevanceReport:
    results: list[RelevanceResult]

    @property
    def hit_rate(self) -> float:
        return sum(r.hit for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def mean_reciprocal_rank(self) -> float:
        if not self.results:
            return 0.0
        return sum(1 / r.rank for r in self.results if r.rank) / len(self.results)

    @property
    def misses(self) -> list[RelevanceResult]:
        return [r for r in self.results if not r.hit]

    def __str__(self) -> str:
        lines = [
            f"{len(self.results)} queries: hit rate (top {TOP}) {self.hit_rate:.1%}, "
            f"mean reciprocal rank {self.mean_reciprocal_rank:.3f}"
        ]
        for miss in self.misses:
            lines.append(
                f"  miss [{miss.case.kind}] {miss.case.query!r}: expected {miss.case.expected}"
                f" at rank {miss.rank or '-'}; got {', '.join(miss.top) or 'nothing'}"
            )
        return "\n".join(lines)


def relevance_cases(path: Path = CASES_FILE) -> list[RelevanceCase]:
    return [RelevanceCase(**case) for case in json.loads(path.read_text(encoding="utf-8"))]


def relevance_evaluate(cases: list[RelevanceCase]) -> RelevanceReport:
    """Run each case's query through `search_items` (one to three queries each)."""
    results = []
    for case in cases:
        found = [f"{i.item_type}:{i.slug}" for i in search_items(query=case.query, limit=DEPTH)]
        rank = found.index(case.expected) + 1 if case.expected in found else None
        results.append(RelevanceResult(case=case, rank=rank, top=found[:TOP]))
    return RelevanceReport(results=results)
