"""Search over packages and grids: one ranked list of both, on SQLite or PostgreSQL.

`search_items()` serves API v4 search and the type-ahead (top N, one query in the common
case); `search_page()` serves the results page (every match, facets, sorts, pages).

Ranking, identical on both databases because it is plain SQL over the indexed text:
- relevance: the whole query equal to a record's name (400) or the start of one (300),
  then, per term, a word of the title (12 whole word, 11 same stem, 10 prefix), of the
  description and PyPI summary and keywords (4 word or stem, 3 prefix), of the other
  fields (1); a term with synonyms scores its best alternative, a synonym 3/4 of what
  the typed word would; a name within 1-2 typos scores 230/210;
- quality, 0-99 (stored): a package's health score (`packagegrid.health`: maintenance,
  popularity, quality and compatibility), a grid's size on a log scale.
`weight = relevance * 100 + quality`, so quality only orders results of equal relevance:
it never lifts a weaker match over a stronger one. Equal weights are ordered by compact
name, then type and id, the same on both databases.

A record that matches the words as typed only through its README (its own index, by
stem) comes after every other match, typos and corrections included, whatever the sort.

Terms are expanded with the staff-edited synonym table first (`search_synonyms()`,
cached). All terms must match. When no record has them all, records with any term are ranked
instead (by how many match where) and names within edit distance 1-2 of the query are
added, above word matches: a query that matches nothing as typed is most likely a name
typed wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any, overload

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.safestring import SafeString

from packagegrid.catalog.models import Package
from packagegrid.grids.models import Grid
from packagegrid.health.models import Lifecycle
from packagegrid.search.backends import SQL, SearchBackend, search_backend
from packagegrid.search.documents import (
    FACET_KEYS,
    FACET_SEPARATOR,
    LISTING_DISCOVERED,
    LISTING_REVIEWED,
)
from packagegrid.search.models import SearchDocument, Synonym
from packagegrid.search.text import (
    ParsedQuery,
    SynonymMap,
    TermGroup,
    Vocabulary,
    clip,
    correct_query,
    edit_distance,
    expand_query,
    highlight,
    parse_query,
    synonym_map,
    typo_limit,
    vocabulary_buckets,
)

API_LIMIT = 20
PER_PAGE = 20
FACET_VALUES_SHOWN = 12
DESCRIPTION_CHARS = 240

EXACT_NAME = 400
NAME_PREFIX = 300
TYPO_NAME = 250  # minus 20 per edit
TYPO_STEP = 20
TITLE_WORD, TITLE_STEM, TITLE_PREFIX = 12, 11, 10
BODY_WORD, BODY_STEM, BODY_PREFIX = 4, 4, 3
# A match through a synonym counts this much of a match of the words typed.
SYNONYM_SHARE = Fraction(3, 4)
OTHER_PREFIX = 1
# Typo correction is skipped for names longer than this (no name is; it bounds the work).
MAX_TYPO_CHARS = 40
# The weight of a document found only through its README, before its quality (0-99):
# below zero, so below every other match.
README_ONLY_WEIGHT = -100

SORTS = {
    "relevance": "Relevance",
    "stars": "Stars",
    "last-commit": "Last commit",
    "usage": "Users",
}
DEFAULT_SORT = "relevance"


@dataclass(frozen=True, slots=True)
class SearchItem:
    """One search result, a package or a grid, with what the v4 search API shows."""

    item_type: str  # "package" or "grid"
    title: str
    slug: str
    description: str
    absolute_url: str
    created: datetime
    modified: datetime
    weight: int
    category: str = ""
    repo_watchers: int = 0
    repo_forks: int = 0
    score: int = 0
    usage: int = 0
    pypi_downloads: int = 0  # last month's downloads (pypistats), 0 when unknown
    participants: list[str] = field(default_factory=list)
    last_committed: datetime | None = None
    last_released: datetime | None = None
    health_score: int | None = None  # None until the package is scored, and for grids
    lifecycle: str = ""  # a `Lifecycle` value; "" until scored, and for grids
    reviewed: bool = True  # False: an auto-discovered package no person reviewed yet

    @property
    def lifecycle_label(self) -> str:
        """The lifecycle state as the pages name it ("Abandoned"), "" without one."""
        return str(LIFECYCLE_LABELS.get(self.lifecycle, ""))


# --- ranking ----------------------------------------------------------------------------
# The ranking query is written as SQL rather than built with ORM expressions: Django
# spends ~10 ms compiling and hashing a CASE per term on every search, more than the
# database takes to answer. The SQL is the same on both databases but for the name of
# the substring function, which each backend supplies.

_TABLE = SearchDocument._meta.db_table


def _q(name: str) -> str:
    """A quoted column name ("key" and "usage" are keywords), the same on both databases."""
    return f'"{name}"'


# What a result shows; the indexed text stays out of the sort (RawQuerySet defers it).
_ITEM_COLUMNS = ", ".join(
    _q(str(f.column))
    for f in SearchDocument._meta.concrete_fields
    if not f.name.endswith("_text") and f.name != "facets"
)
_TIE_ORDER = f"{_q('key')}, kind, COALESCE(package_id, 0), COALESCE(grid_id, 0)"
_SQL_ORDER = {
    "relevance": f"weight DESC, {_TIE_ORDER}",
    "stars": f"stars DESC, weight DESC, {_TIE_ORDER}",
    "usage": f"{_q('usage')} DESC, weight DESC, {_TIE_ORDER}",
    "last-commit": (
        "CASE WHEN last_commit_at IS NULL THEN 1 ELSE 0 END, last_commit_at DESC, "
        f"weight DESC, {_TIE_ORDER}"
    ),
}


def _weight_sql(parsed: ParsedQuery, *, backend: SearchBackend) -> SQL:
    """`relevance * 100 + quality` of a document for `parsed` (see the module)."""
    params: list[Any] = []

    def has(column: str, needle: str) -> str:
        params.append(needle)
        return f"{backend.position_function}({column}, %s) > 0"

    def stem(word: str, field: str) -> str:
        sql, stem_params = backend.stem_sql(word, field)
        params.extend(stem_params)
        return sql

    def word_points(term: str) -> str:
        return (
            f"CASE WHEN {has('title_text', f' {term} ')} THEN {TITLE_WORD}"
            f" WHEN {stem(term, 'title')} THEN {TITLE_STEM}"
            f" WHEN {has('title_text', f' {term}')} THEN {TITLE_PREFIX}"
            f" WHEN {has('body_text', f' {term} ')} THEN {BODY_WORD}"
            f" WHEN {stem(term, 'body')} THEN {BODY_STEM}"
            f" WHEN {has('body_text', f' {term}')} THEN {BODY_PREFIX}"
            f" WHEN {has('other_text', f' {term}')} THEN {OTHER_PREFIX}"
            f" WHEN {stem(term, 'other')} THEN {OTHER_PREFIX} ELSE 0 END"
        )

    def group_points(group: TermGroup) -> str:
        # An alternative scores the mean of its words; a synonym's alternative scores
        # SYNONYM_SHARE of that, so the words typed rank first. The group scores its best.
        scores = []
        for i, alternative in enumerate(group):
            total = " + ".join(word_points(w) for w in alternative)
            share = Fraction(1) if i == 0 else SYNONYM_SHARE
            divisor = share.denominator * len(alternative)
            scores.append(f"(({total}) * {share.numerator} / {divisor})")
        if len(scores) == 1:
            return scores[0]
        return f"{backend.greatest_function}({', '.join(scores)})"

    exact = " OR ".join(has("name_text", f" {form} ") for form in parsed.name_forms)
    prefix = " OR ".join(has("name_text", f" {form}") for form in parsed.name_forms)
    parts = [f"CASE WHEN {exact} THEN {EXACT_NAME} WHEN {prefix} THEN {NAME_PREFIX} ELSE 0 END"]
    parts += [group_points(group) for group in parsed.groups]
    return f"({' + '.join(parts)}) * 100 + quality", params


def _ranked_sql(
    parsed: ParsedQuery,
    *,
    columns: str,
    any_term: bool,
    names: bool = False,
    sort: str = DEFAULT_SORT,
    limit: int | None = None,
    reviewed_only: bool = False,
    readme: bool = False,
    ordered: bool = True,
) -> SQL:
    """The ranking query. With `readme`, documents that match only through their README
    come too, after every other match whatever the sort, with a weight below zero
    (README_ONLY_WEIGHT + quality): `_readme_only()` tells them apart. Without `ordered`,
    the matches with their weights in no order (no ORDER BY, no LIMIT)."""
    backend = search_backend()
    weight, weight_params = _weight_sql(parsed, backend=backend)
    match, match_params = backend.match_sql(parsed, any_term=any_term, names=names)
    order = _SQL_ORDER[sort]
    listed, listed_params = (" AND reviewed = %s", [True]) if reviewed_only else ("", [])
    if not readme:
        params = weight_params + match_params + listed_params
        sql = f"SELECT {columns}, {weight} AS weight FROM {_TABLE} WHERE {match}{listed}"
    else:
        readme_match, readme_params = backend.readme_sql(parsed)
        params = []
        if backend.match_once:
            # Each FTS5 subquery of `match` would run again at each use below: run them
            # once into a materialised set and look ids up in it.
            params += match_params
            prefix = f"WITH matched AS MATERIALIZED (SELECT id FROM {_TABLE} WHERE {match}) "
            match, match_params = "id IN (SELECT id FROM matched)", []
        else:
            prefix = ""
        params += [*match_params, *weight_params, *match_params, *readme_params, *listed_params]
        sql = (
            f"{prefix}SELECT {columns}, CASE WHEN {match} THEN {weight}"
            f" ELSE {README_ONLY_WEIGHT} + quality END AS weight"
            f" FROM {_TABLE} WHERE (({match}) OR {readme_match}){listed}"
        )
        if sort != DEFAULT_SORT and ordered:  # relevance puts them last: their weight is < 0
            order = f"CASE WHEN {match} THEN 0 ELSE 1 END, {order}"
            params += match_params
    if not ordered:
        return sql, params
    sql += f" ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    return sql, params


def _typo_matches(parsed: ParsedQuery) -> list[SearchDocument]:
    """Documents with a compact name within 1-2 edits of the query (one query), their
    `weight` set; [] when the query is too short or too long for typos."""
    forms = [f for f in parsed.name_forms if typo_limit(len(f)) and len(f) <= MAX_TYPO_CHARS]
    if not forms:
        return []
    candidates_sql, params = search_backend().typo_candidates_sql(forms)
    found = []
    for document in SearchDocument.objects.filter(id__in=RawSQL(candidates_sql, params)):
        distances = [
            distance
            for form in forms
            for key in document.name_text.split()
            if (distance := edit_distance(form, key, limit=typo_limit(len(form))))
            <= typo_limit(len(form))
        ]
        if distances:
            relevance = TYPO_NAME - TYPO_STEP * min(distances)
            document.weight = (  # type: ignore[attr-defined]  # ranking weight set on the row
                relevance * 100 + document.quality
            )
            found.append(document)
    return found


def _tie_key(weight: int, key: str, kind: str, package_id: int | None, grid_id: int | None) -> Any:
    """The SQL relevance order (`_SQL_ORDER["relevance"]`), for lists merged in Python."""
    return (-weight, key, kind, package_id or 0, grid_id or 0)


def _merged(
    documents: Sequence[SearchDocument], extra: Sequence[SearchDocument]
) -> list[SearchDocument]:
    """Both lists in rank order; a document in both keeps its higher weight."""
    by_id = {d.pk: d for d in documents}
    for document in extra:
        if document.pk not in by_id or by_id[document.pk].weight < document.weight:  # type: ignore[attr-defined]  # ranking weight set on the row
            by_id[document.pk] = document
    return sorted(
        by_id.values(),
        key=lambda d: _tie_key(d.weight, d.key, d.kind, d.package_id, d.grid_id),  # type: ignore[attr-defined]  # ranking weight set on the row
    )


def _item(document: SearchDocument) -> SearchItem:
    if document.kind == SearchDocument.Kind.GRID:
        url = reverse("grid", kwargs={"slug": document.slug})
    else:
        url = reverse("package", kwargs={"slug": document.slug})
    return SearchItem(
        item_type=document.kind,
        title=document.title,
        slug=document.slug,
        description=document.description,
        absolute_url=url,
        created=document.created,
        modified=document.modified,
        # 0 for a match through the README only (ranked below zero).
        weight=max(document.weight, 0),  # type: ignore[attr-defined]  # ranking weight set on the row
        category=document.category,
        repo_watchers=document.stars,
        repo_forks=document.forks,
        # API v4's `score` keeps its old meaning, the star count; the health score is
        # `health_score` (API v5 carries it in full).
        score=document.stars,
        usage=document.usage,
        pypi_downloads=document.downloads,
        participants=document.participants.split(",") if document.participants else [],
        last_committed=document.last_commit_at,
        last_released=document.last_release_at,
        health_score=document.health_score,
        lifecycle=document.lifecycle,
        reviewed=document.reviewed,
    )


# --- synonyms ---------------------------------------------------------------------------

SYNONYMS_CACHE_KEY = "search:synonyms"
# Changes drop the cached table at once (receivers); the timeout only bounds how long a
# table read by a request that raced with a change can outlive it.
SYNONYMS_CACHE_SECONDS = 3600


def search_synonyms() -> SynonymMap:
    """The synonym table as query expansion reads it: from the cache, else one query."""
    table: SynonymMap | None = cache.get(SYNONYMS_CACHE_KEY)
    if table is None:
        table = synonym_map(Synonym.objects.values_list("phrase", "expansion", "both_ways"))
        cache.set(SYNONYMS_CACHE_KEY, table, SYNONYMS_CACHE_SECONDS)
    return table


VOCABULARY_CACHE_KEY = "search:vocabulary"
# New words wait this long to be offered as corrections (a rebuild drops it at once).
VOCABULARY_CACHE_SECONDS = 600


def search_vocabulary() -> Vocabulary:
    """The words of the index by first letter, for correcting misspelt words: from the
    cache, else one query."""
    vocabulary: Vocabulary | None = cache.get(VOCABULARY_CACHE_KEY)
    if vocabulary is None:
        with connection.cursor() as cursor:
            cursor.execute(search_backend().vocabulary_sql)
            vocabulary = vocabulary_buckets(row[0] for row in cursor.fetchall())
        cache.set(VOCABULARY_CACHE_KEY, vocabulary, VOCABULARY_CACHE_SECONDS)
    return vocabulary


def _parsed(query: str) -> ParsedQuery | None:
    """`query` read and expanded with the synonym table; None without letters or digits."""
    parsed = parse_query(query)
    return expand_query(parsed, search_synonyms()) if parsed is not None else None


def search_items(
    *,
    query: str,
    limit: int = API_LIMIT,
    names: bool = False,
    any_term: bool = False,
    reviewed_only: bool = False,
) -> list[SearchItem]:
    """The `limit` best packages and grids for `query`, best first.

    One query when some record has every word of the query. Otherwise typo candidates
    are looked up (one more query) and, for several words, records with any word, with
    misspelt words corrected (one more); for one word that is no name's typo, records
    with its corrections (one more, when it has some). Corrections come from the index's
    words (one more query when they are not cached). With `names`, only names and titles
    are searched (the type-ahead). With `any_term`, records with any word of the query
    rank from the start, as for "more like this" (a description used as the query).
    With `reviewed_only`, packages no person has reviewed yet (auto-discovered) are left
    out, as API v4 leaves them out everywhere.
    Returns [] for a query without letters or digits;
    never raises on odd input (punctuation, FTS syntax, control characters, 10,000
    characters). The synonym table costs one more
    query when it is not cached.
    """
    parsed = _parsed(query)
    if parsed is None:
        return []

    def ranked(query: ParsedQuery, any_term: bool, readme: bool = False) -> list[SearchDocument]:
        sql, params = _ranked_sql(
            query,
            columns=_ITEM_COLUMNS,
            any_term=any_term,
            names=names,
            limit=limit,
            reviewed_only=reviewed_only,
            readme=readme,
        )
        return list(SearchDocument.objects.raw(*search_backend().ranking_statement(sql, params)))

    # READMEs are searched with the words as typed (not for the type-ahead or "more like
    # this"); what only they match comes after everything else, typos and corrections too.
    documents = ranked(parsed, any_term=any_term, readme=not (names or any_term))
    by_readme = [d for d in documents if _readme_only(d.weight)]  # type: ignore[attr-defined]  # ranking weight set on the row
    documents = documents[: len(documents) - len(by_readme)]
    if not documents:
        typos = [d for d in _typo_matches(parsed) if d.reviewed or not reviewed_only]
        if len(parsed.groups) > 1 and not names:
            documents = ranked(correct_query(parsed, search_vocabulary()), any_term=True)
        elif not typos and not names:
            # One word, no name close to it: perhaps a misspelt word.
            corrected = correct_query(parsed, search_vocabulary())
            documents = ranked(corrected, any_term=False) if corrected is not parsed else []
        documents = _merged(documents, typos)[:limit]
    found = {document.pk for document in documents}
    documents += [document for document in by_readme if document.pk not in found]
    return [_item(document) for document in documents[:limit]]


def _readme_only(weight: int) -> bool:
    """Whether a ranked document matched only through its README (`_ranked_sql`)."""
    return weight < 0


def search_index_is_complete() -> bool:
    """Whether every package and grid has its document (three counts)."""
    expected = Package.objects.count() + Grid.objects.count()
    return SearchDocument.objects.count() == expected


# --- the type-ahead ---------------------------------------------------------------------

SUGGESTIONS = 8
SUGGESTION_DESCRIPTION_CHARS = 90


@dataclass(frozen=True, slots=True)
class Suggestion:
    item: SearchItem
    title_html: SafeString
    description: str


def search_suggestions(*, query: str, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """The type-ahead: up to `limit` packages and grids whose names or titles match
    `query` (typos included), best first, titles highlighted. [] for an empty query."""
    parsed = parse_query(query)
    if parsed is None:
        return []
    return [
        Suggestion(
            item=item,
            title_html=highlight(item.title, parsed.terms),
            description=clip(item.description, SUGGESTION_DESCRIPTION_CHARS),
        )
        for item in search_items(query=query, limit=limit, names=True)
    ]


# --- the results page -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Facet values chosen on the results page (empty string: not filtered)."""

    type: str = ""
    listing: str = ""
    category: str = ""
    grid: str = ""
    license: str = ""
    django: str = ""
    python: str = ""
    lifecycle: str = ""
    pypi: str = ""

    def active(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in FACET_KEYS if getattr(self, key)}


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True, slots=True)
class Facet:
    key: str
    label: str
    values: list[FacetValue]
    selected: FacetValue | None


