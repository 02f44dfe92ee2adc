"""Tokens, parsed queries, edit distance and highlighting (no database)."""

import pytest

from packagegrid.search.text import (
    MAX_TERMS,
    clip,
    compact,
    correct_query,
    edit_distance,
    expand_query,
    highlight,
    index_text,
    name_keys,
    parse_query,
    strip_prefix,
    synonym_map,
    tokens,
    typo_limit,
    vocabulary_buckets,
    word_corrections,
)


def test_it_folds_case_accents_and_full_width_letters() -> None:
    full_width = "\uff24\uff4a\uff41\uff4e\uff47\uff4f"  # DJANGO in full-width letters
    assert tokens(f"{full_width} Café-REST") == ["django", "cafe", "rest"]


def test_it_treats_punctuation_underscores_and_control_characters_as_separators() -> None:
    assert tokens('rest_condition "x"*:(NEAR)\x00-y') == ["rest", "condition", "x", "near", "y"]


def test_it_drops_tokens_longer_than_any_word() -> None:
    assert tokens("a" * 41 + " ok") == ["ok"]


def test_it_pads_indexed_text_with_spaces_for_word_prefix_matching() -> None:
    assert index_text("Django REST", "framework") == " django rest framework "
    assert index_text("", "!!") == ""


def test_it_strips_the_ecosystem_prefix_from_compact_names() -> None:
    assert compact("Django REST framework") == "djangorestframework"
    assert strip_prefix("djangorestframework") == "restframework"
    assert strip_prefix("drfyasg") == "yasg"
    assert strip_prefix("djstripe") == "stripe"
    assert strip_prefix("django") == ""
    assert strip_prefix("sesame") == ""


def test_it_lists_each_name_key_once() -> None:
    assert name_keys("django-filter", "django_filter") == ["djangofilter", "filter"]


def test_it_makes_prefix_words_optional_next_to_other_words() -> None:
    parsed = parse_query("django-rest")
    assert parsed is not None
    assert parsed.terms == ("rest",)
    assert parsed.name_forms == ("djangorest", "rest")


def test_it_keeps_prefix_words_when_nothing_else_is_left() -> None:
    parsed = parse_query("dj")
    assert parsed is not None
    assert parsed.terms == ("dj",)
    assert parsed.name_forms == ("dj",)


def test_it_drops_stop_words_but_not_a_query_made_of_them() -> None:
    assert parse_query("tools for payments").terms == ("tools", "payments")  # type: ignore[union-attr]  # parse_query is not None here
    assert parse_query("the").terms == ("the",)  # type: ignore[union-attr]  # parse_query is not None here


def test_it_drops_words_that_say_what_people_want_to_do_but_not_all_of_them() -> None:
    assert parse_query("find an app for payments").terms == ("payments",)  # type: ignore[union-attr]  # parse_query is not None here
    assert parse_query("find slow queries").terms == ("slow", "queries")  # type: ignore[union-attr]  # parse_query is not None here
    assert parse_query("app").terms == ("app",)  # type: ignore[union-attr]  # parse_query is not None here


@pytest.mark.parametrize("query", ["", "   ", '"*:-()', "!!!", "\x00", "\u200b\u202e"])
def test_it_reads_no_query_from_input_without_letters_or_digits(query: str) -> None:
    assert parse_query(query) is None


def test_it_bounds_long_queries() -> None:
    parsed = parse_query(" ".join(f"word{i}" for i in range(5000)))
    assert parsed is not None
    assert len(parsed.terms) == MAX_TERMS
    assert len(parsed.compact) <= 100


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("django", "django", 0),
        ("djnago", "django", 1),  # a swap is one edit
        ("celey", "celery", 1),
        ("djnagofilter", "djangofilter", 1),
        ("crispyfroms", "crispyforms", 1),
        ("kronoss", "kronos", 1),
        ("satchmo", "sachmoo", 2),
    ],
)
def test_it_measures_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, limit=2) == distance


def test_it_stops_measuring_beyond_the_limit() -> None:
    assert edit_distance("abcdef", "uvwxyz", limit=1) == 2
    assert edit_distance("short", "much-longer-name", limit=2) == 3


def test_it_tolerates_more_typos_in_longer_names() -> None:
    assert [typo_limit(n) for n in (3, 4, 7, 8, 20)] == [0, 1, 1, 2, 2]


def test_it_highlights_word_prefixes_and_escapes_everything_else() -> None:
    html = highlight('<script>alert("rest")</script> RESTful', ["rest"])
    assert html == (
        "&lt;script&gt;alert(&quot;<mark>rest</mark>&quot;)&lt;/script&gt; <mark>RESTful</mark>"
    )


def test_it_highlights_nothing_without_terms() -> None:
    assert highlight("<b>", []) == "&lt;b&gt;"


def test_it_clips_at_a_word_boundary() -> None:
    assert clip("one two three four", 12) == "one two…"
    assert clip("  short \n text ", 50) == "short text"


_SYNONYMS = synonym_map(
    [
        ("drf", "Django REST framework", False),
        ("celery", "background tasks", True),
        ("2FA", "two-factor", False),
    ]
)


def test_it_builds_the_synonym_table_both_ways_where_asked() -> None:
    assert _SYNONYMS == {
        ("drf",): (("rest", "framework"),),
        ("celery",): (("background", "tasks"),),
        ("background", "task"): (("celery",),),
        ("2fa",): (("two", "factor"),),
    }


def test_it_expands_the_longest_synonym_phrase_singular_or_plural() -> None:
    parsed = expand_query(parse_query("background task monitor"), _SYNONYMS)  # type: ignore[arg-type]  # parse_query is not None here
    assert parsed.groups == ((("background", "task"), ("celery",)), (("monitor",),))
    assert parsed.words == ("background", "task", "celery", "monitor")


def test_it_leaves_a_query_without_synonyms_alone() -> None:
    parsed = parse_query("forms")
    assert parsed is not None
    assert expand_query(parsed, _SYNONYMS) is parsed
    assert parsed.groups == ((("forms",),),)


def test_it_does_not_expand_a_prefix_word_next_to_other_words() -> None:
    parsed = expand_query(parse_query("drf pagination"), _SYNONYMS)  # type: ignore[arg-type]  # parse_query is not None here
    assert parsed.groups == ((("pagination",),),)


_VOCABULARY = vocabulary_buckets(["search", "searching", "sesame", "django", "permissions"])


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("serach", ("search",)),
        ("permisions", ("permissions",)),
        ("sear", ()),  # starts a word: typed partly, not misspelt
        ("djnago", ()),  # never corrected to an ecosystem prefix
        ("abc", ()),  # too short for typos
        ("zzzzzz", ()),
    ],
)
def test_it_corrects_a_word_only_to_close_words_of_the_index(
    term: str, expected: tuple[str, ...]
) -> None:
    assert word_corrections(term, _VOCABULARY) == expected


def test_it_adds_corrections_as_alternatives() -> None:
    parsed = parse_query("serach sesame")
    corrected = correct_query(parsed, _VOCABULARY)  # type: ignore[arg-type]  # parsed is not None here
    assert corrected.groups == ((("serach",), ("search",)), (("sesame",),))
    assert correct_query(parse_query("sesame"), _VOCABULARY) == parse_query("sesame")  # type: ignore[arg-type]  # parse_query is not None here
