"""Field filters: what each one keeps, in the engine and in the tests' Python reference."""

from __future__ import annotations

from typing import Any

import pytest
from filter_oracle import entry_passes_fields, filter_matches, group_field_match
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchEngine
from tui.core.search.filters import describe_filters
from tui.core.search.query import FieldFilter, parse_query


def entry(
    kind: str = "note",
    title: str = "Untitled",
    path: str = "notes/a.md",
    tags: tuple[str, ...] = (),
    **meta: Any,
) -> Entry:
    return Entry(
        id="x",
        kind=kind,
        title=title,
        path=path,
        line=1,
        end_line=1,
        text="body",
        tags=tags,
        meta=meta,
    )


def passes(query: str, e: Entry) -> bool:
    """Whether the engine keeps `e` for `query` (filter-only groups); the reference agrees."""
    q = parse_query(query)
    assert q.errors == [] and q.filters, q
    kept = [h.entry.id for h in SearchEngine.from_entries([e]).search(query, limit=0).hits]
    assert entry_passes_fields(q, e) == (kept == [e.id]), (query, e)
    return kept == [e.id]


def test_kind() -> None:
    tweet, note = entry(kind="tweet"), entry(kind="note")
    assert passes("kind:tweets", tweet) and not passes("kind:tweet", note)
    assert passes("!kind:tweet", note) and not passes("!kind:tweet", tweet)


@pytest.mark.parametrize(
    ("tags", "query", "expected"),
    [
        (("ai",), "#ai", True),
        (("ai/llm",), "#ai", True),
        (("ai/llm/gpt",), "#ai/llm", True),
        (("aix",), "#ai", False),
        (("ai",), "#ai/llm", False),
        (("AI/LLM",), "#ai", True),
        (("#ai",), "tag:AI", True),
        ((), "#ai", False),
        (("draft",), "!#draft", False),
        (("ai",), "!#draft", True),
    ],
)
def test_tags_nest_and_ignore_case(tags: tuple[str, ...], query: str, expected: bool) -> None:
    assert passes(query, entry(tags=tags)) is expected


def test_author_is_case_insensitive_substring() -> None:
    e = entry(kind="tweet", author="Karpathy")
    assert passes("@karpathy", e) and passes("author:KARP", e)
    assert not passes("@sama", e)
    assert not passes("@karpathy", entry())  # no author at all
    assert passes("!@karpathy", entry())


def test_path_substring_glob_and_smart_case() -> None:
    e = entry(path="blog/2024/Rust.md")
    assert passes("path:blog/", e) and passes("path:rust", e)
    assert passes("path:Rust", e) and not passes("path:RUST", e)
    assert passes("path:*.md", e) and passes("path:blog/*/rust.md", e)
    assert not passes("path:*.txt", e) and not passes("path:2024/*", e)


def test_a_decomposed_file_name_is_found_as_typed() -> None:
    """macOS writes `café.md` as `cafe` + U+0301; `path:café` is typed composed (TRY3 #9)."""
    e = entry(path="names/cafe\u0301.md")
    assert passes("path:café", e) and passes("path:*café.md", e)
    assert passes("path:cafe\u0301", entry(path="names/café.md"))


def test_title_folds_case() -> None:
    e = entry(title="Kill Word Backwards")
    assert passes('title:"kill word"', e) and passes("title:BACK", e)
    assert not passes('title:"word kill"', e)


@pytest.mark.parametrize(
    ("query", "date", "expected"),
    [
        ("date:2024-04", "2024-04-17", True),
        ("date:2024-04", "2024-04-17T08:01:02+00:00", True),
        ("date:2024-04", "2024-05-01", False),
        ("date:2024", "2023-12-31", False),
        ("date:>=2024-06-01", "2024-06-01", True),
        ("date:>=2024-06-01", "2024-05-31", False),
        ("date:>2024-06", "2024-06-30", False),
        ("date:>2024-06", "2024-07-01", True),
        ("date:<2024", "2023-12-31T23:59:59Z", True),
        ("date:<2024", "2024-01-01", False),
        ("date:<=2024-06", "2024-06-30", True),
        ("date:2024-04..2024-06", "2024-06-30", True),
        ("date:2024-04..2024-06", "2024-04-01", True),
        ("date:2024-04..2024-06", "2024-03-31", False),
        ("date:2024-04..2024-06", "2024-07-01", False),
        ("!date:2024", "2024-03-01", False),
        ("!date:2024", "2023-03-01", True),
    ],
)
def test_dates_compare_by_prefix(query: str, date: str, expected: bool) -> None:
    assert passes(query, entry(date=date)) is expected


