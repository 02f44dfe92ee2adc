"""Search quality on the demo data: hit rate in the top 3 and mean reciprocal rank.

The cases live in `tests/relevance.json`: a query as a person looking for a package
would type it, its kind ("need", "word form", "abbreviation", "misspelling", "name"),
and every demo record that answers it ("package:<slug>" or "grid:<slug>"); the best
ranked of them counts. The queries were written before looking at the records, so the
set measures what people type, not words copied from the answers. The test suite holds
the figures to a floor on both databases; the `search_relevance` command prints them.
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
    expected: tuple[str, ...]  # the right answers: "package:<slug>" or "grid:<slug>"
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

    def by_kind(self) -> dict[str, RelevanceReport]:
        """The report of each kind of query, in order of first appearance."""
        kinds: dict[str, list[RelevanceResult]] = {}
        for result in self.results:
            kinds.setdefault(result.case.kind, []).append(result)
        return {kind: RelevanceReport(results=results) for kind, results in kinds.items()}

    def summary(self) -> str:
        return (
            f"{len(self.results)} queries: hit rate (top {TOP}) {self.hit_rate:.1%}, "
            f"mean reciprocal rank {self.mean_reciprocal_rank:.3f}"
        )

    def __str__(self) -> str:
        lines = [self.summary()]
        lines += [f"  {kind}: {report.summary()}" for kind, report in self.by_kind().items()]
        for miss in self.misses:
            answers = " or ".join(miss.case.expected[:3])
            if len(miss.case.expected) > 3:
                answers += " or ..."
            lines.append(
                f"  miss [{miss.case.kind}] {miss.case.query!r}: expected {answers}"
                f" at rank {miss.rank or '-'}; got {', '.join(miss.top) or 'nothing'}"
            )
        return "\n".join(lines)


def relevance_cases(path: Path = CASES_FILE) -> list[RelevanceCase]:
    return [
        RelevanceCase(query=case["query"], expected=tuple(case["expected"]), kind=case["kind"])
        for case in json.loads(path.read_text(encoding="utf-8"))
    ]


def relevance_evaluate(cases: list[RelevanceCase]) -> RelevanceReport:
    """Run each case's query through `search_items` (one to three queries each)."""
    results = []
    for case in cases:
        found = [f"{i.item_type}:{i.slug}" for i in search_items(query=case.query, limit=DEPTH)]
        ranks = [found.index(answer) + 1 for answer in case.expected if answer in found]
        rank = min(ranks, default=None)
        results.append(RelevanceResult(case=case, rank=rank, top=found[:TOP]))
    return RelevanceReport(results=results)
