"""`packagegrid search_reindex` and `packagegrid search_relevance`."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from packagegrid.conftest import make_grid, make_package
from packagegrid.search import relevance
from packagegrid.search.models import SearchDocument

pytestmark = pytest.mark.django_db


def test_it_rebuilds_the_index() -> None:
    make_grid(packages=[make_package(), make_package()])
    SearchDocument.objects.all().delete()
    out = StringIO()
    call_command("search_reindex", stdout=out)
    assert out.getvalue() == "Search index rebuilt: 2 packages, 1 grids.\n"
    assert SearchDocument.objects.count() == 3


@pytest.fixture
def cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cases.json"
    path.write_text(
        json.dumps(
            [
                {"query": "sesame", "expected": ["package:django-sesame"], "kind": "name"},
                {"query": "zebra", "expected": ["package:zebra", "grid:zoo"], "kind": "name"},
            ]
        )
    )
    monkeypatch.setattr(relevance, "CASES_FILE", path)
    monkeypatch.setattr(relevance.relevance_cases, "__defaults__", (path,))
    return path


def test_it_reports_hit_rate_and_mean_reciprocal_rank(cases: Path) -> None:
    make_package(slug="django-sesame")
    out = StringIO()
    call_command("search_relevance", stdout=out)
    assert out.getvalue().splitlines() == [
        "2 queries: hit rate (top 3) 50.0%, mean reciprocal rank 0.500",
        "  name: 2 queries: hit rate (top 3) 50.0%, mean reciprocal rank 0.500",
        "  miss [name] 'zebra': expected package:zebra or grid:zoo at rank -; got nothing",
    ]


def test_it_fails_under_a_threshold(cases: Path) -> None:
    with pytest.raises(CommandError, match="below the threshold"):
        call_command("search_relevance", "--fail-under", "0.9", stdout=StringIO())
