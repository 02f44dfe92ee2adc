"""Search text handling without the ORM: tokens, parsed queries, edit distance, highlights.

Both database backends index text that this module has already reduced to lowercase
letter-and-digit tokens separated by single spaces, and both receive queries built from
the same tokens, so SQLite FTS5 and PostgreSQL see exactly the same words. Nothing a
person types reaches a full-text query parser as syntax.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# What is read of a query: longer input is cut (a 10,000-character query costs nothing).
MAX_QUERY_CHARS = 200
MAX_TERMS = 8
MAX_TOKEN_CHARS = 40

# Ecosystem prefixes that nearly every name carries: they never match on their own next
# to other words, and never stop a name from matching ("django-rest" finds "rest").
PREFIX_WORDS = ("django", "drf", "dj")  # longest first: "django" is stripped before "dj"
# Words that only widen a prefix query ("for" would match "forms").
STOP_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "is", "it", "of", "on", "or"}
    | {"the", "to", "with", "your", "that", "this", "into", "via"}
)

# Words that say what the person wants to do, not what the package is ("find slow
# queries", "build a rest api"): like stop words, dropped from the required terms.
NEED_WORDS = frozenset(
    {"app", "apps", "package", "packages", "library", "libraries"}
    | {"want", "need", "how", "best", "good", "use", "using", "add", "make", "build"}
    | {"find", "get", "create", "do", "run", "my", "some", "something", "way"}
)

_TOKEN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """`text` without accents, in compatibility form and case-folded ("Café" -> "cafe")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> list[str]:
    """The folded letter/digit runs of `text`, in order; runs longer than MAX_TOKEN_CHARS
    are dropped (no real word is that long, and PostgreSQL ignores very long words)."""
    return [t for t in _TOKEN.findall(fold(text)) if len(t) <= MAX_TOKEN_CHARS]


def index_text(*parts: str) -> str:
    """Indexed form of `parts`: their tokens joined by single spaces, with a space at each
    end so that `LIKE '% word%'` finds a word prefix anywhere, first word included."""
    words = [t for part in parts for t in tokens(part)]
    return f" {' '.join(words)} " if words else ""


def compact(text: str) -> str:
    """All tokens glued together: "Django REST framework" -> "djangorestframework"."""
    return "".join(tokens(text))[:100]


def strip_prefix(key: str) -> str:
    """`key` without a leading ecosystem prefix ("djangorestframework" -> "restframework").

    Returns "" when there is no prefix or nothing would remain.
    """
    for prefix in PREFIX_WORDS:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return ""


def name_keys(*names: str) -> list[str]:
    """The compact forms of a record's names and their forms without a prefix, deduplicated.

    >>> name_keys("djangorestframework", "Django REST framework")
    ['djangorestframework', 'restframework']
    """
    keys: list[str] = []
    for name in names:
        key = compact(name)
        for candidate in (key, strip_prefix(key)):
            if candidate and candidate not in keys:
                keys.append(candidate)
    return keys