def test_entry_without_date_fails_date_filters_and_passes_negated_ones() -> None:
    undated = entry()
    assert not passes("date:>=1900", undated)
    assert passes("!date:2024", undated)


@pytest.mark.parametrize(
    ("query", "likes", "expected"),
    [
        ("likes:>1000", 1001, True),
        ("likes:>1000", 1000, False),
        ("likes:>=1k", 1000, True),
        ("likes:<5", 4, True),
        ("likes:<5", 5, False),
        ("likes:100..200", 200, True),
        ("likes:100..200", 201, False),
        ("likes:1.5k", 1500, True),
        ("!likes:>10", 3, True),
    ],
)
def test_likes(query: str, likes: int, expected: bool) -> None:
    assert passes(query, entry(kind="tweet", likes=likes)) is expected


def test_entries_without_likes_never_match_likes_filters() -> None:
    assert not passes("likes:<5", entry())
    assert not passes("likes:<5", entry(likes="3"))
    assert passes("!likes:>5", entry())


def test_or_group_of_filters() -> None:
    assert passes("#a | #b", entry(tags=("b",)))
    assert not passes("#a | #b", entry(tags=("c",)))
    assert passes("kind:tweet | kind:key kind:key", entry(kind="key"))


def test_mixed_groups_are_left_to_the_text_matcher() -> None:
    q = parse_query("#ai | emacs kind:note")
    mixed, kinds = q.groups
    assert group_field_match(mixed, entry(tags=("ai",))) is True
    assert group_field_match(mixed, entry()) is None
    assert group_field_match(kinds, entry(kind="tweet")) is False
    # The pre-filter only rejects on filter-only groups.
    assert entry_passes_fields(q, entry(kind="note"))
    assert not entry_passes_fields(q.groups, entry(kind="tweet", tags=("ai",)))


def test_filter_matches_respects_negation() -> None:
    f = FieldFilter("kind", "eq", "tweet", negated=True)
    assert filter_matches(f, entry(kind="note")) and not filter_matches(f, entry(kind="tweet"))


def test_describe_filters_for_the_status_line() -> None:
    q = parse_query(
        "emacs kind:tweets #AI likes:>1k !#draft @Karpathy date:2024-04..2024-06 "
        'title:"kill word" #a | #b likes:5 date:>=2024-06'
    )
    assert describe_filters(q) == [
        "kind:tweet",
        "#ai",
        "likes>1000",
        "!#draft",
        "@karpathy",
        "date:2024-04..2024-06",
        'title:"kill word"',
        "#a | #b",
        "likes=5",
        "date>=2024-06",
    ]
    assert describe_filters(parse_query("just text")) == []


_ENTRIES = st.builds(
    entry,
    kind=st.sampled_from(["note", "section", "tweet", "key"]),
    title=st.text(max_size=10),
    path=st.text(max_size=10),
    tags=st.lists(st.text(max_size=6), max_size=3).map(tuple),
    date=st.one_of(st.none(), st.text(max_size=12), st.just("2024-06-30")),
    likes=st.one_of(st.none(), st.integers(-5, 10**6), st.floats(), st.text(max_size=3)),
    author=st.one_of(st.none(), st.text(max_size=6), st.integers()),
)
_FILTER_QUERIES = st.sampled_from(
    [
        "kind:tweet",
        "#ai",
        "!#ai",
        "@k",
        "path:*a*",
        "path:a",
        "title:x",
        "date:2024",
        "date:>=2024-06",
        "date:2024..2024-06",
        "likes:>1k",
        "!likes:1..5",
        "likes:<=3",
    ]
)


@settings(max_examples=300, deadline=None)
@given(_FILTER_QUERIES, _ENTRIES)
def test_negation_is_the_exact_complement(query: str, e: Entry) -> None:
    (f,) = parse_query(query).filters
    flipped = FieldFilter(f.field, f.op, f.value, f.low, f.high, not f.negated)
    assert filter_matches(f, e) != filter_matches(flipped, e)
