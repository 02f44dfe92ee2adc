"""The two full-text backends behind one interface, chosen by the database vendor.

Each turns the tokens of a parsed query into a WHERE condition on search_searchdocument:
FTS5 `MATCH` on SQLite, `tsvector @@ tsquery` (GIN index) on PostgreSQL. Both match
every term as a word prefix ("crisp" finds "crispy") and, outside names, by its English
stem ("tasks" finds "task", "profiling" finds "profiler": FTS5's porter tokenizer in a
second FTS table, PostgreSQL's `english` configuration in a second vector, while names
stay in the `simple` form), all terms or any term, in all fields or in names and titles
only, plus names that start with the whole query glued together; both find typo
candidates by shared trigrams (FTS5's trigram tokenizer, pg_trgm's word-similarity
distance). READMEs have an index of their own, matched by stem only (`readme_sql`).
Ranking is not theirs: `selectors` ranks with the same SQL on both (only function names
differ), so both databases order results alike; the two stemmers (Porter and Snowball
English) differ on a few rare words.

Terms are `text.tokens()` output (letters and digits only), so quoting them is enough:
nothing a person types can act as query syntax.

PostgreSQL's websearch_to_tsquery() is not used: it cannot match prefixes, which the
type-ahead and partial names need, and its operators ("-", "or", quotes) have no FTS5
twin that would keep both backends alike. The same terms go through to_tsquery().
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    # SQL function giving the largest of two or more numbers.
    greatest_function: str
    # SQL aggregate joining a group's texts with a separator: (text, separator).
    concat_function: str
    # Whether a match condition used several times in one query is better computed once
    # (a MATERIALIZED CTE): FTS5 runs each MATCH subquery at each use, while PostgreSQL's
    # `@@` is a cheap test per row and a CTE would keep it from using the GIN indexes.
    match_once: bool

    def match_sql(self, query: ParsedQuery, *, any_term: bool = False, names: bool = False) -> SQL:
        """A condition true for documents that match every group of `query` (or, with
        `any_term`, at least one) through one of its alternatives, all of whose words
        match: as a word prefix anywhere or, with `names`, in the name and title fields
        only; outside names also as a word stem (the engine's English stemmer: "tasks"
        finds "task", "profiling" finds "profiler"). Also true for documents with a name
        that starts with the whole query glued together ("url filter" finds
        django-url-filter)."""
        ...

    def stem_sql(self, word: str, field: str) -> SQL:
        """A condition true for documents whose `field` ("title", "body" or "other") has
        a word with the same stem as `word`."""
        ...

    def readme_sql(self, query: ParsedQuery) -> SQL:
        """A condition true for documents whose README has every group of `query`
        through one of its alternatives, each word by its English stem."""
        ...

    def after_rebuild(self) -> None:
        """Whatever the engine needs after the whole index was rewritten."""
        ...

    def ranking_statement(self, sql: str, params: list[Any]) -> tuple[str, list[Any] | None]:
        """A ranking query as it is sent (`cursor.execute(*...)`, `raw(*...)`)."""
        ...

    # A SELECT of every distinct word of the plain index (one column).
    vocabulary_sql: str

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


def _tree(query: ParsedQuery, word: Callable[[str], str], *, any_term: bool, ops: str) -> str:
    """The groups of `query` as one boolean expression: groups joined by AND (OR with
    `any_term`), alternatives by OR, words by AND; `ops` is "AND OR" or "& |" and `word`
    renders one word."""
    and_, or_ = ops.split()

    def joined(parts: list[str], op: str) -> str:
        return parts[0] if len(parts) == 1 else "(" + f" {op} ".join(parts) + ")"

    groups = [
        joined([joined([word(w) for w in alt], and_) for alt in group], or_)
        for group in query.groups
    ]
    return joined(groups, or_ if any_term else and_)


class SQLiteBackend:
    position_function = "instr"
    greatest_function = "max"
    concat_function = "group_concat"
    match_once = True
    vocabulary_sql = "SELECT term FROM search_vocab"

    def after_rebuild(self) -> None:
        # Merge the b-trees that thousands of single-row inserts left behind.
        with connection.cursor() as cursor:
            for table in ("search_fts", "search_stem", "search_trigram"):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")

    def ranking_statement(self, sql: str, params: list[Any]) -> tuple[str, list[Any] | None]:
        return sql, params

    def match_sql(self, query: ParsedQuery, *, any_term: bool = False, names: bool = False) -> SQL:
        params: list[Any] = []
        if names:
            expression = _tree(query, lambda w: f'"{w}"*', any_term=any_term, ops="AND OR")
            params.append(f"{{name_text title_text}} : ({expression})")
            sql = "id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
        else:
            # Each word matches as a prefix in the plain table or by stem in the porter
            # one: two indexes, so each word is its own pair of lookups.
            def word(w: str) -> str:
                params.extend([f'"{w}"*', f'"{w}"'])
                return (
                    "(id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
                    " OR id IN (SELECT rowid FROM search_stem WHERE search_stem MATCH %s))"
                )

            sql = _tree(query, word, any_term=any_term, ops="AND OR")
        if glued := _glued_forms(query):
            names_like = " OR ".join(f'"{form}"*' for form in glued)
            sql = f"({sql} OR id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s))"
            params.append(f"{{name_text}} : ({names_like})")
        return sql, params

    def stem_sql(self, word: str, field: str) -> SQL:
        return (
            "id IN (SELECT rowid FROM search_stem WHERE search_stem MATCH %s)",
            [f'{{{field}_text}} : "{word}"'],
        )

    def readme_sql(self, query: ParsedQuery) -> SQL:
        expression = _tree(query, lambda w: f'"{w}"', any_term=False, ops="AND OR")
        return "id IN (SELECT rowid FROM search_readme WHERE search_readme MATCH %s)", [expression]

    def typo_candidates_sql(self, forms: Sequence[str]) -> SQL:
        grams = _typo_trigrams(forms)
        if not grams:
            return "SELECT NULL WHERE 0", []
        expression = " OR ".join(f'"{gram}"' for gram in grams)
        return (
            "SELECT rowid FROM search_trigram WHERE search_trigram MATCH %s ORDER BY rank LIMIT %s",
            [expression, TYPO_CANDIDATES],
        )


# Weights of the stemmed vector (`stems`): no names, B title, C description, D other.
_STEM_WEIGHTS = {"title": "B", "body": "C", "other": "D"}


class PostgreSQLBackend:
    position_function = "strpos"
    greatest_function = "GREATEST"
    concat_function = "string_agg"
    match_once = False
    # ts_stat reads every vector: the result is cached (selectors.search_vocabulary).
    vocabulary_sql = "SELECT word FROM ts_stat('SELECT vector FROM search_searchdocument')"

    def after_rebuild(self) -> None:
        # Fresh statistics, or the planner guesses a handful of matches and scans the table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")

    def ranking_statement(self, sql: str, params: list[Any]) -> tuple[str, list[Any] | None]:
        # The words written into the SQL as literals, by psycopg's client-side binding
        # (Django's `compose_sql`).
        # With parameters bound on the server (DATABASE_PREPARED_STATEMENTS), the fifth
        # run of one statement is prepared, and PostgreSQL then may keep a generic plan,
        # made without the words: it cannot tell that "django" matches nearly every
        # document and reads them through the GIN index (v4 search: 16 -> 23 ms). With
        # literals, each query's plan is made for its words, and a statement repeated
        # with the same words is still prepared.
        if not params:
            return sql, None
        return connection.ops.compose_sql(sql, params), None  # type: ignore[attr-defined]  # PostgreSQL's operations

    def match_sql(self, query: ParsedQuery, *, any_term: bool = False, names: bool = False) -> SQL:
        params: list[Any] = []
        if names:
            expression = _tree(query, lambda w: f"'{w}':*AB", any_term=any_term, ops="& |")
            sql = "vector @@ to_tsquery('simple', %s)"
            params.append(expression)
        else:
            # Each word matches as a prefix in the simple vector or by stem in the
            # English one (both GIN-indexed).
            def word(w: str) -> str:
                params.extend([f"'{w}':*", f"'{w}'"])
                return "(vector @@ to_tsquery('simple', %s) OR stems @@ to_tsquery('english', %s))"

            sql = _tree(query, word, any_term=any_term, ops="AND OR")
        if glued := _glued_forms(query):
            sql = f"({sql} OR vector @@ to_tsquery('simple', %s))"
            params.append(" | ".join(f"'{form}':*A" for form in glued))
        return sql, params

    def stem_sql(self, word: str, field: str) -> SQL:
        return "stems @@ to_tsquery('english', %s)", [f"'{word}':{_STEM_WEIGHTS[field]}"]

    def readme_sql(self, query: ParsedQuery) -> SQL:
        # The english configuration drops its stop words ("without") from the query,
        # which FTS5's porter table keeps: one of the rare differences of the two.
        expression = _tree(query, lambda w: f"'{w}'", any_term=False, ops="& |")
        return "readme_vector @@ to_tsquery('english', %s)", [expression]

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