# What a query requires: one group per typed term or phrase with synonyms, each group a
# tuple of alternatives (the typed words first), each alternative words that all match.
type Alternative = tuple[str, ...]
type TermGroup = tuple[Alternative, ...]
# Synonym table as the query expansion reads it: `synonym_key()` of a phrase -> the
# phrases (their `synonym_words()`) to search for as well.
type SynonymMap = Mapping[tuple[str, ...], tuple[Alternative, ...]]


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query reduced to tokens.

    `terms` must each match (as a word prefix or, outside names, as a word stem)
    somewhere in a record; `compact` and `bare` are the whole query glued together, with
    and without an ecosystem prefix, compared with record names for exact and prefix name
    matches. `expanded` holds the groups after synonym expansion (`expand_query`); empty
    when not expanded.
    """

    terms: tuple[str, ...]
    compact: str
    bare: str
    expanded: tuple[TermGroup, ...] = ()

    @property
    def groups(self) -> tuple[TermGroup, ...]:
        """What must match: every group, through any one of its alternatives."""
        return self.expanded or tuple(((term,),) for term in self.terms)

    @property
    def words(self) -> tuple[str, ...]:
        """Every word of every alternative, typed words first, once each (highlights)."""
        found = dict.fromkeys(w for group in self.groups for alt in group for w in alt)
        return tuple(found)

    @property
    def name_forms(self) -> tuple[str, ...]:
        """The forms compared with names: `compact`, and `bare` when there is one."""
        return (self.compact, self.bare) if self.bare else (self.compact,)


def parse_query(text: str) -> ParsedQuery | None:
    """Read a query as typed; None when it has no letters or digits at all.

    Punctuation, quotes, FTS operators and control characters are separators, so any
    input is safe. Ecosystem prefixes and stop words are dropped from the required terms
    unless nothing else is left.
    """
    words = list(dict.fromkeys(tokens(text[:MAX_QUERY_CHARS])))[:MAX_TERMS]
    if not words:
        return None
    glued = "".join(words)[:100]
    bare = strip_prefix(glued)
    return ParsedQuery(terms=_required(words), compact=glued, bare=bare)


def _required(words: list[str]) -> tuple[str, ...]:
    """`words` without prefixes, stop words and need words, unless nothing is left: then
    without stop words, or all of them."""
    terms = [w for w in words if w not in PREFIX_WORDS and w not in STOP_WORDS]
    if meaningful := [w for w in terms if w not in NEED_WORDS]:
        return tuple(meaningful)
    return tuple(terms or [w for w in words if w not in STOP_WORDS] or words)


def synonym_words(text: str) -> tuple[str, ...]:
    """The words a synonym phrase stands for, read as a query's required terms are
    ("Django REST framework" -> ("rest", "framework")); () when it has no letters or
    digits."""
    words = list(dict.fromkeys(tokens(text)))
    return _required(words) if words else ()


def synonym_key(words: Iterable[str]) -> tuple[str, ...]:
    """The form in which synonym phrases and query terms are compared: each word without
    a plural "s" ("background tasks" and "background task" meet), so that a person's
    plural or singular finds the same entry."""
    return tuple(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )


def expand_query(parsed: ParsedQuery, synonyms: SynonymMap) -> ParsedQuery:
    """`parsed` with its terms grouped with their synonyms: the longest run of terms that
    is a synonym phrase becomes one group (the typed words, then each synonym phrase);
    other terms stay groups of one. Returns `parsed` itself when nothing expands.

    >>> expand_query(parse_query("drf"), {("drf",): (("rest", "framework"),)}).groups
    ((('drf',), ('rest', 'framework')),)
    """
    if not synonyms:
        return parsed
    longest = max(len(key) for key in synonyms)
    terms, groups, i, expanded = parsed.terms, [], 0, False
    while i < len(terms):
        for size in range(min(longest, len(terms) - i), 0, -1):
            phrase = terms[i : i + size]
            alternatives = synonyms.get(synonym_key(phrase))
            if alternatives:
                group = dict.fromkeys((phrase, *alternatives))
                groups.append(tuple(group))
                i += size
                expanded = True
                break
        else:
            groups.append(((terms[i],),))
            i += 1
    return replace(parsed, expanded=tuple(groups)) if expanded else parsed


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Optimal-string-alignment distance between `a` and `b` (a swap of two neighbouring
    letters counts as one edit), or `limit + 1` as soon as it is known to exceed `limit`.

    >>> edit_distance("djnago", "django", limit=2)
    1
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        # Later rows only grow from here (a swap reaches back one more row, at a cost of 1).
        if min(current) > limit and min(previous) >= limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def typo_limit(length: int) -> int:
    """Edits tolerated in a name of `length` characters: none under 4, one under 8, else 2."""
    if length < 4:
        return 0
    return 1 if length < 8 else 2


def trigrams(words: Iterable[str]) -> list[str]:
    """The distinct three-character substrings of `words`, in order of appearance."""
    seen: dict[str, None] = {}
    for word in words:
        for i in range(len(word) - 2):
            seen.setdefault(word[i : i + 3])
    return list(seen)


def clip(text: str, length: int) -> str:
    """`text` with whitespace collapsed, cut at a word boundary to at most `length`
    characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    space = cut.rfind(" ")
    if space > length // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """`text` HTML-escaped, with each word that starts with one of `terms` (compared in
    folded form) wrapped in <mark>.

    >>> highlight("Django <b>REST</b> tools", ["rest"])
    'Django &lt;b&gt;<mark>REST</mark>&lt;/b&gt; tools'
    """
    wanted = tuple(t for t in terms if t)
    if not wanted:
        return mark_safe(escape(text))  # escape() output is safe by construction
    parts: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if not fold(match.group()).startswith(wanted):
            continue
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(text[position:]))
    # Safe: every piece of `text` went through escape(); only <mark> tags are added.
    return mark_safe("".join(parts))


def synonym_map(entries: Iterable[tuple[str, str, bool]]) -> SynonymMap:
    """The expansion table of (phrase, expansion, both_ways) entries: each phrase's key
    maps to the words of its expansions (and, both ways, the reverse). Entries without
    words are skipped.

    >>> synonym_map([("2FA", "two-factor", False)])
    {('2fa',): (('two', 'factor'),)}
    """
    found: dict[tuple[str, ...], dict[Alternative, None]] = {}
    for phrase, expansion, both_ways in entries:
        words, meaning = synonym_words(phrase), synonym_words(expansion)
        if not words or not meaning or synonym_key(words) == synonym_key(meaning):
            continue
        found.setdefault(synonym_key(words), {})[meaning] = None
        if both_ways:
            found.setdefault(synonym_key(meaning), {})[words] = None
    return {key: tuple(alternatives) for key, alternatives in found.items()}


# How many corrections a misspelt word gets (the closest ones, alphabetically).
MAX_CORRECTIONS = 3

# The words of the index by first letter: misspellings rarely change the first letter,
# and it keeps a correction to one bucket of the vocabulary.
type Vocabulary = Mapping[str, Sequence[str]]


def vocabulary_buckets(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """`words` (lengths 4 to MAX_TOKEN_CHARS) grouped by first letter, each group sorted."""
    buckets: dict[str, list[str]] = {}
    for word in words:
        if 4 <= len(word) <= MAX_TOKEN_CHARS:
            buckets.setdefault(word[0], []).append(word)
    return {letter: tuple(sorted(found)) for letter, found in buckets.items()}


def word_corrections(term: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The words of `vocabulary` closest to `term` within its typo limit (same first
    letter, at most MAX_CORRECTIONS, never a prefix or stop word); () when `term` is too
    short for typos or starts some word of the vocabulary (then it is not misspelt,
    perhaps only partly typed).

    >>> word_corrections("serach", {"s": ("search", "sesame")})
    ('search',)
    """
    limit = typo_limit(len(term))
    words = vocabulary.get(term[:1], ()) if limit else ()
    if not words or any(word.startswith(term) for word in words):
        return ()
    found: dict[int, list[str]] = {}
    for word in words:
        # An ecosystem prefix or a stop word would match nearly everything.
        if word in PREFIX_WORDS or word in STOP_WORDS:
            continue
        if abs(len(word) - len(term)) <= limit:
            distance = edit_distance(term, word, limit=limit)
            if distance <= limit:
                found.setdefault(distance, []).append(word)
    return tuple(found[min(found)][:MAX_CORRECTIONS]) if found else ()


def correct_query(parsed: ParsedQuery, vocabulary: Vocabulary) -> ParsedQuery:
    """`parsed` with each misspelt single word given its corrections as alternatives
    (`word_corrections`); `parsed` itself when no word needs one."""
    groups: list[TermGroup] = []
    for group in parsed.groups:
        extra = [
            (correction,)
            for alternative in group
            if len(alternative) == 1
            for correction in word_corrections(alternative[0], vocabulary)
        ]
        groups.append(tuple(dict.fromkeys((*group, *extra))))
    if groups == list(parsed.groups):
        return parsed
    return replace(parsed, expanded=tuple(groups))