@dataclass(frozen=True, slots=True)
class SearchHit:
    item: SearchItem
    title_html: SafeString
    description_html: SafeString


@dataclass(frozen=True, slots=True)
class SearchPage:
    query: str
    searched: bool  # False when the query had no letters or digits
    hits: list[SearchHit]
    page: Page[Any] | None
    total: int
    facets: list[Facet]
    typo_matches: bool  # names close to the query were included


FACET_LABELS = {
    "type": "Type",
    "listing": "Listing",
    "category": "Category",
    "grid": "Grid",
    "license": "License",
    "django": "Django",
    "python": "Python",
    "lifecycle": "Lifecycle",
    "pypi": "PyPI",
}
LIFECYCLE_LABELS = dict(Lifecycle.choices)
# The old "status" facet's values, each the lifecycle state it now is (`search_filters`).
# Its "active" meant only "neither archived nor deprecated", dead packages included; the
# nearest honest reading is the lifecycle state "active".
STATUS_LIFECYCLES = {"active": "active", "archived": "archived", "deprecated": "deprecated"}
_VALUE_LABELS = {
    ("type", "package"): "Packages",
    ("type", "grid"): "Grids",
    ("listing", LISTING_REVIEWED): "Reviewed",
    ("listing", LISTING_DISCOVERED): "Auto-discovered",
    **{("lifecycle", value): str(label) for value, label in Lifecycle.choices},
    ("pypi", "yes"): "Has a PyPI release",
    ("pypi", "no"): "No PyPI release",
}

