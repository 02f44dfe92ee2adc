"""The two full-text backends behind one interface, chosen by the database vendor.

Each turns the tokens of a parsed query into a WHERE condition on search_searchdocument:
FTS5 `MATCH` on SQLite, `tsvector @@ tsquery` (GIN index) on PostgreSQL. Both match
every term as a word prefix ("crisp" finds "crispy"), all terms or any term, in all
fields or in names and titles only, plus names that start with the whole query glued
together; both find typo candidates by shared trigrams (FTS5's trigram tokenizer,
pg_trgm's word-similarity distance). Ranking is not theirs: `selectors` ranks with the
same SQL on both (only the name of the substring function differs), so both databases
order results alike.

Terms are `text.tokens()` output (letters and digits only), so quoting them is enough:
nothing a person types can act as query syntax.

PostgreSQL's websearch_to_tsquery() is not used: it cannot match prefixes, which the
type-ahead and partial names need, and its operators ("-", "or", quotes) have no FTS5
twin that would keep both backends alike. The same terms go through to_tsquery().
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from packagegrid.search.text import PREFIX_WORDS, ParsedQuery, trigrams

# How many nearest names are checked for typos (by edit distance, in Python).
TYPO_CANDIDATES = 40
# Trigrams of the ecosystem prefixes are in most names: they say nothing about a typo.
_COMMON_TRIGRAMS = frozenset(trigrams(PREFIX_WORDS))

type SQL = tuple[str, list[Any]]  # a fragment and its parameters


class SearchBackend(Protocol):
    # SQL function giving the 1-based position of a substring (0 when absent), with the
    # arguments (haystack, needle).
    position_function: str

    def match_sql(self, query: ParsedQuery, *, any_term: bool = False, names: bool = False) -> SQL:
        """A condition true for documents with every term of `query` (or, with
        `any_term`, at least one) as a word prefix, anywhere or, with `names`, in the name
        and title fields only; and for documents with a name that starts with the whole
        query glued together ("url filter" finds django-url-filter)."""
        ...

    def after_rebuild(self) -> None:
        """Whatever the engine needs after the whole index was rewritten."""
        ...

    def typo_candidates_sql(self, forms: Sequence[str]) -> SQL:
        """A SELECT of the ids of at most TYPO_CANDIDATES documents whose compact names
        (`name_text`) share the most trigrams with `forms`."""
        ...


def _glued_forms(query: ParsedQuery) -> list[str]:
    """The query's glued forms that are not already one of its terms."""
    return [form for form in query.name_forms if form not in query.terms]


def _typo_trigrams(forms: Sequence[str]) -> list[str]:
    grams = trigrams(forms)
    return [gram for gram in grams if gram not in _COMMON_TRIGRAMS] or grams


class SQLiteBackend:
    position_function = "instr"

    def after_rebuild(self) -> None:
        # Merge the b-trees that thousands of single-row inserts left behind.
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cursor.execute("INSERT INTO search_trigram(search_trigram) VALUES ('optimize')")

    def match_sql(self, query: ParsedQuery, *, any_term: bool = False, names: bool = False) -> SQL:
        expression = (" OR " if any_term else " AND ").join(f'"{t}"*' for t in query.terms)
        if names:
            expression = f"{{name_text title_text}} : ({expression})"
        if glued := _glued_forms(query):
            names_like = " OR ".join(f'"{form}"*' for form in glued)
            expression = f"({expression}) OR {{name_text}} : ({names_like})"
        return "id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)", [expression]

    def typo_candidates_sql(self, forms: Sequence[str]) -> SQL:
        grams = _typo_trigrams(forms)
        if not grams:
            return "SELECT NULL WHERE 0", []
        expression = " OR ".join(f'"{gram}"' for gram in grams)
        return (
            "SELECT rowid FROM search_trigram WHERE search_trigram MATCH %s ORDER BY rank LIMIT %s",
            [expression, TYPO_CANDIDATES],
        )


class PostgreSQLBackend:
    position_function = "strpos"

    def after_rebuild(self) -> None:
        # Fresh statistics, or the planner guesses a handful of matches and scans the table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")

    def match_sql(self, query: ParsedQuery, *, any_term: bool = False, names: bool = False) -> SQL:
        weights = "AB" if names else ""
        joiner = " | " if any_term else " & "
        expression = joiner.join(f"'{term}':*{weights}" for term in query.terms)
        if glued := _glued_forms(query):
            names_like = " | ".join(f"'{form}':*A" for form in glued)
            expression = f"({expression}) | {names_like}"
        return "vector @@ to_tsquery('simple', %s)", [expression]

    def typo_candidates_sql(self, forms: Sequence[str]) -> SQL:
        # Nearest names by word-similarity distance (the best-matching name in name_text
        # counts), through the GiST trigram index.
        share = max(TYPO_CANDIDATES // max(len(forms), 1), 1)
        nearest = " UNION ".join(
            f"(SELECT id FROM search_searchdocument ORDER BY %s <<-> name_text LIMIT {share})"
            for _ in forms
        )
        return nearest or "SELECT NULL WHERE false", list(forms)


def search_backend() -> SearchBackend:
    """The backend for the default database's vendor."""
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    if connection.vendor == "postgresql":
        return PostgreSQLBackend()
    raise ImproperlyConfigured(f"Search supports SQLite and PostgreSQL, not {connection.vendor}.")
