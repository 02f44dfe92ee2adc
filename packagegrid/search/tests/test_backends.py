"""The full-text backend of this database: what matches (ranking is the selectors')."""

import pytest
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from packagegrid.conftest import make_package
from packagegrid.search.backends import TYPO_CANDIDATES, search_backend
from packagegrid.search.models import SearchDocument
from packagegrid.search.text import parse_query

pytestmark = pytest.mark.django_db


def _matching(query: str, **options: bool) -> set[str]:
    parsed = parse_query(query)
    assert parsed is not None
    condition, params = search_backend().match_sql(parsed, **options)
    found = SearchDocument.objects.filter(RawSQL(condition, params, output_field=BooleanField()))
    return set(found.values_list("slug", flat=True))


@pytest.fixture
def packages() -> None:
    make_package(title="Crispy forms", slug="django-crispy-forms", repo={"description": "DRY"})
    make_package(title="Rest", slug="djangorestframework", repo={"description": "Web APIs"})
    make_package(title="Pony", slug="pony", repo={"description": "Forms for ponies"})


def test_it_matches_word_prefixes(packages: None) -> None:
    assert _matching("crisp") == {"django-crispy-forms"}
    assert _matching("rest") == {"djangorestframework"}  # through its name without prefix
    assert _matching("api") == {"djangorestframework"}


def test_it_requires_every_term_or_any(packages: None) -> None:
    assert _matching("forms ponies") == {"pony"}
    assert _matching("forms ponies", any_term=True) == {"pony", "django-crispy-forms"}


def test_it_matches_the_glued_query_against_names(packages: None) -> None:
    assert _matching("crispy forms extra") == set()
    assert _matching("crispyforms") == {"django-crispy-forms"}


def test_it_searches_only_names_and_titles_when_asked(packages: None) -> None:
    assert _matching("forms", names=True) == {"django-crispy-forms"}
    assert _matching("ponies", names=True) == set()


@pytest.mark.parametrize("query", ["near", "and or not", "x*y", "a:b", "col1 : x"])
def test_it_reads_operators_as_words(packages: None, query: str) -> None:
    _matching(query)  # no syntax error on either database


def test_it_finds_typo_candidates_by_shared_trigrams(packages: None) -> None:
    for index in range(TYPO_CANDIDATES + 10):
        make_package(slug=f"other-{index}")
    sql, params = search_backend().typo_candidates_sql(["crsipyforms", "djangocrsipyforms"])
    candidates = SearchDocument.objects.filter(id__in=RawSQL(sql, params))
    slugs = list(candidates.values_list("slug", flat=True))
    assert "django-crispy-forms" in slugs
    assert len(slugs) <= TYPO_CANDIDATES


def test_a_ranking_statement_is_planned_for_its_words() -> None:
    """On PostgreSQL the words go into the SQL as literals (a prepared statement's generic
    plan would not know how many documents they match); SQLite keeps its parameters."""
    sql, params = search_backend().ranking_statement("SELECT %s, %s", ["it's", 20])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.fetchone() == ("it's", 20)
    if connection.vendor == "postgresql":
        assert (sql, params) == ("SELECT 'it''s', 20", None)
    else:
        assert (sql, params) == ("SELECT %s, %s", ["it's", 20])