# One short row per match: (id, facets, weight), read in the order of the chosen sort.
# Only when rows from two queries are merged (typos) are the sort keys read as well:
# (id, facets, key, kind, package_id, grid_id, stars, usage, last_commit_at, weight).
# Every column costs: 5,000 matches x 10 columns take as long to read as the search.
_SHORT_COLUMNS = "id, facets"
_FULL_COLUMNS = ", ".join(
    _q(name) for name in ("id", "facets", "key", "kind", "package_id", "grid_id", "stars", "usage")
)
_FULL_COLUMNS += ", last_commit_at"
type _Row = tuple[Any, ...]
_ID, _FACETS, _KEY, _KIND, _PACKAGE, _GRID, _STARS, _USAGE, _COMMIT, _WEIGHT = range(10)


def _document_row(document: SearchDocument) -> _Row:
    return (
        document.pk,
        document.facets,
        document.key,
        document.kind,
        document.package_id,
        document.grid_id,
        document.stars,
        document.usage,
        document.last_commit_at,
        document.weight,  # type: ignore[attr-defined]  # ranking weight set on the row
    )


def _sorted_rows(rows: list[_Row], sort: str) -> list[_Row]:
    """`rows` in the order `_SQL_ORDER[sort]` gives (for lists merged in Python)."""
    rows = sorted(
        rows, key=lambda r: _tie_key(r[_WEIGHT], r[_KEY], r[_KIND], r[_PACKAGE], r[_GRID])
    )
    if sort == "stars":
        rows.sort(key=lambda r: r[_STARS], reverse=True)  # stable: ties keep relevance order
    elif sort == "usage":
        rows.sort(key=lambda r: r[_USAGE], reverse=True)
    elif sort == "last-commit":
        rows.sort(key=lambda r: _epoch(r[_COMMIT]), reverse=True)
    return rows


