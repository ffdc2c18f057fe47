"""The query language: fzf extended-search syntax plus fields."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tui.core.search.query import FieldFilter, Query, Term, parse_query
from tui.core.search.query_render import render_query


def items(text: str) -> list[list[Term | FieldFilter]]:
    """The AND-of-OR groups, asserting the query parsed cleanly."""
    q = parse_query(text)
    assert q.errors == [], q.errors
    return q.groups


def only(text: str) -> Term | FieldFilter:
    """The single item a one-token query parses to."""
    groups = items(text)
    assert len(groups) == 1 and len(groups[0]) == 1, groups
    return groups[0][0]


# --------------------------------------------------------------------------- fzf terms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("word", Term("word", "fuzzy")),
        ("'word", Term("word", "exact")),
        ("'word'", Term("word", "word")),
        ("^prefix", Term("prefix", "prefix")),
        ("suffix$", Term("suffix", "suffix")),
        ("^whole$", Term("whole", "equal")),
        ("!word", Term("word", "exact", negated=True)),
        ("!^pre", Term("pre", "prefix", negated=True)),
        ("!suf$", Term("suf", "suffix", negated=True)),
        ("!^all$", Term("all", "equal", negated=True)),
        ("!'word'", Term("word", "word", negated=True)),
        # fzf reads !'x as inverse fuzzy; we deliberately keep it inverse exact.
        ("!'word", Term("word", "exact", negated=True)),
        # fzf: a lone $ is literal, `'x$` is exact (the $ is eaten), `''` is exact '.
        ("$", Term("$", "fuzzy")),
        ("!$", Term("$", "exact", negated=True)),
        ("'x$", Term("x", "exact")),
        ("''", Term("'", "exact")),
        ("'''", Term("'", "word")),
        ("^^a", Term("^a", "prefix")),
        ("!!a", Term("!a", "exact", negated=True)),
    ],
)
def test_fzf_term_types(text: str, expected: Term) -> None:
    assert only(text) == expected


@pytest.mark.parametrize("text", ["'", "^", "!", "!'", "!^", "^$", "' ^ !"])
def test_bare_operators_are_ignored_like_fzf(text: str) -> None:
    # A half-typed operator must not empty the result list.
    assert parse_query(text).is_empty


def test_space_is_and() -> None:
    assert items("foo bar") == [[Term("foo")], [Term("bar")]]


def test_bar_is_or_between_neighbours() -> None:
    assert items("a | b c") == [[Term("a"), Term("b")], [Term("c")]]
    assert items("a | b | c") == [[Term("a"), Term("b"), Term("c")]]
    assert items("x a | ^b | c$") == [
        [Term("x")],
        [Term("a"), Term("b", "prefix"), Term("c", "suffix")],
    ]


def test_bar_edge_cases_follow_fzf() -> None:
    # Leading bar is text, trailing bar is ignored, a doubled bar makes `|` a term.
    assert items("| a") == [[Term("|")], [Term("a")]]
    assert items("a |") == [[Term("a")]]
    assert items("a | | b") == [[Term("a"), Term("|")], [Term("b")]]
    assert items("a || b") == [[Term("a")], [Term("||")], [Term("b")]]
    assert items("|") == [[Term("|")]]


def test_escaped_space_is_part_of_the_term() -> None:
    assert items(r"kill\ word other") == [[Term("kill word")], [Term("other")]]
    assert items(r"'foo\ bar") == [[Term("foo bar", "exact")]]


def test_tabs_and_newlines_separate_terms() -> None:
    assert items("a\tb\nc") == [[Term("a")], [Term("b")], [Term("c")]]


def test_smart_case_per_term() -> None:
    groups = items("Foo bar 'Baz ^qux")
    assert [g[0].case_sensitive for g in groups] == [True, False, True, False]
    # The text keeps its case; insensitive terms are already lowercase.
    assert groups[0][0].text == "Foo"


def test_text_terms_are_the_positive_plain_terms() -> None:
    q = parse_query("foo !bar #ai 'baz | kind:note")
    assert q.text_terms == [Term("foo"), Term("baz", "exact")]


def test_empty_and_blank_queries() -> None:
    assert parse_query("").is_empty
    assert parse_query("   \t ").is_empty
    assert not parse_query("a").is_empty


# --------------------------------------------------------------------------- fields


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("kind:tweet", "tweet"),
        ("kind:tweets", "tweet"),
        ("kind:note", "note"),
        ("kind:sections", "section"),
        ("kind:key", "key"),
        ("KIND:Keys", "key"),
    ],
)
def test_kind(text: str, kind: str) -> None:
    assert only(text) == FieldFilter("kind", "eq", kind)


def test_invalid_kind_suggests_the_closest() -> None:
    q = parse_query("kind:tweeet hello")
    assert q.groups == [[Term("hello")]]
    (err,) = q.errors
    assert "did you mean kind:tweet" in err.message
    assert (err.position, err.length, err.token) == (0, 11, "kind:tweeet")


def test_empty_kind_is_an_error() -> None:
    q = parse_query("x kind:")
    assert q.groups == [[Term("x")]]
    assert q.errors[0].position == 2 and "kind:" in q.errors[0].message


@pytest.mark.parametrize("text", ["#ai", "tag:ai", "tag:#ai", "#AI", "#ai/", "tag:AI"])
def test_tag_spellings(text: str) -> None:
    assert only(text) == FieldFilter("tag", "nested", "ai")


def test_nested_tag_value_kept() -> None:
    assert only("#ai/llm") == FieldFilter("tag", "nested", "ai/llm")


@pytest.mark.parametrize("text", ["#", "#1", "#42", "##heading", "#/"])
def test_hash_that_is_not_a_tag_is_text(text: str) -> None:
    # Issue numbers and markdown heading marks are searched for, not tag filters.
    assert isinstance(only(text), Term)


@pytest.mark.parametrize("text", ["@karpathy", "@Karpathy", "author:karpathy", "author:@karpathy"])
def test_author(text: str) -> None:
    assert only(text) == FieldFilter("author", "substring", "karpathy")


def test_bare_at_is_text() -> None:
    assert only("@") == Term("@")


def test_path_substring_and_glob() -> None:
    assert only("path:blog/") == FieldFilter("path", "substring", "blog/")
    assert only("path:blog/*.md") == FieldFilter("path", "glob", "blog/*.md")
    assert only("path:note?.md") == FieldFilter("path", "glob", "note?.md")


def test_title_quoted_value_with_spaces() -> None:
    assert items('title:"kill word" emacs') == [
        [FieldFilter("title", "substring", "kill word")],
        [Term("emacs")],
    ]
    assert only(r"title:kill\ word") == FieldFilter("title", "substring", "kill word")


def test_unclosed_quote_runs_to_the_end() -> None:
    # While typing `title:"kill wo` the filter already works.
    assert only('title:"kill wo') == FieldFilter("title", "substring", "kill wo")


def test_quotes_only_group_for_known_fields() -> None:
    assert items('foo:"a b"') == [[Term('foo:"a')], [Term('b"')]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("date:2024", FieldFilter("date", "prefix", "2024")),
        ("date:2024-04", FieldFilter("date", "prefix", "2024-04")),
        ("date:2024-4-7", FieldFilter("date", "prefix", "2024-04-07")),
        ("date:>=2024-06-01", FieldFilter("date", "ge", "2024-06-01")),
        ("date:<2024", FieldFilter("date", "lt", "2024")),
        ("date:>2024-06", FieldFilter("date", "gt", "2024-06")),
        ("date:<=2024-02-29", FieldFilter("date", "le", "2024-02-29")),
        ("date:2024-04..2024-06", FieldFilter("date", "range", low="2024-04", high="2024-06")),
        ("date:2023..", FieldFilter("date", "ge", "2023")),
        ("date:..2023", FieldFilter("date", "le", "2023")),
    ],
)
def test_date_forms(text: str, expected: FieldFilter) -> None:
    assert only(text) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "date:2024-13",
        "date:abc",
        "date:2023-02-29",
        "date:24",
        "date:>>2024",
        "date:",
        "date:..",
        "date:2024-06..2024-05",
        "date:2024-04-17T08:00",
    ],
)
def test_malformed_date_is_an_error_and_the_rest_still_works(bad: str) -> None:
    q = parse_query(f"emacs {bad} #ai")
    assert q.groups == [[Term("emacs")], [FieldFilter("tag", "nested", "ai")]]
    (err,) = q.errors
    assert err.position == 6 and err.length == len(bad) and err.token == bad
    assert err.message.startswith("date:")


def test_date_error_message_explains_the_format() -> None:
    (err,) = parse_query("date:2024-13").errors
    assert err.message == (
        "date: expects YYYY, YYYY-MM or YYYY-MM-DD, ranges a..b, or >=, <=, >, < — got '2024-13'"
    )
    assert str(err) == err.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("likes:>1000", FieldFilter("likes", "gt", 1000)),
        ("likes:>=10", FieldFilter("likes", "ge", 10)),
        ("likes:<5", FieldFilter("likes", "lt", 5)),
        ("likes:<=5", FieldFilter("likes", "le", 5)),
        ("likes:100..200", FieldFilter("likes", "range", low=100, high=200)),
        ("likes:1k", FieldFilter("likes", "eq", 1000)),
        ("likes:>1.5K", FieldFilter("likes", "gt", 1500)),
        ("likes:2m", FieldFilter("likes", "eq", 2_000_000)),
        ("likes:1k..", FieldFilter("likes", "ge", 1000)),
        ("retweets:>10", FieldFilter("retweets", "gt", 10)),
    ],
)
def test_likes_forms(text: str, expected: FieldFilter) -> None:
    assert only(text) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "likes:>>3",
        "likes:",
        "likes:abc",
        "likes:-3",
        "likes:1.5",
        "likes:200..100",
        "likes:1kk",
        "likes:" + "9" * 40,
    ],
)
def test_malformed_likes_is_an_error(bad: str) -> None:
    q = parse_query(f"{bad} x")
    assert q.groups == [[Term("x")]]
    assert q.errors[0].token == bad and q.errors[0].position == 0
    assert q.errors[0].message.startswith("likes:")


def test_every_field_can_be_negated() -> None:
    assert only("!kind:tweet") == FieldFilter("kind", "eq", "tweet", negated=True)
    assert only("!#draft") == FieldFilter("tag", "nested", "draft", negated=True)
    assert only("!@bob") == FieldFilter("author", "substring", "bob", negated=True)
    assert only("!likes:>5") == FieldFilter("likes", "gt", 5, negated=True)
    assert only('!title:"a b"') == FieldFilter("title", "substring", "a b", negated=True)


def test_fields_combine_with_or_and_terms() -> None:
    assert items("#a | #b | foo kind:note") == [
        [FieldFilter("tag", "nested", "a"), FieldFilter("tag", "nested", "b"), Term("foo")],
        [FieldFilter("kind", "eq", "note")],
    ]


@pytest.mark.parametrize("text", ["foo:bar", "https://example.com", "key:value", "C:x"])
def test_unknown_field_is_a_plain_term(text: str) -> None:
    assert only(text) == Term(text, "fuzzy", case_sensitive=text != text.lower())


def test_quote_prefix_makes_a_field_searchable_text() -> None:
    assert only("'kind:tweet") == Term("kind:tweet", "exact")


def test_bad_token_between_bars_keeps_the_or() -> None:
    q = parse_query("a | date:nope | b")
    assert q.groups == [[Term("a"), Term("b")]]
    assert q.errors[0].position == 4


def test_error_positions_point_into_the_original_text() -> None:
    text = '  title:"x y"   likes:>>3 kind:nope'
    q = parse_query(text)
    assert [text[e.position : e.position + e.length] for e in q.errors] == [
        "likes:>>3",
        "kind:nope",
    ]


# --------------------------------------------------------------------------- round trip


def test_render_is_canonical() -> None:
    q = parse_query('kind:tweets #AI/ @Karpathy likes:>1k date:2024-4 title:"a b" x | \'y')
    assert render_query(q) == (
        'kind:tweet #ai @karpathy likes:>1000 date:2024-04 title:"a b" x | \'y'
    )


@pytest.mark.parametrize(
    "text",
    [
        "!''a",
        "!'^a",
        "!'kind:x",
        "a\\",
        "a\\\tb",
        'title:""x',
        'title:"a\tb"c"d',
        'title:a\\ "b',
        "#a\\ b",
        "| | a",
        "' | a",
        "!'#ai",
        "'$$",
        "'a$$",
    ],
)
def test_tricky_round_trips(text: str) -> None:
    q = parse_query(text)
    assert parse_query(render_query(q)) == q


_TOKENS = st.sampled_from(
    [
        "a",
        "B",
        "é",
        "|",
        "||",
        "'",
        "''",
        "'''",
        "^",
        "$",
        "!",
        "!'",
        "^$",
        "\\",
        "\\ ",
        '"',
        "#",
        "#ai",
        "#1",
        "@",
        "@x",
        "kind:",
        "kind:tweet",
        "kind:tweets",
        "tag:",
        "title:",
        'title:"',
        "path:*.md",
        "date:",
        "date:2024-02-29",
        "date:..2024",
        "date:2024..2023",
        "likes:",
        "likes:>1k",
        "likes:1..",
        "foo:",
        "!",
        " ",
        "\t",
        "\n",
        "\x00",
        "\\\t",
        "'a'",
        "^a$",
        "a$",
        "İ",
        "ß",
        "ǅ",
    ]
)
_QUERIES = st.one_of(
    st.text(),
    st.lists(st.one_of(_TOKENS, st.text(max_size=4)), max_size=8).map("".join),
    st.lists(st.one_of(_TOKENS, st.text(max_size=4)), max_size=8).map(" ".join),
)


# A 1,500-example soak (6 CPU-s): the full suite runs it; test_tricky_round_trips and
# test_properties keep the round trip in the quick tier.
@pytest.mark.slow
@settings(max_examples=1500, deadline=None)
@given(_QUERIES)
@example('title:"a" \\')
@example('!title:"x')
def test_parse_never_raises_and_round_trips(text: str) -> None:
    q = parse_query(text)
    assert isinstance(q, Query)
    rendered = render_query(q)
    again = parse_query(rendered)
    assert again == q
    assert again.errors == []
    assert render_query(again) == rendered
    for err in q.errors:
        assert err.position >= 0 and err.position + err.length <= len(text)