def _epoch(moment: datetime | None) -> float:
    """Seconds since 1970 (-inf for None); SQLite rows hold naive UTC datetimes."""
    if moment is None:
        return float("-inf")
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _filtered(rows: list[_Row], active: dict[str, str]) -> tuple[list[_Row], Counter[str]]:
    """The rows that pass every filter, and facet line counts where each facet counts the
    rows that pass every *other* filter (so a chosen facet still lists its alternatives)."""
    if not active:  # the common case, at C speed: 5,000 matches take a few milliseconds
        return rows, Counter(
            FACET_SEPARATOR.join(row[_FACETS] for row in rows).split(FACET_SEPARATOR)
        )
    counts: Counter[str] = Counter()
    wanted = {f"{key}={value}" for key, value in active.items()}
    kept = []
    for row in rows:
        lines = row[_FACETS].split(FACET_SEPARATOR)
        heads = {line.split("\t", 1)[0] for line in lines}
        failed = [head.split("=", 1)[0] for head in wanted - heads]
        if not failed:
            kept.append(row)
            counts.update(lines)
        elif len(failed) == 1:
            prefix = f"{failed[0]}="
            counts.update(line for line in lines if line.startswith(prefix))
    return kept, counts


def _facets(counts: Counter[str], active: dict[str, str]) -> list[Facet]:
    values: dict[str, list[FacetValue]] = {key: [] for key in FACET_KEYS}
    for line, count in counts.items():
        head, _, label = line.partition("\t")
        key, _, value = head.partition("=")
        if key not in values:
            continue
        label = _VALUE_LABELS.get((key, value), label or value)
        values[key].append(FacetValue(value, label, count, active.get(key) == value))
    facets = []
    for key in FACET_KEYS:
        if key in ("django", "python"):
            options = sorted(values[key], key=lambda v: _version_key(v.value), reverse=True)
        elif key == "lifecycle":  # from alive to gone, as the states are defined
            options = sorted(values[key], key=lambda v: _LIFECYCLE_ORDER.get(v.value, 99))
        else:
            options = sorted(values[key], key=lambda v: (-v.count, v.label.casefold()))
        selected = next((v for v in options if v.selected), None)
        if key == "listing" and len(options) < 2 and selected is None:
            continue  # every match reviewed (or every one not): nothing to choose
        shown = options[:FACET_VALUES_SHOWN]
        if selected is not None and selected not in shown:
            shown.append(selected)
        if shown:
            facets.append(Facet(key, FACET_LABELS[key], shown, selected))
    return facets


_LIFECYCLE_ORDER = {value: i for i, value in enumerate(Lifecycle.values)}


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def _hit(document: SearchDocument, parsed: ParsedQuery) -> SearchHit:
    return SearchHit(
        item=_item(document),
        title_html=highlight(document.title, parsed.words),
        description_html=highlight(clip(document.description, DESCRIPTION_CHARS), parsed.words),
    )


# The page query's parts (`_page_sql`): the page's rows, the README-only matches when
# nothing else matches, and one row per distinct facet lines with how many matches have them.
_PAGE, _README_ROWS, _FACET_GROUPS = 0, 1, 2


def _order_sql(sort: str) -> str:
    """`_SQL_ORDER[sort]` over ranked rows, README-only matches (weight < 0) last."""
    if sort == DEFAULT_SORT:
        return _SQL_ORDER[sort]  # their weight puts them last already
    return f"CASE WHEN weight < 0 THEN 1 ELSE 0 END, {_SQL_ORDER[sort]}"


def _page_sql(parsed: ParsedQuery, *, sort: str, offset: int, limit: int, facets: bool) -> SQL:
    """One query for the results page without filters: the matches (README-only ones too)
    are ranked once into a materialised set; from it come the `limit` rows from `offset`
    in the sort's order (part _PAGE), every README-only match when nothing else matches
    (_README_ROWS, what the typo path needs) and, with `facets`, the facet lines of the
    matches (_FACET_GROUPS).

    Matches are grouped by their `facets` text and kind of match; the groups with the
    same number of matches `n` and kind come as one row: their `facets` texts joined by
    newlines, `weight` -1 for README-only matches (else 0), `n`, and in `id` how many
    matches the row stands for. So the database sorts only for the page (a top-N sort) and
    sends a handful of rows for the 28,925 matches of "django" at PyPI scale, not 7,562
    groups of one, whose reading and counting in Python took longer than the ranking.

    Rows: (part, *_FULL_COLUMNS, weight, n).
    """
    backend = search_backend()
    ranked, params = _ranked_sql(
        parsed, columns=_FULL_COLUMNS, any_term=False, sort=sort, readme=True, ordered=False
    )
    nulls = ", ".join(["NULL"] * (_COMMIT - _FACETS))
    sql = (
        f"WITH m AS MATERIALIZED ({ranked})"
        f" SELECT {_PAGE}, {_FULL_COLUMNS}, weight, 1 FROM"
        f" (SELECT * FROM m ORDER BY {_order_sql(sort)} LIMIT %s OFFSET %s) page"
        f" UNION ALL SELECT {_README_ROWS}, {_FULL_COLUMNS}, weight, 1 FROM m"
        " WHERE weight < 0 AND NOT EXISTS (SELECT 1 FROM m WHERE weight >= 0)"
    )
    params = [*params, limit, offset]
    if facets:
        sql += (
            f" UNION ALL SELECT {_FACET_GROUPS}, n * COUNT(*),"
            f" {backend.concat_function}(facets, %s), {nulls}, kind_of_match, n FROM"
            " (SELECT facets, CASE WHEN weight < 0 THEN -1 ELSE 0 END AS kind_of_match,"
            " COUNT(*) AS n FROM m GROUP BY facets, kind_of_match)"
            " AS grouped GROUP BY kind_of_match, n"
        )
        params.append(FACET_SEPARATOR)
    return sql, params


def _page_rows(rows: list[_Row], sort: str) -> list[_Row]:
    """The page's rows (without their part and `n`) in the sort's order: a UNION ALL
    keeps no order, so they are put back in it in Python (`_sorted_rows`)."""
    found = [row[1:-1] for row in rows if row[0] == _PAGE]
    matched = [row for row in found if not _readme_only(row[_WEIGHT])]
    by_readme = [row for row in found if _readme_only(row[_WEIGHT])]
    return _sorted_rows(matched, sort) + _sorted_rows(by_readme, sort)


class _KnownPage(Sequence[_Row]):
    """The matches as the paginator slices them: `total` long, the rows of one page known
    (`rows` from `offset`); another slice (a page number past the end or below 1, which
    the paginator turns into the last page) is read with `fetch(offset, limit)`."""

    def __init__(
        self,
        *,
        total: int,
        offset: int,
        rows: list[_Row],
        fetch: Any,  # (int, int) -> rows
    ) -> None:
        self.total, self.offset, self.rows, self.fetch = total, offset, rows, fetch

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> _Row: ...
    @overload
    def __getitem__(self, index: slice) -> list[_Row]: ...
    def __getitem__(self, index: int | slice) -> _Row | list[_Row]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(self.total)
        if start == self.offset and stop - start <= len(self.rows):
            return self.rows[: stop - start]
        rows: list[_Row] = self.fetch(start, max(stop - start, 0))
        return rows


def _requested_offset(page_number: str | int, per_page: int) -> int:
    """Where the page asked for starts, as the paginator reads the number (not a whole
    number: the first page); a number out of range is read again once the total is known."""
    try:
        number = int(page_number)
    except (TypeError, ValueError):
        return 0
    return max(number - 1, 0) * per_page


def _facet_counts(groups: list[_Row]) -> Counter[str]:
    """Facet line counts from the _FACET_GROUPS rows: each row's lines, `n` times."""
    counts: Counter[str] = Counter()
    for row in groups:
        lines = Counter(row[_FACETS + 1].split(FACET_SEPARATOR))
        n = row[-1]
        if n != 1:
            lines = Counter({line: count * n for line, count in lines.items()})
        counts.update(lines)
    return counts


def search_page(
    *,
    query: str,
    filters: SearchFilters,
    sort: str = DEFAULT_SORT,
    page_number: str | int = 1,
    per_page: int = PER_PAGE,
) -> SearchPage:
    """Every match of `query`, filtered, counted by facet, sorted, and one page of them.

    Two queries in the common case (the page's matches in order with the facet counts,
    then the page's documents); a page number out of range costs one more. When no
    record has every word, one more for typo candidates and one for records with any
    word (several words) or with a misspelt word's corrections (one word that is no
    name's typo), plus one for the index's words when they are not cached. Without
    filters, the database counts matches per distinct facet lines (`_page_sql`); with
    filters, each match is one short row and facets are counted in Python, where a
    chosen facet still counts its alternatives. The synonym table costs one more query
    when it is not cached.
    """
    parsed = _parsed(query)
    if parsed is None:
        return SearchPage(query, False, [], None, 0, [], False)
    sort = sort if sort in _SQL_ORDER else DEFAULT_SORT
    active = filters.active()

    def rows_for(
        terms: ParsedQuery, any_term: bool, columns: str = _SHORT_COLUMNS, readme: bool = False
    ) -> list[_Row]:
        sql, params = _ranked_sql(
            terms, columns=columns, any_term=any_term, sort=sort, readme=readme
        )
        return _fetch(sql, params)

    def page_of(offset: int, limit: int, facets: bool = False) -> list[_Row]:
        sql, params = _page_sql(parsed, sort=sort, offset=offset, limit=limit, facets=facets)
        return _fetch(sql, params)

    if not active:
        offset = _requested_offset(page_number, per_page)
        found = page_of(offset, per_page, facets=True)
        groups = [row for row in found if row[0] == _FACET_GROUPS]
        if any(row[-2] == 0 for row in groups):  # some record matches other than by README
            total = sum(row[1] for row in groups)
            known = _KnownPage(
                total=total,
                offset=offset,
                rows=_page_rows(found, sort),
                fetch=lambda start, limit: _page_rows(page_of(start, limit), sort),
            )
            page = Paginator(known, per_page).get_page(page_number)
            return _search_page(parsed, query, page, total, _facet_counts(groups), active, False)
        rows: list[_Row] = []
        by_readme = [row[1:-1] for row in found if row[0] == _README_ROWS]
        by_readme = _sorted_rows(by_readme, sort)
    else:
        # Matches through READMEs only come last (see `search_items`).
        rows = rows_for(parsed, any_term=False, readme=True)
        by_readme = [row for row in rows if _readme_only(row[-1])]
        rows = rows[: len(rows) - len(by_readme)]
    typo_matches = False
    if not rows:
        typos = _typo_matches(parsed)
        if len(parsed.groups) > 1:
            corrected = correct_query(parsed, search_vocabulary())
            rows = rows_for(corrected, any_term=True, columns=_FULL_COLUMNS)
        elif not typos:
            # One word, no name close to it: perhaps a misspelt word.
            corrected = correct_query(parsed, search_vocabulary())
            if corrected is not parsed:
                rows = rows_for(corrected, any_term=False, columns=_FULL_COLUMNS)
        known_rows = {row[_ID]: row for row in rows}
        for document in typos:
            row = _document_row(document)
            if row[_ID] not in known_rows or known_rows[row[_ID]][_WEIGHT] < row[_WEIGHT]:
                known_rows[row[_ID]] = row
                typo_matches = True
        rows = [
            (r[_ID], r[_FACETS], r[_WEIGHT]) for r in _sorted_rows(list(known_rows.values()), sort)
        ]
    found_ids = {row[_ID] for row in rows}
    rows += [(r[_ID], r[_FACETS], r[-1]) for r in by_readme if r[_ID] not in found_ids]
    kept, counts = _filtered(rows, active)
    page = Paginator(kept, per_page).get_page(page_number)
    return _search_page(parsed, query, page, len(kept), counts, active, typo_matches)


def _fetch(sql: str, params: list[Any]) -> list[_Row]:
    with connection.cursor() as cursor:
        cursor.execute(*search_backend().ranking_statement(sql, params))
        found: list[_Row] = cursor.fetchall()
        return found


def _search_page(
    parsed: ParsedQuery,
    query: str,
    page: Page[Any],
    total: int,
    counts: Counter[str],
    active: dict[str, str],
    typo_matches: bool,
) -> SearchPage:
    """The results page from one page of rows (id first, weight last): their documents
    (one query) and the facets."""
    weights = {row[_ID]: row[-1] for row in page.object_list}
    documents = SearchDocument.objects.in_bulk(list(weights))
    hits = []
    for row in page.object_list:
        shown = documents.get(row[_ID])
        if shown is not None:  # deleted since the first query
            shown.weight = weights[row[_ID]]  # type: ignore[attr-defined]  # ranking weight set on the row
            hits.append(_hit(shown, parsed))
    return SearchPage(
        query=query,
        searched=True,
        hits=hits,
        page=page,
        total=total,
        facets=_facets(counts, active),
        typo_matches=typo_matches,
    )
